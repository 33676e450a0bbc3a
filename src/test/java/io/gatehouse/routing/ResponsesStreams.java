package io.gatehouse.routing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Responses API streams for comparison: the recorded-shape OpenAI stream in {@code
 * src/test/resources/responses}, parsed into events, and each event reduced to what must match
 * (types, order, sequence numbers, indexes, text, arguments, statuses, usage), leaving out what
 * differs by nature (ids, timestamps, model versions, OpenAI's obfuscation padding).
 */
public final class ResponsesStreams {
    private ResponsesStreams() {}

    public static String resource(String name) {
        try (InputStream in = ResponsesStreams.class.getResourceAsStream("/responses/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name, e);
        }
    }

    /** The events of an SSE body; each event's {@code event:} name must equal its data's type. */
    public static List<JsonObject> events(String sse) {
        List<JsonObject> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            JsonObject o = Json.createReader(new StringReader(data)).readObject();
            if (name == null || !name.equals(o.getString("type"))) {
                throw new AssertionError("event name " + name + " does not match data " + data);
            }
            out.add(o);
        }
        return out;
    }

    /** What of an event must match OpenAI's. */
    public static JsonObject essence(JsonObject e) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (String f :
                List.of(
                        "type",
                        "sequence_number",
                        "output_index",
                        "content_index",
                        "delta",
                        "text",
                        "arguments",
                        "name")) {
            if (e.containsKey(f)) {
                b.add(f, e.get(f));
            }
        }
        if (e.get("item") instanceof JsonObject item) {
            b.add("item", item(item));
        }
        if (e.get("part") instanceof JsonObject part) {
            b.add("part", part(part));
        }
        if (e.get("response") instanceof JsonObject r) {
            JsonObjectBuilder rb =
                    Json.createObjectBuilder()
                            .add("object", r.get("object"))
                            .add("status", r.get("status"))
                            .add("usage", r.getOrDefault("usage", JsonValue.NULL))
                            .add("error", r.getOrDefault("error", JsonValue.NULL));
            var output = Json.createArrayBuilder();
            for (JsonValue v : r.getJsonArray("output")) {
                output.add(item(v.asJsonObject()));
            }
            b.add("response", rb.add("output", output));
        }
        return b.build();
    }

    private static JsonObject item(JsonObject item) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (String f : List.of("type", "status", "role", "call_id", "name", "arguments")) {
            if (item.containsKey(f)) {
                b.add(f, item.get(f));
            }
        }
        if (item.get("content") instanceof JsonArray content) {
            var parts = Json.createArrayBuilder();
            content.forEach(p -> parts.add(part(p.asJsonObject())));
            b.add("content", parts);
        }
        return b.build();
    }

    private static JsonObject part(JsonObject part) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("type", part.get("type"));
        if (part.containsKey("text")) {
            b.add("text", part.get("text"));
        }
        if (part.containsKey("annotations")) {
            b.add("annotations", part.get("annotations"));
        }
        return b.build();
    }

    public static List<JsonObject> essences(String sse) {
        return events(sse).stream().map(ResponsesStreams::essence).toList();
    }
}
