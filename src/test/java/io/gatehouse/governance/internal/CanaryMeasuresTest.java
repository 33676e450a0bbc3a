package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drift measures of a canary run and the thresholds' verdicts on them (issue 23). */
class CanaryMeasuresTest {
    static CanaryMeasures.Observation obs(
            String route, String model, String outcome, String answer, String baseline, long ms) {
        Double distance =
                answer == null || baseline == null
                        ? null
                        : CanaryMeasures.editDistance(baseline, answer);
        return new CanaryMeasures.Observation(
                route, model, "c", outcome, answer, baseline, distance, ms, 10);
    }

    @Test
    void measuresArePerRouteAndModel() {
        Map<CanaryMeasures.Key, CanaryMeasures.Measures> m =
                CanaryMeasures.of(
                        List.of(
                                obs("a", "m1", "pass", "{\"x\":1}", "{\"x\":1}", 10),
                                obs("a", "m1", "fail", "I'm sorry, I can't help.", "Sure.", 30),
                                obs("a", "m2", "pass", "hello", "hello", 5),
                                obs("b", "m1", "error", null, "x", 100)));
        assertThat(m).hasSize(3);
        CanaryMeasures.Measures a1 = m.get(new CanaryMeasures.Key("a", "m1"));
        assertThat(a1.cases()).isEqualTo(2);
        assertThat(a1.passRate()).isEqualTo(0.5);
        assertThat(a1.jsonValidRate()).isEqualTo(0.5);
        assertThat(a1.refusalRate()).isEqualTo(0.5);
        assertThat(a1.costMicros()).isEqualTo(20);
        assertThat(a1.latencyP95Ms()).isEqualTo(30);
        assertThat(a1.meanLength()).isEqualTo((7 + 24) / 2.0);
        // baseline lengths 7 + 5 = 12, answers 7 + 24 = 31
        assertThat(a1.lengthChange()).isCloseTo((31 - 12) / 12.0, within(1e-9));
        assertThat(a1.distance()).isGreaterThan(0).isLessThan(1);
        CanaryMeasures.Measures a2 = m.get(new CanaryMeasures.Key("a", "m2"));
        assertThat(a2.distance()).isZero();
        assertThat(a2.lengthChange()).isZero();
        // nothing answered: no length, JSON, refusal or distance, the pass rate and latency stay
        CanaryMeasures.Measures b1 = m.get(new CanaryMeasures.Key("b", "m1"));
        assertThat(b1.passRate()).isZero();
        assertThat(b1.distance()).isNull();
        assertThat(b1.jsonValidRate()).isNull();
        assertThat(b1.refusalRate()).isNull();
        assertThat(b1.meanLength()).isNull();
        assertThat(b1.latencyP95Ms()).isEqualTo(100);
    }

    /**
     * Review 23 finding 10: an embedding beyond a float's range (Infinity) gave a NaN distance that
     * the rounding turned into 0, so the distance showed no drift and its threshold never fired.
     * Now the distance is an error: null in the stored measures and named in {@code errors}.
     */
    @Test
    void aDistanceThatCannotBeToldIsAnErrorNeverZero() {
        float inf = Float.POSITIVE_INFINITY;
        assertThat(CanaryMeasures.cosineDistance(new float[] {inf, 1}, new float[] {1, 1})).isNaN();
        assertThat(CanaryMeasures.cosineDistance(new float[] {Float.NaN, 1}, new float[] {1, 1}))
                .isNaN();
        // the largest finite floats still give a distance
        float max = Float.MAX_VALUE;
        assertThat(CanaryMeasures.cosineDistance(new float[] {max, max}, new float[] {max, max}))
                .isCloseTo(0, within(1e-9));
        CanaryMeasures.Measures m =
                CanaryMeasures.measure(
                        List.of(
                                new CanaryMeasures.Observation(
                                        "a", "m", "c1", "pass", "x", "x", 0.9, 1, 0),
                                new CanaryMeasures.Observation(
                                        "a",
                                        "m",
                                        "c2",
                                        "pass",
                                        "y",
                                        "y",
                                        CanaryMeasures.cosineDistance(
                                                new float[] {inf, 1}, new float[] {1, 1}),
                                        1,
                                        0)));
        assertThat(m.distance()).isNaN();
        var json = m.toJson();
        assertThat(json.isNull("distance")).as(json.toString()).isTrue();
        assertThat(json.getJsonArray("errors").getString(0)).isEqualTo("distance");
        assertThat(CanaryMeasures.Measures.fromJson(json.toString()).distance()).isNull();
        // no threshold is judged on it, in either direction
        assertThat(CanaryMeasures.check(m, Map.of("maxDistance", 0.1))).isEmpty();
        // a measure that is fine has no errors
        assertThat(
                        CanaryMeasures.measure(List.of(obs("a", "m", "pass", "x", "x", 1)))
                                .toJson()
                                .containsKey("errors"))
                .isFalse();
    }

    @Test
    void measuresSurviveTheirJson() {
        CanaryMeasures.Measures m =
                CanaryMeasures.of(List.of(obs("a", "m", "error", null, null, 7)))
                        .values()
                        .iterator()
                        .next();
        CanaryMeasures.Measures back = CanaryMeasures.Measures.fromJson(m.toJson().toString());
        assertThat(back).isEqualTo(m);
        assertThat(m.toJson().isNull("distance")).isTrue();
    }

    @Test
    void editDistanceIsNormalisedToTheLongerText() {
        assertThat(CanaryMeasures.editDistance("", "")).isZero();
        assertThat(CanaryMeasures.editDistance("abc", "abc")).isZero();
        assertThat(CanaryMeasures.editDistance("abc", "")).isEqualTo(1);
        assertThat(CanaryMeasures.editDistance("kitten", "sitting"))
                .isCloseTo(3 / 7.0, within(1e-9));
        assertThat(CanaryMeasures.editDistance("abcd", "wxyz")).isEqualTo(1);
        // long texts are compared over their first 2,000 characters
        String a = "a".repeat(5000);
        assertThat(CanaryMeasures.editDistance(a, a + "b")).isZero();
    }

    @Test
    void cosineDistanceIsOneMinusTheSimilarityClamped() {
        assertThat(CanaryMeasures.cosineDistance(new float[] {1, 0}, new float[] {2, 0})).isZero();
        assertThat(CanaryMeasures.cosineDistance(new float[] {1, 0}, new float[] {0, 1}))
                .isCloseTo(1, within(1e-9));
        assertThat(CanaryMeasures.cosineDistance(new float[] {1, 0}, new float[] {-1, 0}))
                .isEqualTo(1);
        assertThat(CanaryMeasures.cosineDistance(new float[] {0, 0}, new float[] {1, 0}))
                .isEqualTo(1);
        assertThat(CanaryMeasures.cosineDistance(new float[] {1, 1}, new float[] {1, 0}))
                .isCloseTo(1 - Math.sqrt(0.5), within(1e-6));
    }

    @Test
    void jsonValidityAndRefusals() {
        assertThat(CanaryMeasures.isJson("{\"a\": [1, 2]}")).isTrue();
        assertThat(CanaryMeasures.isJson("  [1]\n")).isTrue();
        assertThat(CanaryMeasures.isJson("```json\n{\"a\": 1}\n```")).isTrue();
        assertThat(CanaryMeasures.isJson("{\"a\": 1} and more")).isFalse();
        assertThat(CanaryMeasures.isJson("42")).isFalse();
        assertThat(CanaryMeasures.isJson("Here: {\"a\": 1}")).isFalse();
        assertThat(CanaryMeasures.isRefusal("I'm sorry, but I can't do that.")).isTrue();
        assertThat(CanaryMeasures.isRefusal("I\u2019m unable to help with that.")).isTrue();
        assertThat(CanaryMeasures.isRefusal("  I cannot share that.")).isTrue();
        assertThat(CanaryMeasures.isRefusal("As an AI, I won't.")).isTrue();
        assertThat(CanaryMeasures.isRefusal("Refunds take 30 days. I cannot stress it enough."))
                .isFalse();
        assertThat(CanaryMeasures.isRefusal("Sure, here it is.")).isFalse();
    }

    @Test
    void p95IsTheNearestRank() {
        List<Long> v = new ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            v.add(i);
        }
        assertThat(CanaryMeasures.p95(v)).isEqualTo(95);
        assertThat(CanaryMeasures.p95(List.of(7L))).isEqualTo(7);
        assertThat(CanaryMeasures.p95(List.of())).isZero();
        assertThat(CanaryMeasures.p95(List.of(1L, 2L, 3L, 1000L))).isEqualTo(1000);
    }

    @Test
    void thresholdsCrossBelowAMinimumAndAboveAMaximum() {
        CanaryMeasures.Measures m =
                new CanaryMeasures.Measures(4, 0.5, 0.4, 100.0, -0.6, 1.0, 0.0, 900, 50);
        Map<String, Double> t =
                Map.of(
                        "minPassRate", 0.75,
                        "maxDistance", 0.5,
                        "maxLatencyMsP95", 1000.0,
                        "maxCostMicros", 10.0,
                        "maxRefusalRate", 0.0,
                        "minJsonValidRate", 1.0,
                        "maxLengthChange", 0.5);
        Map<String, Boolean> crossed = new java.util.HashMap<>();
        for (CanaryMeasures.Crossing c : CanaryMeasures.check(m, t)) {
            crossed.put(c.threshold().field(), c.crossed());
        }
        assertThat(crossed)
                .containsEntry("minPassRate", true)
                .containsEntry("maxDistance", false)
                .containsEntry("maxLatencyMsP95", false)
                .containsEntry("maxCostMicros", true)
                // equal to the limit is not past it
                .containsEntry("maxRefusalRate", false)
                .containsEntry("minJsonValidRate", false)
                // half as long again or shorter: the size of the change counts
                .containsEntry("maxLengthChange", true);
        // a measure without a value is not checked (no answers: no JSON rate)
        CanaryMeasures.Measures none =
                new CanaryMeasures.Measures(1, 0, null, null, null, null, null, 5, 0);
        assertThat(CanaryMeasures.check(none, Map.of("minJsonValidRate", 1.0, "maxDistance", 0.1)))
                .isEmpty();
        // no thresholds: nothing to cross
        assertThat(CanaryMeasures.check(m, Map.of())).isEmpty();
    }

    @Test
    void crossingAndRecoveryFollowTheValueAcrossRuns() {
        // the drift state turns when the verdict changes: a crossing, then staying crossed (no new
        // turn), then recovery
        Map<String, Double> t = Map.of("minPassRate", 0.8);
        boolean state = false;
        List<String> turns = new ArrayList<>();
        for (double passRate : new double[] {1.0, 0.9, 0.5, 0.4, 0.5, 0.9, 1.0, 0.7}) {
            CanaryMeasures.Measures m =
                    new CanaryMeasures.Measures(10, passRate, null, null, null, null, null, 1, 0);
            boolean crossed = CanaryMeasures.check(m, t).get(0).crossed();
            if (crossed != state) {
                turns.add((crossed ? "drift@" : "recovered@") + passRate);
                state = crossed;
            }
        }
        assertThat(turns).containsExactly("drift@0.5", "recovered@0.9", "drift@0.7");
    }
}
