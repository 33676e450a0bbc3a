package io.gatehouse.policy.internal.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.InjectionEvaluation;
import io.gatehouse.policy.InjectionEvaluation.Counts;
import io.gatehouse.policy.InjectionEvaluation.Report;
import io.gatehouse.policy.InjectionEvaluation.Scored;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The injection detector on its tuning set {@code policy/injection-tuning.jsonl} (seven attack
 * families and benign texts in six languages; the detector is tuned on this file, so these floors
 * say what the heuristics cover, not how well they generalize: that is the held-out measurement in
 * docs/policy.md). Writes the tables to {@code target/injection-tuning-metrics.md}.
 */
class InjectionTuningSetTest {
    static final Set<String> FAMILIES =
            Set.of(
                    "override",
                    "indirect_document",
                    "authority_claim",
                    "fake_role_marker",
                    "prompt_leak",
                    "roleplay",
                    "exfiltration");
    static final Set<String> LANGUAGES = Set.of("en", "de", "fr", "es", "it", "pt");

    static Report report;

    @BeforeAll
    static void evaluate() throws Exception {
        Path file =
                Path.of(
                        InjectionTuningSetTest.class
                                .getResource("/policy/injection-tuning.jsonl")
                                .toURI());
        report = InjectionEvaluation.evaluate(file);
        StringBuilder out = new StringBuilder(report.markdown()).append('\n');
        for (Scored s : report.wrong()) {
            out.append(
                    String.format(
                            java.util.Locale.ROOT,
                            "%s %s %s/%s %.3f %s: %s%n",
                            s.attack() ? "MISSED" : "FALSE ALARM",
                            s.id(),
                            s.family(),
                            s.lang(),
                            s.score(),
                            s.signals(),
                            s.text().replace('\n', ' ')));
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/injection-tuning-metrics.md"), out);
        System.out.println(out);
    }

    @Test
    void theSetCoversEveryFamilyInEveryLanguageAndBenignTextsInEach() {
        assertThat(report.byFamily().keySet()).containsAll(FAMILIES).contains("benign");
        assertThat(report.byLanguage().keySet()).containsExactlyInAnyOrderElementsOf(LANGUAGES);
        for (String f : FAMILIES) {
            for (String l : LANGUAGES) {
                assertThat(report.byFamilyAndLanguage().get(f + "/" + l).attacks())
                        .as("attacks of %s in %s", f, l)
                        .isGreaterThanOrEqualTo(6);
            }
        }
        for (String l : LANGUAGES) {
            assertThat(report.byLanguage().get(l).benign())
                    .as("benign texts in %s", l)
                    .isGreaterThanOrEqualTo(30);
        }
    }

    @Test
    void noBenignTextIsFlagged() {
        List<String> flagged =
                report.scored().stream()
                        .filter(s -> !s.attack() && s.flagged())
                        .map(s -> s.id() + " " + s.score() + " " + s.signals() + ": " + s.text())
                        .toList();
        assertThat(flagged).isEmpty();
    }

    @Test
    void recallPerFamily() {
        for (String f : FAMILIES) {
            assertThat(report.byFamily().get(f).recall())
                    .as("recall of %s", f)
                    .isGreaterThanOrEqualTo(0.9);
        }
    }

    @Test
    void recallAndPrecisionPerLanguage() {
        for (String l : LANGUAGES) {
            Counts c = report.byLanguage().get(l);
            assertThat(c.recall()).as("recall in %s", l).isGreaterThanOrEqualTo(0.9);
            assertThat(c.precision()).as("precision in %s", l).isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void everyFamilyIsCaughtInEveryLanguage() {
        Set<String> weak = new TreeSet<>();
        for (String f : FAMILIES) {
            for (String l : LANGUAGES) {
                Counts c = report.byFamilyAndLanguage().get(f + "/" + l);
                if (c.recall() < 0.8) {
                    weak.add(f + "/" + l + " " + c.caught() + "/" + c.attacks());
                }
            }
        }
        assertThat(weak).as("family/language cells below recall 0.8").isEmpty();
    }
}
