package io.gatehouse.governance.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.governance.internal.persistence.JpaReviewStats.PublishTimes;
import io.gatehouse.shared.TimeBuckets;
import io.gatehouse.shared.TimeSeriesJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Time-to-publish buckets clamped into one slot (a change published exactly at from) are summed.
 */
class ReviewStatsMergeTest {
    static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    static final TimeBuckets WINDOW =
            new TimeBuckets(FROM, FROM.plus(Duration.ofHours(3)), Duration.ofHours(1));

    @Test
    void publishTimesClampedIntoOneSlotAreSummed() {
        PublishTimes atFrom = new PublishTimes("prompt", -1, 2, 10, 20, 50);
        PublishTimes first = new PublishTimes("prompt", 0, 1, 30, 40, 40);
        PublishTimes slot =
                TimeSeriesJson.byGroup(
                                List.of(atFrom, first),
                                WINDOW,
                                PublishTimes::kind,
                                PublishTimes::bucket,
                                PublishTimes[]::new,
                                ReviewStatsResource::merge)
                        .get("prompt")[0];
        assertThat(slot.published()).isEqualTo(3);
        assertThat(slot.p50()).isEqualTo(10);
        assertThat(slot.max()).isEqualTo(50);
    }
}
