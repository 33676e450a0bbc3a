package io.gatehouse.routing.internal.mcp;

import io.gatehouse.routing.stage.ChatMessage;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
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

    /** Collects every string value (depth first) with its JSON pointer. */
    static void strings(JsonValue v, String path, List<String> paths, List<ChatMessage> texts) {
        if (v instanceof JsonString s) {
            paths.add(path);
            texts.add(new ChatMessage("user", s.getString(), false));
        } else if (v instanceof JsonObject o) {
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                strings(e.getValue(), path + "/" + escape(e.getKey()), paths, texts);
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

    /** The arguments with each string replaced by the stages' text of it (same order). */
    static JsonObject replaceStrings(JsonObject args, List<String> paths, List<ChatMessage> texts) {
        if (texts.size() != paths.size()) {
            throw new IllegalStateException("a stage changed the number of arguments");
        }
        int[] next = {0};
        return (JsonObject) rebuild(args, texts, next);
    }

    private static JsonValue rebuild(JsonValue v, List<ChatMessage> texts, int[] next) {
        if (v instanceof JsonString) {
            String t = texts.get(next[0]++).text();
            return Json.createValue(t == null ? "" : t);
        } else if (v instanceof JsonObject o) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
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

    /** A rough upper bound for token limits: a token per four characters, plus a little. */
    static long tokenEstimate(JsonObject args) {
        return args.toString().length() / 4 + 16;
    }
}
