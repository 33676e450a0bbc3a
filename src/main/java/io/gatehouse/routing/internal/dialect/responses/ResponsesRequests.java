package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code POST /v1/responses} body (OpenAI Responses) into the chat completions request the
 * pipeline parses into the canonical {@code ChatRequest}: {@code instructions} and the input items
 * become messages, function tools and {@code tool_choice} their chat form, {@code text.format} the
 * response format, {@code max_output_tokens} {@code max_completion_tokens}, {@code
 * reasoning.effort} {@code reasoning_effort}. What cannot be translated is refused with a 400
 * naming the field in the client's own terms ({@code param}).
 *
 * <p>Long on purpose: the whole mapping of one request shape onto another, field by field with its
 * own refusals, reads best in one place; split up, each part would need the others' conventions.
 */
final class ResponsesRequests {
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
    private static final Set<String> TOOL_CHOICES = Set.of("auto", "none", "required");

    private ResponsesRequests() {}

    /**
     * The translated request.
     *
     * @param input the input items as chat messages (without the instructions): what a stored
     *     response keeps of this request
     * @param store the client's {@code store}, or null when absent
     */
    record Translated(
            JsonObject body,
            String model,
            String instructions,
            List<JsonObject> input,
            boolean stream,
            Boolean store,
            String previousResponseId) {

        /**
         * The chat body with the stored conversation ({@code previous}, chat messages) between the
         * instructions and this request's input.
         */
        JsonObject chatBody(List<JsonObject> previous) {
            JsonArrayBuilder messages = JSON.createArrayBuilder();
            if (instructions != null) {
                messages.add(message("system", JSON.createValue(instructions)));
            }
            previous.forEach(messages::add);
            input.forEach(messages::add);
            JsonObjectBuilder b = JSON.createObjectBuilder();
            b.add("model", model);
            b.add("messages", messages);
            for (var e : body.entrySet()) {
                if (!e.getKey().equals("model") && !e.getKey().equals("messages")) {
                    b.add(e.getKey(), e.getValue());
                }
            }
            return b.build();
        }
    }

    /** Translates the body, or throws a 400 naming the field in the Responses request. */
    static Translated read(JsonObject req) {
        if (!(req.get("model") instanceof JsonString model) || model.getString().isBlank()) {
            throw new ValidationException("model", "you must provide a model parameter");
        }
        String instructions = optionalString(req, "instructions");
        Boolean stream = optionalBoolean(req, "stream");
        Boolean store = optionalBoolean(req, "store");
        String previous = optionalString(req, "previous_response_id");
        for (String refused : List.of("background", "conversation", "prompt")) {
            JsonValue v = req.get(refused);
            if (v != null && v != JsonValue.NULL && v != JsonValue.FALSE) {
                throw new ValidationException(
                        "unsupported_parameter",
                        refused,
                        refused + " is not supported by this gateway");
            }
        }
        List<JsonObject> input = input(req.get("input"));
        JsonObjectBuilder chat = JSON.createObjectBuilder();
        if (Boolean.TRUE.equals(stream)) {
            chat.add("stream", true);
            // the usage goes into response.completed
            chat.add("stream_options", JSON.createObjectBuilder().add("include_usage", true));
        }
        copyNumber(req, chat, "temperature", "temperature");
        copyNumber(req, chat, "top_p", "top_p");
        if (req.containsKey("max_output_tokens")
                && req.get("max_output_tokens") != JsonValue.NULL) {
            if (!(req.get("max_output_tokens") instanceof JsonNumber n)
                    || !n.isIntegral()
                    || n.longValue() < 1) {
                throw new ValidationException(
                        "max_output_tokens", "max_output_tokens must be a positive integer");
            }
            chat.add("max_completion_tokens", n);
        }
        Boolean parallel = optionalBoolean(req, "parallel_tool_calls");
        if (parallel != null) {
            chat.add("parallel_tool_calls", parallel);
        }
        String user = optionalString(req, "user");
        if (user != null) {
            chat.add("user", user);
        }
        if (req.get("prompt_variables") instanceof JsonObject pv) {
            chat.add("prompt_variables", pv); // the gateway's managed prompts, as on chat
        }
        if (req.containsKey("reasoning") && req.get("reasoning") != JsonValue.NULL) {
            if (!(req.get("reasoning") instanceof JsonObject r)) {
                throw new ValidationException("reasoning", "reasoning must be an object");
            }
            if (r.get("effort") instanceof JsonString effort) {
                chat.add("reasoning_effort", effort);
            }
        }
        JsonArray tools = tools(req.get("tools"));
        if (!tools.isEmpty()) {
            chat.add("tools", tools);
        }
        JsonValue choice = toolChoice(req.get("tool_choice"));
        if (choice != null) {
            chat.add("tool_choice", choice);
        }
        JsonObject format = format(req.get("text"));
        if (format != null) {
            chat.add("response_format", format);
        }
        return new Translated(
                chat.build(),
                model.getString(),
                instructions,
                input,
                Boolean.TRUE.equals(stream),
                store,
                previous);
    }

    private static List<JsonObject> input(JsonValue v) {
        if (v instanceof JsonString s) {
            return List.of(message("user", s));
        }
        if (!(v instanceof JsonArray items) || items.isEmpty()) {
            throw new ValidationException("input", "input must be a string or a non-empty array");
        }
        List<Msg> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "input[" + i + "]";
            if (!(items.get(i) instanceof JsonObject item)) {
                throw new ValidationException(p, p + " must be an object");
            }
            String type = item.get("type") instanceof JsonString t ? t.getString() : "message";
            switch (type) {
                case "message" -> out.add(message(item, p));
                case "function_call" -> {
                    String callId = requiredString(item, "call_id", p);
                    String name = requiredString(item, "name", p);
                    String args = requiredString(item, "arguments", p);
                    JsonObject call =
                            JSON.createObjectBuilder()
                                    .add("id", callId)
                                    .add("type", "function")
                                    .add(
                                            "function",
                                            JSON.createObjectBuilder()
                                                    .add("name", name)
                                                    .add("arguments", args))
                                    .build();
                    Msg last = out.isEmpty() ? null : out.get(out.size() - 1);
                    if (last != null && last.role.equals("assistant")) {
                        last.toolCalls.add(call); // one assistant turn: its text and its calls
                    } else {
                        Msg m = new Msg("assistant", JsonValue.NULL);
                        m.toolCalls.add(call);
                        out.add(m);
                    }
                }
                case "function_call_output" -> {
                    String callId = requiredString(item, "call_id", p);
                    Msg m = new Msg("tool", JSON.createValue(outputText(item.get("output"), p)));
                    m.toolCallId = callId;
                    out.add(m);
                }
                case "reasoning" -> {} // a model's own reasoning: not sent to chat providers
                default ->
                        throw new ValidationException(
                                "unsupported_parameter",
                                p + ".type",
                                "input item type '" + type + "' is not supported by this gateway");
            }
        }
        if (out.isEmpty()) {
            throw new ValidationException("input", "input holds no message");
        }
        return out.stream().map(Msg::json).toList();
    }

    private static Msg message(JsonObject item, String p) {
        if (!(item.get("role") instanceof JsonString role) || !ROLES.contains(role.getString())) {
            throw new ValidationException(p + ".role", p + ".role must be one of " + ROLES);
        }
        JsonValue content = item.get("content");
        if (content instanceof JsonString s) {
            return new Msg(role.getString(), s);
        }
        if (!(content instanceof JsonArray parts) || parts.isEmpty()) {
            throw new ValidationException(
                    p + ".content", p + ".content must be a string or a non-empty array");
        }
        JsonArrayBuilder chatParts = JSON.createArrayBuilder();
        StringBuilder text = new StringBuilder();
        boolean onlyText = true;
        for (int j = 0; j < parts.size(); j++) {
            String pp = p + ".content[" + j + "]";
            if (!(parts.get(j) instanceof JsonObject part)
                    || !(part.get("type") instanceof JsonString type)) {
                throw new ValidationException(pp, pp + " must be an object with a type");
            }
            switch (type.getString()) {
                case "input_text", "output_text" -> {
                    String t = requiredString(part, "text", pp);
                    chatParts.add(JSON.createObjectBuilder().add("type", "text").add("text", t));
                    text.append(t);
                }
                case "refusal" -> {
                    String t = requiredString(part, "refusal", pp);
                    chatParts.add(JSON.createObjectBuilder().add("type", "text").add("text", t));
                    text.append(t);
                }
                case "input_image" -> {
                    if (!(part.get("image_url") instanceof JsonString url)) {
                        throw new ValidationException(
                                pp + ".image_url",
                                pp + ".image_url is required (file_id is not supported)");
                    }
                    JsonObjectBuilder iu = JSON.createObjectBuilder().add("url", url);
                    JsonValue detail = part.get("detail");
                    if (detail instanceof JsonString d
                            && Set.of("low", "high", "auto").contains(d.getString())) {
                        iu.add("detail", d);
                    } else if (detail != null && detail != JsonValue.NULL) {
                        // a native request forwards the part as sent: nothing unread in it
                        throw new ValidationException(
                                pp + ".detail", pp + ".detail must be low, high or auto");
                    }
                    chatParts.add(
                            JSON.createObjectBuilder()
                                    .add("type", "image_url")
                                    .add("image_url", iu));
                    onlyText = false;
                }
                default ->
                        throw new ValidationException(
                                "unsupported_parameter",
                                pp + ".type",
                                "content part type '"
                                        + type.getString()
                                        + "' is not supported by this gateway");
            }
        }
        // one text part, or only text of an assistant or instructions: plain text, as chat has it
        if (onlyText && (parts.size() == 1 || !role.getString().equals("user"))) {
            return new Msg(role.getString(), JSON.createValue(text.toString()));
        }
        return new Msg(role.getString(), chatParts.build());
    }

    /**
     * True when an output_text part carries annotations or logprobs (neither read nor scanned):
     * such a part is never forwarded as sent ({@link ResponsesNative}), only as its text.
     */
    static boolean holdsUnread(JsonObject part) {
        for (String unread : List.of("annotations", "logprobs")) {
            JsonValue v = part.get(unread);
            if (v != null && !(v instanceof JsonArray a && a.isEmpty())) {
                return true;
            }
        }
        return false;
    }

    private static String outputText(JsonValue output, String p) {
        if (output instanceof JsonString s) {
            return s.getString();
        }
        if (output instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            for (JsonValue v : parts) {
                if (v instanceof JsonObject o && o.get("text") instanceof JsonString t) {
                    sb.append(t.getString());
                }
            }
            return sb.toString();
        }
        throw new ValidationException(p + ".output", p + ".output must be a string or an array");
    }

    private static JsonArray tools(JsonValue v) {
        if (v == null || v == JsonValue.NULL) {
            return JsonValue.EMPTY_JSON_ARRAY;
        }
        if (!(v instanceof JsonArray tools)) {
            throw new ValidationException("tools", "tools must be an array");
        }
        JsonArrayBuilder out = JSON.createArrayBuilder();
        for (int i = 0; i < tools.size(); i++) {
            String p = "tools[" + i + "]";
            if (!(tools.get(i) instanceof JsonObject t)
                    || !(t.get("type") instanceof JsonString type)) {
                throw new ValidationException(p, p + " must be an object with a type");
            }
            if (!type.getString().equals("function")) {
                throw new ValidationException(
                        "unsupported_parameter",
                        p + ".type",
                        "tool type '"
                                + type.getString()
                                + "' is not supported by this gateway (only function tools)");
            }
            JsonObjectBuilder fn =
                    JSON.createObjectBuilder().add("name", requiredString(t, "name", p));
            if (t.get("description") instanceof JsonString d) {
                fn.add("description", d);
            }
            if (t.containsKey("parameters") && t.get("parameters") != JsonValue.NULL) {
                if (!(t.get("parameters") instanceof JsonObject params)) {
                    throw new ValidationException(
                            p + ".parameters", p + ".parameters must be an object");
                }
                fn.add("parameters", params);
            }
            JsonValue strict = t.get("strict");
            if (strict == JsonValue.TRUE || strict == JsonValue.FALSE) {
                fn.add("strict", strict);
            }
            out.add(JSON.createObjectBuilder().add("type", "function").add("function", fn));
        }
        return out.build();
    }

    private static JsonValue toolChoice(JsonValue v) {
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v instanceof JsonString s && TOOL_CHOICES.contains(s.getString())) {
            return s;
        }
        if (v instanceof JsonObject o
                && "function".equals(o.getString("type", ""))
                && o.get("name") instanceof JsonString name) {
            return JSON.createObjectBuilder()
                    .add("type", "function")
                    .add("function", JSON.createObjectBuilder().add("name", name))
                    .build();
        }
        throw new ValidationException(
                "tool_choice",
                "tool_choice must be auto, none, required or {\"type\":\"function\",\"name\":...}");
    }

    private static JsonObject format(JsonValue text) {
        if (text == null || text == JsonValue.NULL) {
            return null;
        }
        if (!(text instanceof JsonObject t)) {
            throw new ValidationException("text", "text must be an object");
        }
        JsonValue f = t.get("format");
        if (f == null || f == JsonValue.NULL) {
            return null;
        }
        if (!(f instanceof JsonObject format) || !(format.get("type") instanceof JsonString type)) {
            throw new ValidationException(
                    "text.format", "text.format must be an object with a type");
        }
        return switch (type.getString()) {
            case "text" -> null;
            case "json_object" -> JSON.createObjectBuilder().add("type", "json_object").build();
            case "json_schema" -> {
                JsonObjectBuilder schema =
                        JSON.createObjectBuilder()
                                .add("name", requiredString(format, "name", "text.format"));
                if (!(format.get("schema") instanceof JsonObject s)) {
                    throw new ValidationException(
                            "text.format.schema", "text.format.schema must be an object");
                }
                schema.add("schema", s);
                if (format.get("description") instanceof JsonString d) {
                    schema.add("description", d);
                }
                if (format.get("strict") == JsonValue.TRUE
                        || format.get("strict") == JsonValue.FALSE) {
                    schema.add("strict", format.get("strict"));
                }
                yield JSON.createObjectBuilder()
                        .add("type", "json_schema")
                        .add("json_schema", schema)
                        .build();
            }
            default ->
                    throw new ValidationException(
                            "text.format.type",
                            "text.format.type must be text, json_object or json_schema");
        };
    }

    private static void copyNumber(JsonObject req, JsonObjectBuilder chat, String f, String to) {
        JsonValue v = req.get(f);
        if (v == null || v == JsonValue.NULL) {
            return;
        }
        if (!(v instanceof JsonNumber)) {
            throw new ValidationException(f, f + " must be a number");
        }
        chat.add(to, v);
    }

    private static String optionalString(JsonObject o, String f) {
        JsonValue v = o.get(f);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw new ValidationException(f, f + " must be a string");
        }
        return s.getString();
    }

    private static Boolean optionalBoolean(JsonObject o, String f) {
        JsonValue v = o.get(f);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v != JsonValue.TRUE && v != JsonValue.FALSE) {
            throw new ValidationException(f, f + " must be a boolean");
        }
        return v == JsonValue.TRUE;
    }

    private static String requiredString(JsonObject o, String f, String p) {
        if (!(o.get(f) instanceof JsonString s)) {
            throw new ValidationException(p + "." + f, p + "." + f + " must be a string");
        }
        return s.getString();
    }

    static JsonObject message(String role, JsonValue content) {
        return JSON.createObjectBuilder().add("role", role).add("content", content).build();
    }

    /** A chat message being built (an assistant turn gathers the function calls after it). */
    private static final class Msg {
        final String role;
        final JsonValue content;
        final List<JsonObject> toolCalls = new ArrayList<>();
        String toolCallId;

        Msg(String role, JsonValue content) {
            this.role = role;
            this.content = content;
        }

        JsonObject json() {
            JsonObjectBuilder b =
                    JSON.createObjectBuilder().add("role", role).add("content", content);
            if (!toolCalls.isEmpty()) {
                JsonArrayBuilder calls = JSON.createArrayBuilder();
                toolCalls.forEach(calls::add);
                b.add("tool_calls", calls);
            }
            if (toolCallId != null) {
                b.add("tool_call_id", toolCallId);
            }
            return b.build();
        }
    }
}
