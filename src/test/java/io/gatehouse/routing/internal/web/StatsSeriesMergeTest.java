package io.gatehouse.routing.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.GatewayRequestLog.SeriesRow;
import io.gatehouse.shared.TimeBuckets;
import io.gatehouse.shared.TimeSeriesJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two database buckets clamped into one slot (an event exactly at {@code from} whose bucket the
 * database rounded to -1, beside the events of bucket 0) keep every count: the series merges sum,
 * they do not keep the last row.
 */
class StatsSeriesMergeTest {
    static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    static final TimeBuckets WINDOW =
            new TimeBuckets(FROM, FROM.plus(Duration.ofHours(3)), Duration.ofHours(1));

    @Test
    void gatewayBucketsClampedIntoOneSlotAreSummed() {
        SeriesRow atFrom = new SeriesRow("r", -1, 1, 1, 5.0, 5.0, 5.0, 10, 20, 30, 0);
        SeriesRow first = new SeriesRow("r", 0, 3, 0, 7.0, 8.0, 9.0, 1, 2, 3, 3);
        Map<String, SeriesRow[]> rows =
                TimeSeriesJson.byGroup(
                        List.of(atFrom, first),
                        WINDOW,
                        SeriesRow::group,
                        SeriesRow::bucket,
                        SeriesRow[]::new,
                        StatsResource::merge);
        SeriesRow slot = rows.get("r")[0];
        assertThat(slot.requests()).isEqualTo(4);
        assertThat(slot.errors()).isEqualTo(1);
        assertThat(slot.inputTokens()).isEqualTo(11);
        assertThat(slot.outputTokens()).isEqualTo(22);
        assertThat(slot.costMicros()).isEqualTo(33);
        assertThat(slot.withinObjective()).isEqualTo(3);
        assertThat(slot.p95Ms()).as("the busier bucket's percentile").isEqualTo(8.0);
        assertThat(rows.get("r")[1]).isNull();
    }
}
