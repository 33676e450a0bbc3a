package io.gatehouse.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.ValidationException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeBucketsTest {
    static final String DAY_FROM = "2026-01-01T00:00:00Z";
    static final String DAY_TO = "2026-01-02T00:00:00Z";

    @Test
    void bucketsStartAtFromInSteps() {
        TimeBuckets b = TimeBuckets.parse(DAY_FROM, DAY_TO, "PT1H");
        assertThat(b.count()).isEqualTo(24);
        assertThat(b.start(0)).isEqualTo(Instant.parse(DAY_FROM));
        assertThat(b.start(23)).isEqualTo(Instant.parse("2026-01-01T23:00:00Z"));
        assertThat(b.stepSeconds()).isEqualTo(3600);
        assertThat(b.fromEpochSeconds()).isEqualTo(Instant.parse(DAY_FROM).getEpochSecond());
    }

    @Test
    void aLastPartialBucketCounts() {
        assertThat(TimeBuckets.parse(DAY_FROM, "2026-01-01T00:02:30Z", "PT1M").count())
                .isEqualTo(3);
    }

    @Test
    void defaultsAreTheLast24HoursInHours() {
        TimeBuckets b = TimeBuckets.parse(null, null, null);
        assertThat(Duration.between(b.from(), b.to())).isEqualTo(Duration.ofHours(24));
        assertThat(b.step()).isEqualTo(Duration.ofHours(1));
        assertThat(b.count()).isEqualTo(24);
    }

    @Test
    void badInputNamesTheParameter() {
        assertBad(DAY_FROM, DAY_TO, "PT59S", "step", "invalid_request");
        assertBad(DAY_FROM, DAY_TO, "PT1M0.5S", "step", "invalid_request");
        assertBad(DAY_FROM, DAY_TO, "P32D", "step", "invalid_request");
        assertBad(DAY_FROM, DAY_TO, "hourly", "step", "invalid_request");
        assertBad(DAY_TO, DAY_FROM, "PT1H", "from", "invalid_request");
        assertBad(DAY_FROM, DAY_FROM, "PT1H", "from", "invalid_request");
        assertBad("yesterday", DAY_TO, "PT1H", "from", "invalid_request");
        assertBad(DAY_FROM, "now", "PT1H", "to", "invalid_request");
        // six years in weeks are few buckets but too long a period; a year and a day is the most
        assertBad("2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "P7D", "from", "period_too_long");
        assertBad("2026-01-01T00:00:00Z", "2027-01-02T00:00:01Z", "P1D", "from", "period_too_long");
        assertThat(TimeBuckets.parse("2026-01-01T00:00:00Z", "2027-01-02T00:00:00Z", "P1D").count())
                .isEqualTo(366);
        // a day in minutes is 1440 buckets
        assertBad(DAY_FROM, DAY_TO, "PT1M", "step", "too_many_buckets");
        assertThat(TimeBuckets.parse(DAY_FROM, "2026-01-01T16:40:00Z", "PT1M").count())
                .isEqualTo(TimeBuckets.MAX_BUCKETS);
    }

    private static void assertBad(String from, String to, String step, String param, String code) {
        assertThatThrownBy(() -> TimeBuckets.parse(from, to, step))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> {
                            assertThat(e.param()).isEqualTo(param);
                            assertThat(e.code()).isEqualTo(code);
                        });
    }
}
