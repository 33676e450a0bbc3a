package io.gatehouse.policy.internal.engine;

import java.util.Map;

/**
 * A guard's verdict for one request as rules see it ({@code guard.<name>.score}, {@code .label},
 * {@code .error}); {@code errorKind} is null when the guard answered.
 */
public record GuardResult(GuardSpec spec, double score, String label, String errorKind) {
    public boolean error() {
        return errorKind != null;
    }

    Map<String, Object> celValue() {
        return Map.of("score", score, "label", label, "error", error());
    }
}
