package io.gatehouse.governance.internal;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;

/**
 * A small JSON Schema validator for a golden set's {@code json_schema} expectation (issue 23). The
 * subset: {@code type} (object, array, string, number, integer, boolean, null; one or a list),
 * {@code required}, {@code properties}, {@code items} (one schema), {@code enum}, {@code
 * minimum}/{@code maximum}, {@code minLength}/{@code maxLength}; plus {@code $schema}, {@code
 * title} and {@code description}, which are ignored. Any other keyword is refused when the set is
 * validated, so a schema never silently checks less than it says.
 */
public final class JsonSchemaSubset {
    private JsonSchemaSubset() {}

    static final Set<String> KEYWORDS =
            Set.of(
                    "type",
                    "required",
                    "properties",
                    "items",
                    "enum",
                    "minimum",
                    "maximum",
                    "minLength",
                    "maxLength",
                    "$schema",
                    "title",
                    "description");
    static final Set<String> TYPES =
            Set.of("object", "array", "string", "number", "integer", "boolean", "null");
    static final int MAX_DEPTH = 16;

    /** Refuses a schema outside the subset, naming the keyword's path. */
    public static void check(JsonObject schema, String p) {
        check(schema, p, 0);
    }

    private static void check(JsonObject schema, String p, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ValidationException(p, p + " nests too deep");
        }
        for (var e : schema.entrySet()) {
            String k = e.getKey();
            JsonValue v = e.getValue();
            String kp = p + "." + k;
            switch (k) {
                case "type" -> {
                    if (v instanceof JsonString s) {
                        type(s.getString(), kp);
                    } else if (v instanceof JsonArray a && !a.isEmpty()) {
                        for (JsonValue t : a) {
                            if (!(t instanceof JsonString s)) {
                                throw new ValidationException(kp, kp + " lists type names");
                            }
                            type(s.getString(), kp);
                        }
                    } else {
                        throw new ValidationException(kp, kp + " is a type name or a list of them");
                    }
                }
                case "required" -> {
                    if (!(v instanceof JsonArray a)
                            || a.stream().anyMatch(x -> !(x instanceof JsonString))) {
                        throw new ValidationException(kp, kp + " is a list of property names");
                    }
                }
                case "properties" -> {
                    if (!(v instanceof JsonObject props)) {
                        throw new ValidationException(kp, kp + " must be an object of schemas");
                    }
                    for (var prop : props.entrySet()) {
                        String pp = kp + "." + prop.getKey();
                        check(GoldenSetContent.object(prop.getValue(), pp), pp, depth + 1);
                    }
                }
                case "items" -> check(GoldenSetContent.object(v, kp), kp, depth + 1);
                case "enum" -> {
                    if (!(v instanceof JsonArray a) || a.isEmpty()) {
                        throw new ValidationException(kp, kp + " is a non-empty list of values");
                    }
                }
                case "minimum", "maximum" -> {
                    if (!(v instanceof JsonNumber)) {
                        throw new ValidationException(kp, kp + " must be a number");
                    }
                }
                case "minLength", "maxLength" -> {
                    if (!(v instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 0) {
                        throw new ValidationException(kp, kp + " must be a non-negative integer");
                    }
                }
                case "$schema", "title", "description" -> {}
                default ->
                        throw new ValidationException(
                                kp,
                                "Unsupported JSON Schema keyword '"
                                        + k
                                        + "'; supported: type, required, properties, items, enum,"
                                        + " minimum, maximum, minLength, maxLength");
            }
        }
    }

    private static void type(String t, String p) {
        if (!TYPES.contains(t)) {
            throw new ValidationException(p, p + ": unknown type '" + t + "'");
        }
    }

    /** The first way {@code value} breaks {@code schema} (with its JSON path), or empty. */
    public static Optional<String> violation(JsonObject schema, JsonValue value) {
        return violation(schema, value, "$");
    }

    private static Optional<String> violation(JsonObject schema, JsonValue value, String at) {
        JsonValue type = schema.get("type");
        if (type != null) {
            boolean ok = false;
            if (type instanceof JsonString s) {
                ok = is(s.getString(), value);
            } else if (type instanceof JsonArray a) {
                for (JsonValue t : a) {
                    ok |= is(((JsonString) t).getString(), value);
                }
            }
            if (!ok) {
                return Optional.of(at + " is not of type " + type);
            }
        }
        if (schema.get("enum") instanceof JsonArray values && !values.contains(value)) {
            boolean numericMatch =
                    value instanceof JsonNumber n
                            && values.stream()
                                    .anyMatch(
                                            x ->
                                                    x instanceof JsonNumber m
                                                            && m.bigDecimalValue()
                                                                            .compareTo(
                                                                                    n
                                                                                            .bigDecimalValue())
                                                                    == 0);
            if (!numericMatch) {
                return Optional.of(at + " is not one of " + values);
            }
        }
        if (value instanceof JsonNumber n) {
            BigDecimal d = n.bigDecimalValue();
            if (schema.get("minimum") instanceof JsonNumber min
                    && d.compareTo(min.bigDecimalValue()) < 0) {
                return Optional.of(at + " is below the minimum " + min);
            }
            if (schema.get("maximum") instanceof JsonNumber max
                    && d.compareTo(max.bigDecimalValue()) > 0) {
                return Optional.of(at + " is above the maximum " + max);
            }
        }
        if (value instanceof JsonString s) {
            int length = s.getString().codePointCount(0, s.getString().length());
            if (schema.get("minLength") instanceof JsonNumber min && length < min.longValue()) {
                return Optional.of(at + " is shorter than " + min);
            }
            if (schema.get("maxLength") instanceof JsonNumber max && length > max.longValue()) {
                return Optional.of(at + " is longer than " + max);
            }
        }
        if (value instanceof JsonObject o) {
            if (schema.get("required") instanceof JsonArray required) {
                for (JsonValue r : required) {
                    String name = ((JsonString) r).getString();
                    if (!o.containsKey(name)) {
                        return Optional.of(at + " lacks the required property '" + name + "'");
                    }
                }
            }
            if (schema.get("properties") instanceof JsonObject props) {
                for (var prop : props.entrySet()) {
                    JsonValue pv = o.get(prop.getKey());
                    if (pv != null) {
                        Optional<String> v =
                                violation(
                                        prop.getValue().asJsonObject(),
                                        pv,
                                        at + "." + prop.getKey());
                        if (v.isPresent()) {
                            return v;
                        }
                    }
                }
            }
        }
        if (value instanceof JsonArray a && schema.get("items") instanceof JsonObject items) {
            for (int i = 0; i < a.size(); i++) {
                Optional<String> v = violation(items, a.get(i), at + "[" + i + "]");
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean is(String type, JsonValue v) {
        return switch (type) {
            case "object" -> v.getValueType() == JsonValue.ValueType.OBJECT;
            case "array" -> v.getValueType() == JsonValue.ValueType.ARRAY;
            case "string" -> v.getValueType() == JsonValue.ValueType.STRING;
            case "number" -> v.getValueType() == JsonValue.ValueType.NUMBER;
            case "integer" ->
                    v instanceof JsonNumber n
                            && n.bigDecimalValue().stripTrailingZeros().scale() <= 0;
            case "boolean" ->
                    v.getValueType() == JsonValue.ValueType.TRUE
                            || v.getValueType() == JsonValue.ValueType.FALSE;
            case "null" -> v.getValueType() == JsonValue.ValueType.NULL;
            default -> false;
        };
    }
}
