package io.gatehouse.prompts.internal;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.HashSet;
import java.util.Set;

/**
 * The subset of JSON Schema a prompt's variables may use, checked without a library: a top-level
 * {@code object} with {@code properties}, {@code required} and {@code additionalProperties}
 * (default false: a misspelt variable is an error, not silently ignored); each property a scalar
 * ({@code string}, {@code number}, {@code integer}, {@code boolean}) with {@code enum}, {@code
 * minLength}/{@code maxLength}, {@code minimum}/{@code maximum}, {@code description}, {@code
 * default}.
 */
public final class VariableSchema {
    static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean");
    private static final Set<String> PROPERTY_KEYS =
            Set.of(
                    "type",
                    "enum",
                    "minLength",
                    "maxLength",
                    "minimum",
                    "maximum",
                    "description",
                    "default",
                    "title");

    private VariableSchema() {}

    /** Checks a schema an author proposes; {@code param} names it in errors. */
    public static void checkSchema(JsonObject schema, String param) {
        for (String k : schema.keySet()) {
            if (!Set.of(
                            "type",
                            "properties",
                            "required",
                            "additionalProperties",
                            "description",
                            "title",
                            "$schema")
                    .contains(k)) {
                throw new ValidationException(
                        param + "." + k, "Unsupported schema keyword '" + k + "'");
            }
        }
        if (schema.containsKey("type") && !"object".equals(str(schema.get("type")))) {
            throw new ValidationException(
                    param + ".type", "The variables schema must be of type object");
        }
        JsonObject props = properties(schema);
        for (var e : props.entrySet()) {
            String p = param + ".properties." + e.getKey();
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                throw new ValidationException(p, "Variable names are letters, digits and _");
            }
            if (e.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw new ValidationException(p, "A property is a schema object");
            }
            JsonObject ps = e.getValue().asJsonObject();
            for (String k : ps.keySet()) {
                if (!PROPERTY_KEYS.contains(k)) {
                    throw new ValidationException(
                            p + "." + k, "Unsupported schema keyword '" + k + "'");
                }
            }
            String type = str(ps.get("type"));
            if (type == null || !TYPES.contains(type)) {
                throw new ValidationException(p + ".type", "type is one of " + TYPES);
            }
            for (String k : new String[] {"minLength", "maxLength"}) {
                if (ps.containsKey(k)
                        && !(ps.get(k) instanceof JsonNumber n
                                && n.isIntegral()
                                && n.longValue() >= 0)) {
                    throw new ValidationException(p + "." + k, k + " is a non-negative integer");
                }
            }
            for (String k : new String[] {"minimum", "maximum"}) {
                if (ps.containsKey(k) && ps.get(k).getValueType() != JsonValue.ValueType.NUMBER) {
                    throw new ValidationException(p + "." + k, k + " is a number");
                }
            }
            if (ps.containsKey("enum")
                    && (ps.get("enum").getValueType() != JsonValue.ValueType.ARRAY
                            || ps.getJsonArray("enum").isEmpty())) {
                throw new ValidationException(p + ".enum", "enum is a non-empty array");
            }
        }
        if (schema.containsKey("required")) {
            if (schema.get("required").getValueType() != JsonValue.ValueType.ARRAY) {
                throw new ValidationException(param + ".required", "required is an array of names");
            }
            for (JsonValue v : schema.getJsonArray("required")) {
                String name = str(v);
                if (name == null || !props.containsKey(name)) {
                    throw new ValidationException(
                            param + ".required", "required names an undeclared variable");
                }
            }
        }
        if (schema.containsKey("additionalProperties")
                && schema.get("additionalProperties") != JsonValue.TRUE
                && schema.get("additionalProperties") != JsonValue.FALSE) {
            throw new ValidationException(
                    param + ".additionalProperties", "additionalProperties is a boolean");
        }
    }

    public static JsonObject properties(JsonObject schema) {
        JsonValue p = schema.get("properties");
        if (p == null) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        if (p.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ValidationException(
                    "content.variables.properties", "properties is an object");
        }
        return p.asJsonObject();
    }

    /**
     * Validates a request's variables against the schema; errors name {@code
     * prompt_variables.<name>}.
     */
    public static void validate(JsonObject schema, JsonObject variables) {
        JsonObject vars = variables == null ? JsonValue.EMPTY_JSON_OBJECT : variables;
        JsonObject props = properties(schema);
        if (schema.containsKey("required")) {
            for (JsonValue v : schema.getJsonArray("required")) {
                String name = str(v);
                if (!vars.containsKey(name) || vars.isNull(name)) {
                    throw invalid(name, "is required");
                }
            }
        }
        boolean additional = schema.get("additionalProperties") == JsonValue.TRUE;
        Set<String> seen = new HashSet<>();
        for (var e : vars.entrySet()) {
            String name = e.getKey();
            seen.add(name);
            JsonValue value = e.getValue();
            if (!props.containsKey(name)) {
                if (additional) {
                    continue;
                }
                throw invalid(name, "is not a variable of this prompt");
            }
            if (value == JsonValue.NULL) {
                continue;
            }
            JsonObject ps = props.getJsonObject(name);
            String type = ps.getString("type");
            switch (type) {
                case "string" -> {
                    if (!(value instanceof JsonString s)) {
                        throw invalid(name, "must be a string");
                    }
                    int len = s.getString().codePointCount(0, s.getString().length());
                    if (ps.containsKey("maxLength") && len > ps.getInt("maxLength")) {
                        throw invalid(
                                name, "is longer than " + ps.getInt("maxLength") + " characters");
                    }
                    if (ps.containsKey("minLength") && len < ps.getInt("minLength")) {
                        throw invalid(
                                name, "is shorter than " + ps.getInt("minLength") + " characters");
                    }
                }
                case "number", "integer" -> {
                    if (!(value instanceof JsonNumber n)
                            || ("integer".equals(type) && !n.isIntegral())) {
                        throw invalid(
                                name,
                                "must be " + ("integer".equals(type) ? "an integer" : "a number"));
                    }
                    if (ps.containsKey("minimum")
                            && n.bigDecimalValue()
                                            .compareTo(
                                                    ps.getJsonNumber("minimum").bigDecimalValue())
                                    < 0) {
                        throw invalid(name, "is less than " + ps.getJsonNumber("minimum"));
                    }
                    if (ps.containsKey("maximum")
                            && n.bigDecimalValue()
                                            .compareTo(
                                                    ps.getJsonNumber("maximum").bigDecimalValue())
                                    > 0) {
                        throw invalid(name, "is greater than " + ps.getJsonNumber("maximum"));
                    }
                }
                case "boolean" -> {
                    if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
                        throw invalid(name, "must be a boolean");
                    }
                }
                default -> throw invalid(name, "has an unsupported type");
            }
            if (ps.containsKey("enum")) {
                JsonArray allowed = ps.getJsonArray("enum");
                if (!allowed.contains(value)) {
                    throw invalid(name, "must be one of " + allowed);
                }
            }
        }
    }

    private static ValidationException invalid(String name, String what) {
        return new ValidationException(
                "prompt_variables." + name, "Prompt variable '" + name + "' " + what);
    }

    private static String str(JsonValue v) {
        return v instanceof JsonString s ? s.getString() : null;
    }
}
