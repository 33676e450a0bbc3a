package io.gatehouse.governance.internal;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A golden set's drift canary (issue 23), {@code content.canary}: how often the set runs against
 * what is live ({@code everyMinutes}, 5 to 1440), which live routes it watches ({@code routes}:
 * each case is sent to each alias; left out, the bindings' live sides are watched: a prompt over
 * its own route, a route binding's route, a policy over each case's model), the embeddings route
 * that measures the distance to the baseline ({@code embeddings}; left out, a normalised edit
 * distance) and the thresholds whose crossing is a drift event. Every refusal names its field by
 * its path.
 */
public record CanarySettings(
        int everyMinutes, List<String> routes, String embeddings, Map<String, Double> thresholds) {
    static final int MIN_MINUTES = 5;
    static final int MAX_MINUTES = 1440;
    static final int MAX_ROUTES = 10;

    /** A threshold: its measure, and whether the measure drifts below (min) or above (max) it. */
    public enum Threshold {
        MIN_PASS_RATE("minPassRate", "passRate", true, true),
        MAX_DISTANCE("maxDistance", "distance", false, true),
        MAX_LATENCY_MS_P95("maxLatencyMsP95", "latencyP95Ms", false, false),
        MAX_COST_MICROS("maxCostMicros", "costMicros", false, false),
        MAX_REFUSAL_RATE("maxRefusalRate", "refusalRate", false, true),
        MIN_JSON_VALID_RATE("minJsonValidRate", "jsonValidRate", true, true),
        MAX_LENGTH_CHANGE("maxLengthChange", "lengthChange", false, false);

        final String field;
        final String measure;
        final boolean min;
        final boolean fraction;

        Threshold(String field, String measure, boolean min, boolean fraction) {
            this.field = field;
            this.measure = measure;
            this.min = min;
            this.fraction = fraction;
        }

        public String field() {
            return field;
        }

        /** The measure it watches ({@link CanaryMeasures}' names). */
        public String measure() {
            return measure;
        }

        /**
         * Whether {@code value} is past {@code threshold}. The length change is compared by its
         * size (shorter and longer answers both drift).
         */
        public boolean crossed(double value, double threshold) {
            if (this == MAX_LENGTH_CHANGE) {
                return Math.abs(value) > threshold;
            }
            return min ? value < threshold : value > threshold;
        }

        /** Whether {@code proposed} watches at least as closely as {@code live}. */
        boolean atLeastAsStrict(double proposed, double live) {
            return min ? proposed >= live : proposed <= live;
        }

        static Threshold ofField(String field) {
            for (Threshold t : values()) {
                if (t.field.equals(field)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** The canary of {@code content}, or null when it has none (or it is JSON null). */
    public static CanarySettings of(JsonObject content) {
        JsonValue v = content.get("canary");
        return v == null || v == JsonValue.NULL ? null : parse(v, "content.canary");
    }

    /** Parses and checks {@code v} as the canary at path {@code p}. */
    public static CanarySettings parse(JsonValue v, String p) {
        JsonObject c = GoldenSetContent.object(v, p);
        GoldenSetContent.onlyFields(
                c, p, Set.of("everyMinutes", "routes", "embeddings", "thresholds"));
        if (!(c.get("everyMinutes") instanceof JsonNumber n)
                || !n.isIntegral()
                || n.bigDecimalValue().compareTo(BigDecimal.valueOf(MIN_MINUTES)) < 0
                || n.bigDecimalValue().compareTo(BigDecimal.valueOf(MAX_MINUTES)) > 0) {
            throw new ValidationException(
                    p + ".everyMinutes",
                    p
                            + ".everyMinutes is required: whole minutes from "
                            + MIN_MINUTES
                            + " to "
                            + MAX_MINUTES);
        }
        List<String> routes = List.of();
        JsonValue r = c.get("routes");
        if (r != null && r != JsonValue.NULL) {
            if (!(r instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_ROUTES) {
                throw new ValidationException(
                        p + ".routes",
                        p + ".routes must be an array of 1 to " + MAX_ROUTES + " route aliases");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < a.size(); i++) {
                String alias = GoldenSetContent.text(a.get(i), p + ".routes[" + i + "]", 256);
                if (!seen.add(alias)) {
                    throw new ValidationException(
                            p + ".routes[" + i + "]", "Route '" + alias + "' is listed twice");
                }
            }
            routes = new ArrayList<>(seen);
        }
        String embeddings = null;
        JsonValue e = c.get("embeddings");
        if (e != null && e != JsonValue.NULL) {
            embeddings = GoldenSetContent.text(e, p + ".embeddings", 256);
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        JsonValue t = c.get("thresholds");
        if (t != null && t != JsonValue.NULL) {
            String tp = p + ".thresholds";
            JsonObject o = GoldenSetContent.object(t, tp);
            Set<String> fields = new LinkedHashSet<>();
            for (Threshold th : Threshold.values()) {
                fields.add(th.field);
            }
            GoldenSetContent.onlyFields(o, tp, fields);
            for (Threshold th : Threshold.values()) {
                JsonValue x = o.get(th.field);
                if (x == null || x == JsonValue.NULL) {
                    continue;
                }
                String fp = tp + "." + th.field;
                if (th.fraction) {
                    thresholds.put(th.field, GoldenSetContent.fraction(x, fp));
                } else if (!(x instanceof JsonNumber num)
                        || num.bigDecimalValue().signum() < 0
                        || (th != Threshold.MAX_LENGTH_CHANGE && !num.isIntegral())) {
                    throw new ValidationException(
                            fp,
                            fp
                                    + (th == Threshold.MAX_LENGTH_CHANGE
                                            ? " must be a number of 0 or more (0.5: half as"
                                                    + " long or half again)"
                                            : " must be a whole number of 0 or more"));
                } else {
                    thresholds.put(th.field, num.doubleValue());
                }
            }
        }
        return new CanarySettings(
                n.intValue(), List.copyOf(routes), embeddings, Map.copyOf(thresholds));
    }

    /**
     * Whether the proposed canary watches at least as closely as the live one: still on, at least
     * as often, every live route still watched, the same distance measure, and every live threshold
     * still set, equal or stricter. Anything else weakens the watch (the golden set's change is
     * HIGH risk); adding a canary or making one stricter is not.
     */
    static boolean atLeastAsStrict(CanarySettings proposed, CanarySettings live) {
        if (live == null) {
            return true;
        }
        if (proposed == null
                || proposed.everyMinutes > live.everyMinutes
                || !proposed.routes.containsAll(live.routes)
                || (live.routes.isEmpty() && !proposed.routes.isEmpty())
                || !java.util.Objects.equals(proposed.embeddings, live.embeddings)) {
            return false;
        }
        for (Map.Entry<String, Double> t : live.thresholds.entrySet()) {
            Double p = proposed.thresholds.get(t.getKey());
            if (p == null || !Threshold.ofField(t.getKey()).atLeastAsStrict(p, t.getValue())) {
                return false;
            }
        }
        return true;
    }
}
