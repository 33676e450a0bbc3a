package io.gatehouse.routing.internal.mcp;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tool call's arguments: checked against the tool's input schema (required properties and
 * top-level types), and seen by the stages as one user message per string value, so that a
 * redaction replaces exactly that value and the arguments stay the JSON the tool expects.
 */
final class McpArguments {
    static final int MAX_DEPTH = 32;

    /** The reason of a call refused because a stage changed a key or a number. */
    static final String UNREPLACEABLE = "redaction_not_replaceable";

    private McpArguments() {}

    /** What is wrong with the arguments, or empty. */
    static Optional<String> check(JsonObject schema, JsonObject args) {
        if (schema.get("required") instanceof JsonArray req) {
            for (JsonValue r : req) {
                if (r instanceof JsonString s && !args.containsKey(s.getString())) {
                    return Optional.of("missing required property " + s.getString());
                }
            }
        }
        Map<String, JsonValue> props =
                schema.get("properties") instanceof JsonObject p ? p : Map.of();
        for (Map.Entry<String, JsonValue> e : args.entrySet()) {
            JsonValue spec = props.get(e.getKey());
            if (spec == null) {
                if (schema.get("additionalProperties") == JsonValue.FALSE) {
                    return Optional.of("unknown property " + McpGateway.shorten(e.getKey()));
                }
                continue;
            }
            if (spec instanceof JsonObject so && so.get("type") instanceof JsonString type) {
                if (!hasType(e.getValue(), type.getString())) {
                    return Optional.of(
                            "property "
                                    + McpGateway.shorten(e.getKey())
                                    + " must be of type "
                                    + type.getString());
                }
            }
        }
        if (depth(args, 0) > MAX_DEPTH) {
            return Optional.of("arguments are nested too deeply");
        }
        return Optional.empty();
    }

    private static boolean hasType(JsonValue v, String type) {
        return switch (type) {
            case "string" -> v.getValueType() == JsonValue.ValueType.STRING;
            case "number" -> v.getValueType() == JsonValue.ValueType.NUMBER;
            case "integer" ->
                    v.getValueType() == JsonValue.ValueType.NUMBER
                            && ((jakarta.json.JsonNumber) v).isIntegral();
            case "boolean" -> v == JsonValue.TRUE || v == JsonValue.FALSE;
            case "object" -> v.getValueType() == JsonValue.ValueType.OBJECT;
            case "array" -> v.getValueType() == JsonValue.ValueType.ARRAY;
            case "null" -> v == JsonValue.NULL;
            default -> true;
        };
    }

    private static int depth(JsonValue v, int d) {
        if (d > MAX_DEPTH) {
            return d;
        }
        int max = d;
        if (v instanceof JsonObject o) {
            for (JsonValue c : o.values()) {
                max = Math.max(max, depth(c, d + 1));
            }
        } else if (v instanceof JsonArray a) {
            for (JsonValue c : a) {
                max = Math.max(max, depth(c, d + 1));
            }
        }
        return max;
    }

    /**
     * Collects, depth first, every text the stages must see with its JSON pointer: each string
     * value, each object key (pointer + {@code #key}) and each number's text, so a detector finds a
     * card number sent as a number or an address used as a key.
     */
    static void strings(JsonValue v, String path, List<String> paths, List<ChatMessage> texts) {
        if (v instanceof JsonString s) {
            paths.add(path);
            texts.add(new ChatMessage("user", s.getString(), false));
        } else if (v instanceof JsonNumber n) {
            paths.add(path);
            texts.add(new ChatMessage("user", n.toString(), false));
        } else if (v instanceof JsonObject o) {
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                String at = path + "/" + escape(e.getKey());
                paths.add(at + "#key");
                texts.add(new ChatMessage("user", e.getKey(), false));
                strings(e.getValue(), at, paths, texts);
            }
        } else if (v instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                strings(a.get(i), path + "/" + i, paths, texts);
            }
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /**
     * The value with each string replaced by the stages' text of it (same order as {@link
     * #strings}). A key or number the stages changed cannot be replaced without changing what the
     * call means (a redacted number is no number): that refuses the call.
     */
    static <T extends JsonValue> T replaceStrings(
            T value, List<String> paths, List<ChatMessage> texts) {
        if (texts.size() != paths.size()) {
            throw new IllegalStateException("a stage changed the number of texts");
        }
        int[] next = {0};
        @SuppressWarnings("unchecked")
        T out = (T) rebuild(value, texts, next);
        return out;
    }

    private static JsonValue rebuild(JsonValue v, List<ChatMessage> texts, int[] next) {
        if (v instanceof JsonString) {
            String t = texts.get(next[0]++).text();
            return Json.createValue(t == null ? "" : t);
        } else if (v instanceof JsonNumber n) {
            unchanged(n.toString(), texts, next[0]++);
            return v;
        } else if (v instanceof JsonObject o) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                unchanged(e.getKey(), texts, next[0]++);
                b.add(e.getKey(), rebuild(e.getValue(), texts, next));
            }
            return b.build();
        } else if (v instanceof JsonArray a) {
            JsonArrayBuilder b = Json.createArrayBuilder();
            for (JsonValue c : a) {
                b.add(rebuild(c, texts, next));
            }
            return b.build();
        }
        return v;
    }

    private static void unchanged(String original, List<ChatMessage> texts, int i) {
        if (!original.equals(texts.get(i).text())) {
            // no path in the message: a key's path is the very text policy redacted
            throw new GatehouseException(
                    403,
                    UNREPLACEABLE,
                    "A policy redacted an object key or a number, which cannot be replaced"
                            + " without changing the call; it was refused");
        }
    }

    /** A rough upper bound for token limits: a token per four characters, plus a little. */
    static long tokenEstimate(JsonObject args) {
        return args.toString().length() / 4 + 16;
    }
}
