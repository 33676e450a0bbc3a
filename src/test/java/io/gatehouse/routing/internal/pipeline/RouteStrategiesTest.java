package io.gatehouse.routing.internal.pipeline;

import static io.gatehouse.routing.internal.catalog.TestCatalog.candidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gatehouse.routing.internal.catalog.Candidate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteStrategiesTest {
    private static List<String> names(List<Candidate> cs) {
        return cs.stream().map(c -> c.provider().name()).toList();
    }

    @Test
    void priorityKeepsRouteOrder() {
        List<Candidate> cs =
                List.of(
                        candidate("b", 1, 1, 1, 1),
                        candidate("a", 1, 1, 1, 0),
                        candidate("c", 1, 1, 1, 2));
        assertThat(names(RouteStrategies.order("priority", cs, c -> Double.NaN, new Random(1))))
                .containsExactly("a", "b", "c");
    }

    @Test
    void lowestCostOrdersByPriceThenPosition() {
        List<Candidate> cs =
                List.of(
                        candidate("dear", 10_000_000, 30_000_000, 1, 0),
                        candidate("cheap", 150_000, 600_000, 1, 1),
                        candidate("mid", 2_500_000, 10_000_000, 1, 2),
                        candidate("cheap2", 150_000, 600_000, 1, 3));
        assertThat(names(RouteStrategies.order("lowest-cost", cs, c -> Double.NaN, new Random(1))))
                .containsExactly("cheap", "cheap2", "mid", "dear");
    }

    @Test
    void lowestLatencyOrdersByMovingAverageAndTriesUnmeasuredFirst() {
        List<Candidate> cs =
                List.of(
                        candidate("slow", 1, 1, 1, 0),
                        candidate("fast", 1, 1, 1, 1),
                        candidate("new", 1, 1, 1, 2));
        Map<String, Double> latency = Map.of("slow", 900.0, "fast", 120.0, "new", Double.NaN);
        assertThat(
                        names(
                                RouteStrategies.order(
                                        "lowest-latency",
                                        cs,
                                        c -> latency.get(c.provider().name()),
                                        new Random(1))))
                .containsExactly("new", "fast", "slow");
    }

    @Test
    void weightedSplitsWithinThreePercentOverTenThousandRequests() {
        List<Candidate> cs =
                List.of(
                        candidate("a", 1, 1, 70, 0),
                        candidate("b", 1, 1, 20, 1),
                        candidate("c", 1, 1, 10, 2));
        Map<String, Integer> first = new HashMap<>();
        Random random = new Random(42);
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            List<Candidate> ordered =
                    RouteStrategies.order("weighted", cs, c -> Double.NaN, random);
            assertThat(ordered).hasSize(3).doesNotHaveDuplicates();
            first.merge(ordered.get(0).provider().name(), 1, Integer::sum);
        }
        assertThat(first.get("a") / (double) n).isCloseTo(0.70, within(0.03));
        assertThat(first.get("b") / (double) n).isCloseTo(0.20, within(0.03));
        assertThat(first.get("c") / (double) n).isCloseTo(0.10, within(0.03));
    }

    @Test
    void weightedPutsZeroWeightTargetsLastAsFallbacks() {
        List<Candidate> cs =
                List.of(candidate("backup", 1, 1, 0, 0), candidate("main", 1, 1, 5, 1));
        for (int i = 0; i < 100; i++) {
            assertThat(names(RouteStrategies.order("weighted", cs, c -> Double.NaN, new Random(i))))
                    .containsExactly("main", "backup");
        }
    }
}
