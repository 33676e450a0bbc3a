package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A golden set's canary settings: validation by field path and the risk of changing them. */
class CanarySettingsTest {
    static final String SET =
            "{\"binds\":[{\"kind\":\"route\",\"target\":\"chat\"}],\"minPassRate\":0.5,"
                    + "\"cases\":[{\"id\":\"a\",\"input\":{\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]},\"expect\":[{\"type\":\"contains\",\"value\":\"hi\"}]}]";

    static JsonObject set(String canary) {
        return JsonInput.readObject(SET + (canary == null ? "" : ",\"canary\":" + canary) + "}");
    }

    static String path(String canary) {
        try {
            GoldenSetContent.parse(set(canary), k -> true);
        } catch (ValidationException e) {
            return e.param();
        }
        return null;
    }

    @Test
    void aCanaryIsParsed() {
        CanarySettings c =
                CanarySettings.of(
                        set(
                                "{\"everyMinutes\":15,\"routes\":[\"chat\",\"backup\"],"
                                        + "\"embeddings\":\"embed\",\"thresholds\":{\"minPassRate\":0.8,"
                                        + "\"maxDistance\":0.3,\"maxLatencyMsP95\":2000,"
                                        + "\"maxCostMicros\":5000,\"maxRefusalRate\":0.1,"
                                        + "\"minJsonValidRate\":1,\"maxLengthChange\":0.5}}"));
        assertThat(c.everyMinutes()).isEqualTo(15);
        assertThat(c.routes()).containsExactly("chat", "backup");
        assertThat(c.embeddings()).isEqualTo("embed");
        assertThat(c.thresholds()).hasSize(7).containsEntry("maxLengthChange", 0.5);
        assertThat(CanarySettings.of(set(null))).isNull();
        assertThat(CanarySettings.of(set("null"))).isNull();
        assertThat(path("{\"everyMinutes\":5}")).isNull();
    }

    @Test
    void refusalsNameTheField() {
        assertThat(path("3")).isEqualTo("content.canary");
        assertThat(path("{}")).isEqualTo("content.canary.everyMinutes");
        assertThat(path("{\"everyMinutes\":4}")).isEqualTo("content.canary.everyMinutes");
        assertThat(path("{\"everyMinutes\":1441}")).isEqualTo("content.canary.everyMinutes");
        assertThat(path("{\"everyMinutes\":5.5}")).isEqualTo("content.canary.everyMinutes");
        assertThat(path("{\"everyMinutes\":5,\"every\":1}")).isEqualTo("content.canary.every");
        assertThat(path("{\"everyMinutes\":5,\"routes\":[]}")).isEqualTo("content.canary.routes");
        assertThat(path("{\"everyMinutes\":5,\"routes\":[\"a\",\"a\"]}"))
                .isEqualTo("content.canary.routes[1]");
        assertThat(path("{\"everyMinutes\":5,\"routes\":[1]}"))
                .isEqualTo("content.canary.routes[0]");
        assertThat(path("{\"everyMinutes\":5,\"embeddings\":\"\"}"))
                .isEqualTo("content.canary.embeddings");
        assertThat(path("{\"everyMinutes\":5,\"thresholds\":{\"minPassRate\":1.5}}"))
                .isEqualTo("content.canary.thresholds.minPassRate");
        assertThat(path("{\"everyMinutes\":5,\"thresholds\":{\"maxLatencyMsP95\":-1}}"))
                .isEqualTo("content.canary.thresholds.maxLatencyMsP95");
        assertThat(path("{\"everyMinutes\":5,\"thresholds\":{\"maxCostMicros\":1.5}}"))
                .isEqualTo("content.canary.thresholds.maxCostMicros");
        assertThat(path("{\"everyMinutes\":5,\"thresholds\":{\"maxLengthChange\":\"x\"}}"))
                .isEqualTo("content.canary.thresholds.maxLengthChange");
        assertThat(path("{\"everyMinutes\":5,\"thresholds\":{\"maxSpeed\":1}}"))
                .isEqualTo("content.canary.thresholds.maxSpeed");
        assertThatThrownBy(() -> GoldenSetContent.parse(set("{}"), k -> true))
                .hasMessageContaining("5 to 1440");
    }

    static boolean stricter(String proposed, String live) {
        return GoldenSetChangeKind.onlyStricter(set(proposed), set(live));
    }

    @Test
    void turningTheCanaryOffOrWatchingLessIsHighRisk() {
        String base =
                "{\"everyMinutes\":10,\"routes\":[\"a\"],\"thresholds\":{\"minPassRate\":0.8,"
                        + "\"maxLatencyMsP95\":1000}}";
        // adding one, keeping it, making it stricter: LOW
        assertThat(stricter(base, null)).isTrue();
        assertThat(stricter(base, base)).isTrue();
        assertThat(
                        stricter(
                                "{\"everyMinutes\":5,\"routes\":[\"a\",\"b\"],\"thresholds\":"
                                        + "{\"minPassRate\":0.9,\"maxLatencyMsP95\":500,"
                                        + "\"maxDistance\":0.2}}",
                                base))
                .isTrue();
        // off, less often, a route dropped, a threshold dropped or loosened: HIGH
        assertThat(stricter(null, base)).isFalse();
        assertThat(stricter(base.replace("10", "20"), base)).isFalse();
        assertThat(stricter(base.replace("[\"a\"]", "[\"b\"]"), base)).isFalse();
        assertThat(
                        stricter(
                                "{\"everyMinutes\":10,\"routes\":[\"a\"],\"thresholds\":{\"minPassRate\":0.8}}",
                                base))
                .isFalse();
        assertThat(stricter(base.replace("0.8", "0.7"), base)).isFalse();
        assertThat(stricter(base.replace("1000", "1001"), base)).isFalse();
    }

    @Test
    void dueTimesAreMultiplesOfThePeriod() {
        Instant t = Instant.parse("2026-12-07T12:03:10Z");
        assertThat(CanaryScheduler.dueAt(t, 60, 60_000))
                .isEqualTo(Instant.parse("2026-12-07T12:00:00Z"));
        assertThat(CanaryScheduler.dueAt(t, 5, 60_000))
                .isEqualTo(Instant.parse("2026-12-07T12:00:00Z"));
        assertThat(CanaryScheduler.dueAt(Instant.parse("2026-12-07T12:05:00Z"), 5, 60_000))
                .isEqualTo(Instant.parse("2026-12-07T12:05:00Z"));
        // a shortened minute (tests): 5 "minutes" of 1 s
        assertThat(CanaryScheduler.dueAt(t, 5, 1000))
                .isEqualTo(Instant.parse("2026-12-07T12:03:10Z"));
        assertThat(CanaryScheduler.dueAt(Instant.parse("2026-12-07T12:03:12Z"), 5, 1000))
                .isEqualTo(Instant.parse("2026-12-07T12:03:10Z"));
    }
}
