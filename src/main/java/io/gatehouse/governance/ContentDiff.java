package io.gatehouse.governance;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A structural diff of two JSON documents, as reviewers read it (public so that kinds of change can
 * diff their own versions the same way): one entry per changed leaf, with a JSON Pointer path,
 * {@code op} (added, removed, changed) and the values. Objects are compared by key, arrays by
 * position. Top-level secret fields never show values: only that they changed.
 */
public final class ContentDiff {
    /** What responses show instead of a secret. */
    public static final String MASK = "********";

    private ContentDiff() {}

    /**
     * Entries turning {@code live} (null when nothing is live) into {@code proposed}. A live secret
     * is either present masked under its own name or flagged by a boolean {@code <name>Set} (the
     * flag itself is not diffed). A secret field present in the proposal is always reported as
     * changed: sealed values cannot be compared and the live side is masked anyway, so "changed" is
     * the only honest answer.
     */
    public static JsonArray between(
            JsonObject live, JsonObject proposed, Set<String> secretFields) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        JsonObject before = live == null ? JsonValue.EMPTY_JSON_OBJECT : live;
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(proposed.keySet());
        for (String k : keys) {
            String path = "/" + escape(k);
            if (k.endsWith("Set") && secretFields.contains(k.substring(0, k.length() - 3))) {
                continue; // a live secret's presence flag: reported through the secret's own entry
            }
            if (secretFields.contains(k)) {
                boolean secretLive =
                        (before.containsKey(k) && !before.isNull(k))
                                || before.get(k + "Set") == JsonValue.TRUE;
                if (proposed.containsKey(k) && !proposed.isNull(k)) {
                    out.add(entry(path, secretLive ? "changed" : "added").add("secret", true));
                } else if (secretLive) {
                    out.add(entry(path, "removed").add("secret", true));
                }
                continue;
            }
            walk(path, before.get(k), proposed.get(k), out);
        }
        return out.build();
    }

    /** The content with every top-level secret field replaced by {@link #MASK}. */
    public static JsonObject mask(JsonObject content, Set<String> secretFields) {
        if (secretFields.isEmpty()) {
            return content;
        }
        JsonObjectBuilder b = Json.createObjectBuilder();
        content.forEach(
                (k, v) ->
                        b.add(
                                k,
                                secretFields.contains(k) && v != JsonValue.NULL
                                        ? Json.createValue(MASK)
                                        : v));
        return b.build();
    }

    private static void walk(String path, JsonValue a, JsonValue b, JsonArrayBuilder out) {
        if (a == null && b == null) {
            return;
        }
        if (a == null) {
            out.add(entry(path, "added").add("to", b));
            return;
        }
        if (b == null) {
            out.add(entry(path, "removed").add("from", a));
            return;
        }
        if (a.getValueType() == JsonValue.ValueType.OBJECT
                && b.getValueType() == JsonValue.ValueType.OBJECT) {
            JsonObject oa = a.asJsonObject();
            JsonObject ob = b.asJsonObject();
            Set<String> keys = new LinkedHashSet<>(oa.keySet());
            keys.addAll(ob.keySet());
            for (String k : keys) {
                walk(path + "/" + escape(k), oa.get(k), ob.get(k), out);
            }
            return;
        }
        if (a.getValueType() == JsonValue.ValueType.ARRAY
                && b.getValueType() == JsonValue.ValueType.ARRAY) {
            JsonArray aa = a.asJsonArray();
            JsonArray ab = b.asJsonArray();
            for (int i = 0; i < Math.max(aa.size(), ab.size()); i++) {
                walk(
                        path + "/" + i,
                        i < aa.size() ? aa.get(i) : null,
                        i < ab.size() ? ab.get(i) : null,
                        out);
            }
            return;
        }
        if (!a.equals(b)) {
            out.add(entry(path, "changed").add("from", a).add("to", b));
        }
    }

    private static JsonObjectBuilder entry(String path, String op) {
        return Json.createObjectBuilder().add("path", path).add("op", op);
    }

    /** RFC 6901 escaping of one reference token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
