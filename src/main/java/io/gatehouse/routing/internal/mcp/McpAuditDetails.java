package io.gatehouse.routing.internal.mcp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The stages' audit details of one tool call, compared before and after each text of a result ran
 * through the answer phase, so that every text's decision is kept and not only the last one.
 */
final class McpAuditDetails {
    private McpAuditDetails() {}

    /** At most this many distinct output decisions are kept per call. */
    static final int MAX_DECISIONS = 50;

    /** The audit details two levels deep (stages keep their details in a map of their own). */
    static Map<String, Object> snapshot(Map<String, Object> details) {
        Map<String, Object> copy = new LinkedHashMap<>();
        details.forEach(
                (k, v) -> copy.put(k, v instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : v));
        return copy;
    }

    /** What one answer round added or changed against {@code base}, as {@code stage.key}. */
    static Map<String, Object> changes(Map<String, Object> base, Map<String, Object> now) {
        Map<String, Object> out = new LinkedHashMap<>();
        now.forEach(
                (k, v) -> {
                    Object was = base.get(k);
                    if (v instanceof Map<?, ?> m) {
                        Map<?, ?> old = was instanceof Map<?, ?> wm ? wm : Map.of();
                        m.forEach(
                                (k2, v2) -> {
                                    if (!old.containsKey(k2) || !Objects.equals(old.get(k2), v2)) {
                                        out.put(k + "." + k2, v2);
                                    }
                                });
                    } else if (!"outputChecks".equals(k) && !Objects.equals(was, v)) {
                        out.put(k, v);
                    }
                });
        return out;
    }
}
