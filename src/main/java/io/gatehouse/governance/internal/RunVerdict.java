package io.gatehouse.governance.internal;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pass-rate and status rules of an evaluation run (issue 23). Pass rate = passed cases / cases.
 * A run is {@code passed} when the candidate's pass rate reaches the set's {@code minPassRate},
 * {@code failed} when it does not, and {@code error} when it could not complete: the evaluation
 * budget or share was spent, or every candidate case errored.
 */
public final class RunVerdict {
    private RunVerdict() {}

    /** One side's counts. */
    public record Side(int cases, int passed, int failed, int errors) {
        public double passRate() {
            return cases == 0 ? 0 : (double) passed / cases;
        }

        public static Side of(Map<String, String> outcomes) {
            int p = 0;
            int f = 0;
            int e = 0;
            for (String o : outcomes.values()) {
                switch (o) {
                    case "pass" -> p++;
                    case "fail" -> f++;
                    default -> e++;
                }
            }
            return new Side(outcomes.size(), p, f, e);
        }

        JsonObject toJson() {
            return Json.createObjectBuilder()
                    .add("passRate", Math.round(passRate() * 10_000) / 10_000.0)
                    .add("passed", passed)
                    .add("failed", failed)
                    .add("errors", errors)
                    .build();
        }
    }

    /** The run's status from the candidate's outcomes. */
    public static String status(Side candidate, double minPassRate, boolean budgetSpent) {
        if (budgetSpent || candidate.cases() == 0 || candidate.errors() == candidate.cases()) {
            return "error";
        }
        // a tolerance for minPassRates such as 0.9 that are not exact in binary
        return candidate.passRate() + 1e-9 >= minPassRate ? "passed" : "failed";
    }

    /**
     * The run's summary as stored and shown: both sides' counts (live null when nothing is live)
     * and the cases whose outcome differs, by case id.
     */
    public static JsonObject summary(Map<String, String> candidate, Map<String, String> live) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        b.add("candidate", Side.of(candidate).toJson());
        if (live == null) {
            b.addNull("live");
        } else {
            b.add("live", Side.of(live).toJson());
        }
        JsonArrayBuilder differing = Json.createArrayBuilder();
        if (live != null) {
            for (var e : new TreeMap<>(candidate).entrySet()) {
                String l = live.get(e.getKey());
                if (l != null && !Objects.equals(l, e.getValue())) {
                    differing.add(
                            Json.createObjectBuilder()
                                    .add("caseId", e.getKey())
                                    .add("candidate", e.getValue())
                                    .add("live", l));
                }
            }
        }
        b.add("differing", differing);
        return b.build();
    }
}
