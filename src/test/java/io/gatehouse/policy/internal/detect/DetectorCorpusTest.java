package io.gatehouse.policy.internal.detect;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of each detector on the labelled corpus {@code policy/detector-corpus.jsonl}
 * (per text: a type counts as found when at least one finding of it is reported; injection when the
 * score reaches {@link #INJECTION_THRESHOLD}). Writes the table to {@code
 * target/policy-detector-metrics.md} (copied into docs/policy.md) and asserts floors.
 */
class DetectorCorpusTest {
    static final double INJECTION_THRESHOLD = 0.5;
    static final List<String> TYPES =
            List.of("email", "phone", "card", "iban", "ssn", "nino", "ip", "secret", "injection");

    record Line(String text, Set<String> labels) {}

    static List<Line> corpus() throws Exception {
        List<Line> lines = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(
                                DetectorCorpusTest.class.getResourceAsStream(
                                        "/policy/detector-corpus.jsonl"),
                                StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (l.isBlank()) {
                    continue;
                }
                JsonObject o = Json.createReader(new StringReader(l)).readObject();
                Set<String> labels =
                        o.getJsonArray("labels").getValuesAs(JsonString.class).stream()
                                .map(JsonString::getString)
                                .collect(Collectors.toSet());
                lines.add(new Line(o.getString("text"), labels));
            }
        }
        return lines;
    }

    static Set<String> found(String text) {
        Set<String> f = new TreeSet<>();
        for (Detection d : Detectors.scan(text)) {
            f.add(d.type());
        }
        if (InjectionDetector.score(List.of(text)).score() >= INJECTION_THRESHOLD) {
            f.add("injection");
        }
        return f;
    }

    @Test
    void precisionAndRecallPerDetector() throws Exception {
        List<Line> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThan(300);
        Map<String, int[]> counts = new LinkedHashMap<>(); // tp, fp, fn
        TYPES.forEach(t -> counts.put(t, new int[3]));
        List<String> misses = new ArrayList<>();
        for (Line line : corpus) {
            Set<String> got = found(line.text());
            for (String t : TYPES) {
                boolean want = line.labels().contains(t);
                boolean have = got.contains(t);
                int[] c = counts.get(t);
                if (want && have) {
                    c[0]++;
                } else if (have) {
                    c[1]++;
                    misses.add("FP " + t + ": " + line.text());
                } else if (want) {
                    c[2]++;
                    misses.add("FN " + t + ": " + line.text());
                }
            }
        }
        StringBuilder table = new StringBuilder();
        table.append("| detector | positives | TP | FP | FN | precision | recall |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Map<String, double[]> pr = new LinkedHashMap<>();
        for (String t : TYPES) {
            int[] c = counts.get(t);
            double p = c[0] + c[1] == 0 ? 1.0 : (double) c[0] / (c[0] + c[1]);
            double r = c[0] + c[2] == 0 ? 1.0 : (double) c[0] / (c[0] + c[2]);
            pr.put(t, new double[] {p, r});
            table.append(
                    String.format(
                            java.util.Locale.ROOT,
                            "| %s | %d | %d | %d | %d | %.3f | %.3f |%n",
                            t,
                            c[0] + c[2],
                            c[0],
                            c[1],
                            c[2],
                            p,
                            r));
        }
        table.append("\nCorpus: ").append(corpus.size()).append(" texts.\n");
        Files.createDirectories(Path.of("target"));
        Files.writeString(
                Path.of("target/policy-detector-metrics.md"),
                table + "\n" + String.join("\n", misses) + "\n");
        System.out.println(table);
        misses.forEach(System.out::println);
        for (String t : TYPES) {
            assertThat(pr.get(t)[0]).as("precision of %s", t).isGreaterThanOrEqualTo(0.9);
            assertThat(pr.get(t)[1]).as("recall of %s", t).isGreaterThanOrEqualTo(0.85);
        }
    }
}
