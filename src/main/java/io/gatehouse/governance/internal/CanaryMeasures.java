package io.gatehouse.governance.internal;

import io.gatehouse.shared.JsonInput;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The drift measures of one canary run per route and model (issue 23), pure arithmetic over its
 * answers:
 *
 * <ul>
 *   <li>{@code passRate}: cases that passed their expectations / cases;
 *   <li>{@code distance}: the mean distance of the answers to the baseline's answers of the same
 *       cases (1 - cosine similarity of their embeddings when the canary names an embeddings route,
 *       else the normalised edit distance: Levenshtein distance / the longer length, over the first
 *       {@value #EDIT_DISTANCE_CHARS} characters), 0..1;
 *   <li>{@code meanLength} (characters) and {@code lengthChange}: (mean length - the baseline's
 *       mean length of the same cases) / the baseline's, e.g. -0.5 for answers half as long;
 *   <li>{@code jsonValidRate}: answers that parse as a JSON object or array (a single fenced {@code
 *       ```json} block counts);
 *   <li>{@code refusalRate}: answers that open like a refusal ({@link #REFUSAL});
 *   <li>{@code latencyP95Ms}: the 95th percentile (nearest rank) of the calls' latency;
 *   <li>{@code costMicros}: what the run's calls on that route and model cost, summed.
 * </ul>
 *
 * A measure without data (no answer, no baseline) is absent (null): its gauge is NaN and its
 * threshold is not checked. A measure that could not be computed (the distance when an embeddings
 * call failed or a vector was not finite) is NaN: stored as null and named in the measures' {@code
 * errors}, never rounded to 0.
 */
public final class CanaryMeasures {
    static final int EDIT_DISTANCE_CHARS = 2000;

    /** How an answer that refuses opens (its first words, any case, curly apostrophes too). */
    static final Pattern REFUSAL =
            Pattern.compile(
                    "^(i'?m sorry|i am sorry|sorry, but|i can ?not|i can't|i won't|i am unable"
                            + "|i'?m unable|i am not able|i'?m not able|i must decline|as an ai\\b"
                            + "|i apologi[sz]e)");

    private CanaryMeasures() {}

    /**
     * One answer of the run.
     *
     * @param answer its text when answered (status 200), else null
     * @param baseline the baseline's answer to the same case on the same watched target, or null
     * @param distance its distance to the baseline (computed by the caller), or null
     */
    public record Observation(
            String route,
            String model,
            String caseId,
            String outcome,
            String answer,
            String baseline,
            Double distance,
            long latencyMs,
            long costMicros) {}

    /** The measures of one route and model. */
    public record Measures(
            int cases,
            double passRate,
            Double distance,
            Double meanLength,
            Double lengthChange,
            Double jsonValidRate,
            Double refusalRate,
            double latencyP95Ms,
            long costMicros) {

        /** A measure by its name ({@link CanarySettings.Threshold#measure}), or null. */
        public Double get(String measure) {
            return switch (measure) {
                case "passRate" -> passRate;
                case "distance" -> distance;
                case "meanLength" -> meanLength;
                case "lengthChange" -> lengthChange;
                case "jsonValidRate" -> jsonValidRate;
                case "refusalRate" -> refusalRate;
                case "latencyP95Ms" -> latencyP95Ms;
                case "costMicros" -> (double) costMicros;
                default -> null;
            };
        }

        /**
         * The measures as stored and shown; a measure that could not be computed (NaN, e.g. the
         * distance when an embedding was not finite) is null and named in {@code errors}, never
         * rounded to a number.
         */
        public JsonObject toJson() {
            JsonObjectBuilder b = Json.createObjectBuilder().add("cases", cases);
            List<String> errors = new ArrayList<>();
            b.add("passRate", round(passRate));
            put(b, "distance", distance, errors);
            put(b, "meanLength", meanLength, errors);
            put(b, "lengthChange", lengthChange, errors);
            put(b, "jsonValidRate", jsonValidRate, errors);
            put(b, "refusalRate", refusalRate, errors);
            b.add("latencyP95Ms", latencyP95Ms);
            b.add("costMicros", costMicros);
            if (!errors.isEmpty()) {
                b.add("errors", Json.createArrayBuilder(errors));
            }
            return b.build();
        }

        public static Measures fromJson(String json) {
            JsonObject o = JsonInput.readObject(json);
            return new Measures(
                    o.getInt("cases"),
                    o.getJsonNumber("passRate").doubleValue(),
                    num(o, "distance"),
                    num(o, "meanLength"),
                    num(o, "lengthChange"),
                    num(o, "jsonValidRate"),
                    num(o, "refusalRate"),
                    o.getJsonNumber("latencyP95Ms").doubleValue(),
                    o.getJsonNumber("costMicros").longValue());
        }

        private static Double num(JsonObject o, String k) {
            JsonValue v = o.get(k);
            return v instanceof JsonNumber n ? n.doubleValue() : null;
        }

        private static void put(JsonObjectBuilder b, String k, Double v, List<String> errors) {
            if (v == null || !Double.isFinite(v)) {
                b.addNull(k);
                if (v != null) {
                    errors.add(k);
                }
            } else {
                b.add(k, round(v));
            }
        }

        private static double round(double v) {
            return Math.round(v * 10_000) / 10_000.0;
        }
    }

    /** A route and model: the tags of the run's measures. */
    public record Key(String route, String model) {}

    /** The measures per route and model, in the order they first appear. */
    public static Map<Key, Measures> of(List<Observation> observations) {
        Map<Key, List<Observation>> groups = new LinkedHashMap<>();
        for (Observation o : observations) {
            groups.computeIfAbsent(new Key(o.route(), o.model()), k -> new ArrayList<>()).add(o);
        }
        Map<Key, Measures> out = new LinkedHashMap<>();
        groups.forEach((k, g) -> out.put(k, measure(g)));
        return out;
    }

    static Measures measure(List<Observation> g) {
        int passed = 0;
        int answered = 0;
        long length = 0;
        int json = 0;
        int refusals = 0;
        double distanceSum = 0;
        int distances = 0;
        long withBaseline = 0;
        long baselineLength = 0;
        long answeredLengthWithBaseline = 0;
        long cost = 0;
        List<Long> latencies = new ArrayList<>();
        for (Observation o : g) {
            if ("pass".equals(o.outcome())) {
                passed++;
            }
            latencies.add(o.latencyMs());
            cost += o.costMicros();
            if (o.answer() == null) {
                continue;
            }
            answered++;
            length += o.answer().length();
            if (isJson(o.answer())) {
                json++;
            }
            if (isRefusal(o.answer())) {
                refusals++;
            }
            if (o.distance() != null) {
                // NaN (not computable) stays NaN: the measure is an error, not a mean of the rest
                distanceSum += o.distance();
                distances++;
            }
            if (o.baseline() != null) {
                withBaseline++;
                baselineLength += o.baseline().length();
                answeredLengthWithBaseline += o.answer().length();
            }
        }
        Double lengthChange = null;
        if (withBaseline > 0 && baselineLength > 0) {
            lengthChange = ((double) answeredLengthWithBaseline - baselineLength) / baselineLength;
        }
        return new Measures(
                g.size(),
                g.isEmpty() ? 0 : (double) passed / g.size(),
                distances == 0 ? null : distanceSum / distances,
                answered == 0 ? null : (double) length / answered,
                lengthChange,
                answered == 0 ? null : (double) json / answered,
                answered == 0 ? null : (double) refusals / answered,
                p95(latencies),
                cost);
    }

    /** The 95th percentile by nearest rank; 0 without values. */
    static double p95(List<Long> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(0.95 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** Whether {@code text} is a JSON object or array (alone, or alone in one fenced block). */
    static boolean isJson(String text) {
        String t = text.strip();
        if (t.startsWith("```")) {
            int nl = t.indexOf('\n');
            if (nl < 0 || !t.endsWith("```") || t.length() < nl + 4) {
                return false;
            }
            t = t.substring(nl + 1, t.length() - 3).strip();
        }
        if (!(t.startsWith("{") || t.startsWith("["))) {
            return false;
        }
        try {
            JsonInput.readWhole(t); // text after the value is refused
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static boolean isRefusal(String text) {
        String head = text.strip();
        head = head.substring(0, Math.min(300, head.length())).replace('\u2019', '\'');
        return REFUSAL.matcher(head.toLowerCase(Locale.ROOT)).find();
    }

    /**
     * Levenshtein distance / the longer length, over the first {@value #EDIT_DISTANCE_CHARS}
     * characters of each: 0 for equal texts, 1 for texts with nothing in common.
     */
    public static double editDistance(String a, String b) {
        a = a.length() > EDIT_DISTANCE_CHARS ? a.substring(0, EDIT_DISTANCE_CHARS) : a;
        b = b.length() > EDIT_DISTANCE_CHARS ? b.substring(0, EDIT_DISTANCE_CHARS) : b;
        int n = a.length();
        int m = b.length();
        if (n == 0 && m == 0) {
            return 0;
        }
        int[] prev = new int[m + 1];
        int[] cur = new int[m + 1];
        for (int j = 0; j <= m; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= n; i++) {
            cur[0] = i;
            char ca = a.charAt(i - 1);
            for (int j = 1; j <= m; j++) {
                int sub = prev[j - 1] + (ca == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return (double) prev[m] / Math.max(n, m);
    }

    /**
     * 1 - the cosine similarity of two embeddings, clamped to 0..1 (1 for a zero vector); NaN when
     * a value is not finite (an overflow, an infinity): no distance can be told, and NaN makes the
     * run's {@code distance} an error rather than a number.
     */
    public static double cosineDistance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of different dimensions");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (!Double.isFinite(dot) || !Double.isFinite(na) || !Double.isFinite(nb)) {
            return Double.NaN;
        }
        if (na == 0 || nb == 0) {
            return 1;
        }
        double d = 1 - dot / (Math.sqrt(na) * Math.sqrt(nb));
        return Double.isNaN(d) ? Double.NaN : Math.max(0, Math.min(1, d));
    }

    /** One threshold's verdict on a run's measures. */
    public record Crossing(
            CanarySettings.Threshold threshold, double value, double limit, boolean crossed) {}

    /** The verdict of each threshold set whose measure has a value. */
    public static List<Crossing> check(Measures m, Map<String, Double> thresholds) {
        List<Crossing> out = new ArrayList<>();
        for (CanarySettings.Threshold t : CanarySettings.Threshold.values()) {
            Double limit = thresholds.get(t.field());
            Double value = m.get(t.measure());
            if (limit == null || value == null || value.isNaN()) {
                continue;
            }
            out.add(new Crossing(t, value, limit, t.crossed(value, limit)));
        }
        return out;
    }
}
