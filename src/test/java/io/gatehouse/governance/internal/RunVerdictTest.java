package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pass rates and a run's status. */
class RunVerdictTest {
    static Map<String, String> outcomes(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void passRateIsPassedOverCases() {
        RunVerdict.Side s =
                RunVerdict.Side.of(outcomes("a", "pass", "b", "fail", "c", "error", "d", "pass"));
        assertThat(s).isEqualTo(new RunVerdict.Side(4, 2, 1, 1));
        assertThat(s.passRate()).isEqualTo(0.5);
    }

    @Test
    void statusRules() {
        // 9 of 10 reaches 0.9 exactly
        assertThat(RunVerdict.status(new RunVerdict.Side(10, 9, 1, 0), 0.9, false))
                .isEqualTo("passed");
        assertThat(RunVerdict.status(new RunVerdict.Side(10, 8, 2, 0), 0.9, false))
                .isEqualTo("failed");
        assertThat(RunVerdict.status(new RunVerdict.Side(3, 2, 0, 1), 0.6, false))
                .isEqualTo("passed");
        // errors count against the rate: they are not passes
        assertThat(RunVerdict.status(new RunVerdict.Side(3, 2, 0, 1), 1.0, false))
                .isEqualTo("failed");
        assertThat(RunVerdict.status(new RunVerdict.Side(2, 0, 0, 2), 0.0, false))
                .isEqualTo("error");
        assertThat(RunVerdict.status(new RunVerdict.Side(2, 2, 0, 0), 0.5, true))
                .isEqualTo("error");
        assertThat(RunVerdict.status(new RunVerdict.Side(0, 0, 0, 0), 0.0, false))
                .isEqualTo("error");
        assertThat(RunVerdict.status(new RunVerdict.Side(1, 0, 1, 0), 0.0, false))
                .isEqualTo("passed");
    }

    @Test
    void summaryListsTheDifferingCases() {
        JsonObject s =
                RunVerdict.summary(
                        outcomes("b", "fail", "a", "pass", "c", "pass"),
                        outcomes("a", "pass", "b", "pass", "c", "error"));
        assertThat(s.getJsonObject("candidate").getInt("passed")).isEqualTo(2);
        assertThat(s.getJsonObject("live").getInt("errors")).isEqualTo(1);
        assertThat(s.getJsonArray("differing").toString())
                .isEqualTo(
                        "[{\"caseId\":\"b\",\"candidate\":\"fail\",\"live\":\"pass\"},"
                                + "{\"caseId\":\"c\",\"candidate\":\"pass\",\"live\":\"error\"}]");
        JsonObject noLive = RunVerdict.summary(outcomes("a", "pass"), null);
        assertThat(noLive.isNull("live")).isTrue();
        assertThat(noLive.getJsonArray("differing")).isEmpty();
    }
}
