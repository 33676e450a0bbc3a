package io.gatehouse.policy;

import io.gatehouse.policy.internal.detect.InjectionDetector;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Measures the prompt-injection detector on a labelled jsonl file (one object a line: {@code id},
 * {@code text}, {@code attack}, {@code family}, {@code lang}): recall and precision at score ≥
 * {@link #THRESHOLD} per family, per language and overall, as a markdown table. Used by {@code
 * InjectionTuningSetTest} on the tuning set and run by hand on the held-out set (docs/policy.md,
 * "Held-out measurement"):
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/test-cp.txt)" \
 *     io.gatehouse.policy.InjectionEvaluation FILE.jsonl [--misses]
 * </pre>
 *
 * {@code --misses} also lists the texts scored wrongly (id, family, language, score, signals).
 */
public final class InjectionEvaluation {
    /** The score from which a text counts as flagged (the demo policy flags from here). */
    public static final double THRESHOLD = 0.5;

    /** One labelled text and the detector's verdict on it. */
    public record Scored(
            String id,
            String text,
            boolean attack,
            String family,
            String lang,
            double score,
            List<String> signals) {
        public boolean flagged() {
            return score >= THRESHOLD;
        }
    }

    /** Counts of one group: attacks and how many were flagged, benign texts and how many were. */
    public record Counts(int attacks, int caught, int benign, int falseAlarms) {
        Counts add(Scored s) {
            return s.attack()
                    ? new Counts(attacks + 1, caught + (s.flagged() ? 1 : 0), benign, falseAlarms)
                    : new Counts(attacks, caught, benign + 1, falseAlarms + (s.flagged() ? 1 : 0));
        }

        /** Flagged attacks over attacks (1 when there are none). */
        public double recall() {
            return attacks == 0 ? 1.0 : (double) caught / attacks;
        }

        /** Flagged attacks over flagged texts (1 when nothing was flagged). */
        public double precision() {
            return caught + falseAlarms == 0 ? 1.0 : (double) caught / (caught + falseAlarms);
        }
    }

    /** The measurement of one file. */
    public record Report(
            List<Scored> scored,
            Map<String, Counts> byFamily,
            Map<String, Counts> byLanguage,
            Map<String, Counts> byFamilyAndLanguage,
            Counts overall) {

        /** The markdown tables (per family, per language, overall). */
        public String markdown() {
            StringBuilder b = new StringBuilder();
            b.append("| family | attacks | flagged | recall |\n|---|---:|---:|---:|\n");
            byFamily.forEach(
                    (f, c) -> {
                        if (c.attacks() > 0) {
                            b.append(
                                    String.format(
                                            Locale.ROOT,
                                            "| %s | %d | %d | %.3f |%n",
                                            f,
                                            c.attacks(),
                                            c.caught(),
                                            c.recall()));
                        }
                    });
            b.append(
                    "\n| language | attacks | flagged | recall | benign | false alarms | precision |\n"
                            + "|---|---:|---:|---:|---:|---:|---:|\n");
            byLanguage.forEach((l, c) -> b.append(row(l, c)));
            b.append(row("**all**", overall));
            return b.toString();
        }

        private static String row(String name, Counts c) {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %.3f | %d | %d | %.3f |%n",
                    name,
                    c.attacks(),
                    c.caught(),
                    c.recall(),
                    c.benign(),
                    c.falseAlarms(),
                    c.precision());
        }

        /** The texts scored wrongly: missed attacks and flagged benign texts. */
        public List<Scored> wrong() {
            return scored.stream().filter(s -> s.attack() != s.flagged()).toList();
        }
    }

    private InjectionEvaluation() {}

    /** Reads and scores every line of {@code jsonl}. */
    public static Report evaluate(Path jsonl) throws IOException {
        List<Scored> scored = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject o = Json.createReader(new StringReader(line)).readObject();
            String text = o.getString("text");
            InjectionDetector.Result r = InjectionDetector.score(List.of(text));
            scored.add(
                    new Scored(
                            o.getString("id"),
                            text,
                            o.getBoolean("attack"),
                            o.getString("family"),
                            o.getString("lang"),
                            r.score(),
                            r.signals()));
        }
        return new Report(
                scored,
                group(scored, Scored::family),
                group(scored, Scored::lang),
                group(scored, s -> s.family() + "/" + s.lang()),
                scored.stream()
                        .reduce(new Counts(0, 0, 0, 0), Counts::add, InjectionEvaluation::sum));
    }

    private static Map<String, Counts> group(List<Scored> scored, Function<Scored, String> key) {
        Map<String, Counts> m = new TreeMap<>();
        for (Scored s : scored) {
            m.merge(key.apply(s), new Counts(0, 0, 0, 0).add(s), InjectionEvaluation::sum);
        }
        return m;
    }

    private static Counts sum(Counts a, Counts b) {
        return new Counts(
                a.attacks() + b.attacks(),
                a.caught() + b.caught(),
                a.benign() + b.benign(),
                a.falseAlarms() + b.falseAlarms());
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: InjectionEvaluation FILE.jsonl [--misses]");
            System.exit(2);
        }
        Report r = evaluate(Path.of(args[0]));
        System.out.print(r.markdown());
        if (List.of(args).contains("--misses")) {
            System.out.println();
            for (Scored s : r.wrong()) {
                System.out.printf(
                        Locale.ROOT,
                        "%s %s %s/%s score=%.3f signals=%s%n",
                        s.attack() ? "MISSED" : "FALSE ALARM",
                        s.id(),
                        s.family(),
                        s.lang(),
                        s.score(),
                        s.signals());
            }
        }
    }
}
