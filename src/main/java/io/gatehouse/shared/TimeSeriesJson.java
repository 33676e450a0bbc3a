package io.gatehouse.shared;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * The one way the statistics resources (routing, policy, governance) write their answers: the
 * period header, rows of the database spread over every bucket of the window (empty buckets
 * included), and nullable numbers.
 */
public final class TimeSeriesJson {
    private TimeSeriesJson() {}

    /** {@code tenant}, {@code from}, {@code to}, {@code step} of a series answer. */
    public static JsonObjectBuilder period(TenantId tenant, TimeBuckets window) {
        return Json.createObjectBuilder()
                .add("tenant", tenant.toString())
                .add("from", window.from().toString())
                .add("to", window.to().toString())
                .add("step", window.step().toString());
    }

    /** {@code tenant} and {@code asOf} of an answer about now rather than a period. */
    public static JsonObjectBuilder snapshot(TenantId tenant, Instant asOf) {
        return Json.createObjectBuilder()
                .add("tenant", tenant.toString())
                .add("asOf", asOf.toString());
    }

    /**
     * Rows grouped in their order of arrival, each group an array with one slot per bucket (null
     * where the database had no row); two rows landing in one slot are combined with {@code merge}.
     */
    public static <R> Map<String, R[]> byGroup(
            List<R> rows,
            TimeBuckets window,
            Function<R, String> group,
            ToLongFunction<R> bucket,
            IntFunction<R[]> newArray,
            BinaryOperator<R> merge) {
        Map<String, R[]> out = new LinkedHashMap<>();
        int n = window.count();
        for (R r : rows) {
            R[] slots = out.computeIfAbsent(group.apply(r), k -> newArray.apply(n));
            int i = window.index(bucket.applyAsLong(r));
            slots[i] = slots[i] == null ? r : merge.apply(slots[i], r);
        }
        return out;
    }

    /**
     * One point per bucket: its {@code time}, then what {@code fill} adds for the bucket's row
     * (null for an empty bucket).
     */
    public static <R> JsonArrayBuilder points(
            TimeBuckets window, R[] rows, BiConsumer<JsonObjectBuilder, R> fill) {
        JsonArrayBuilder points = Json.createArrayBuilder();
        for (int i = 0; i < rows.length; i++) {
            JsonObjectBuilder p =
                    Json.createObjectBuilder().add("time", window.start(i).toString());
            fill.accept(p, rows[i]);
            points.add(p);
        }
        return points;
    }

    /** Adds a number, or JSON null. */
    public static JsonObjectBuilder nullable(JsonObjectBuilder b, String name, Number value) {
        if (value == null) {
            return b.addNull(name);
        }
        if (value instanceof Double || value instanceof Float) {
            return b.add(name, value.doubleValue());
        }
        return b.add(name, value.longValue());
    }
}
