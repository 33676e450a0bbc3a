package io.gatehouse.governance.internal.web;

import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.error.BadRequestException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.time.Instant;
import java.util.UUID;

/** Reading request bodies leniently (an action's body may be empty) and writing nullable fields. */
final class JsonBodies {
    private JsonBodies() {}

    /** The body as an object; an empty body is an empty object. */
    static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try {
            // the whole body: text after the object is refused, not ignored
            JsonValue v = JsonInput.readWhole(body);
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new BadRequestException("The request body must be a JSON object");
            }
            return v.asJsonObject();
        } catch (JsonParsingException e) {
            throw new BadRequestException("The request body is not valid JSON");
        } catch (JsonException e) {
            throw new BadRequestException("The request body is not valid JSON");
        }
    }

    static String string(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v.getValueType() != JsonValue.ValueType.STRING) {
            throw new ValidationException(field, field + " must be a string");
        }
        return o.getString(field);
    }

    static Integer integer(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v.getValueType() != JsonValue.ValueType.NUMBER
                || !o.getJsonNumber(field).isIntegral()) {
            throw new ValidationException(field, field + " must be an integer");
        }
        return o.getInt(field);
    }

    /** A boolean field; null when absent or null; 400 naming the field otherwise. */
    static Boolean bool(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v == JsonValue.TRUE || v == JsonValue.FALSE) {
            return v == JsonValue.TRUE;
        }
        throw new ValidationException(field, field + " must be true or false");
    }

    static JsonObject objectField(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ValidationException(field, field + " must be a JSON object");
        }
        return v.asJsonObject();
    }

    static UUID uuid(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            // An id that cannot exist is simply not found.
            return new UUID(0, 0);
        }
    }

    static void put(JsonObjectBuilder b, String k, String v) {
        if (v == null) {
            b.addNull(k);
        } else {
            b.add(k, v);
        }
    }

    static void put(JsonObjectBuilder b, String k, Instant v) {
        put(b, k, v == null ? null : v.toString());
    }

    static void put(JsonObjectBuilder b, String k, UUID v) {
        put(b, k, v == null ? null : v.toString());
    }
}
