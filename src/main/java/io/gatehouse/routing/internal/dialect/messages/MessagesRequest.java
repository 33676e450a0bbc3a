package io.gatehouse.routing.internal.dialect.messages;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An Anthropic Messages body, validated in Anthropic's terms and read into the canonical {@link
 * ChatRequest}: {@code system} (a string or text blocks) becomes a system message; content blocks
 * {@code text} and {@code image} become text and image parts; an assistant's {@code tool_use}
 * blocks its tool calls; a user's {@code tool_result} blocks tool messages (before the rest of that
 * turn, as chat wants the answers right after the calls); tools, tool choice, {@code max_tokens},
 * {@code temperature}, {@code top_p}, {@code stop_sequences}, {@code metadata.user_id}. A field the
 * canonical request cannot carry is refused (400), never dropped in silence, except {@code top_k}
 * (no OpenAI-compatible equivalent; accepted and not forwarded, docs/gateway.md). Extended thinking
 * ({@code thinking} enabled, {@code thinking} and {@code redacted_thinking} blocks in assistant
 * turns) is checked here but not carried in the canonical request: only the native passthrough to
 * Anthropic providers serves it ({@link MessagesNative}), and the pipeline sends such a request to
 * no other kind.
 *
 * <p>Long on purpose: every field and block type of the dialect is checked and mapped here, side by
 * side, so that what is accepted is exactly what is carried.
 */
public final class MessagesRequest {
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Set<String> FIELDS =
            Set.of(
                    "model",
                    "messages",
                    "system",
                    "max_tokens",
                    "temperature",
                    "top_p",
                    "top_k",
                    "stop_sequences",
                    "stream",
                    "metadata",
                    "tools",
                    "tool_choice",
                    "thinking");
    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    static final int MAX_MESSAGES = 2048;
    static final int MAX_TOOLS = 128;

    private MessagesRequest() {}

    /** The canonical request of a Messages body; 400 (Anthropic's shape) naming the field. */
    public static ChatRequest read(JsonObject req) {
        for (String f : req.keySet()) {
            if (!FIELDS.contains(f)) {
                throw invalid(f, "Extra inputs are not permitted");
            }
        }
        String model = model(req);
        long maxTokens = maxTokens(req);
        List<ChatMessage> messages = new ArrayList<>();
        if (req.containsKey("system") && req.get("system") != JsonValue.NULL) {
            messages.add(system(req.get("system")));
        }
        if (!(req.get("messages") instanceof JsonArray ms)) {
            throw invalid("messages", "Field required (an array of messages)");
        }
        if (ms.isEmpty() || ms.size() > MAX_MESSAGES) {
            throw invalid("messages", "between 1 and " + MAX_MESSAGES + " messages are required");
        }
        for (int i = 0; i < ms.size(); i++) {
            message(ms.get(i), "messages." + i, messages);
        }
        thinking(req, maxTokens);
        BigDecimal temperature = number(req, "temperature", 0, 1);
        BigDecimal topP = number(req, "top_p", 0, 1);
        if (req.containsKey("top_k")
                && !(req.get("top_k") instanceof JsonNumber k
                        && k.isIntegral()
                        && k.bigDecimalValue().signum() >= 0)) {
            throw invalid("top_k", "Input should be a non-negative integer");
        }
        List<String> stop = stopSequences(req);
        String user = user(req);
        Boolean stream = null;
        if (req.containsKey("stream")) {
            JsonValue s = req.get("stream");
            if (s != JsonValue.TRUE && s != JsonValue.FALSE) {
                throw invalid("stream", "Input should be a valid boolean");
            }
            stream = s == JsonValue.TRUE ? Boolean.TRUE : null;
        }
        List<ChatRequest.Tool> tools = tools(req);
        JsonValue toolChoice = null;
        Boolean parallel = null;
        if (req.containsKey("tool_choice") && req.get("tool_choice") != JsonValue.NULL) {
            if (!(req.get("tool_choice") instanceof JsonObject tc)) {
                throw invalid("tool_choice", "Input should be an object");
            }
            toolChoice = toolChoice(tc);
            if (tc.containsKey("disable_parallel_tool_use")) {
                JsonValue d = tc.get("disable_parallel_tool_use");
                if (d != JsonValue.TRUE && d != JsonValue.FALSE) {
                    throw invalid(
                            "tool_choice.disable_parallel_tool_use",
                            "Input should be a valid boolean");
                }
                // chat refuses parallel_tool_calls without tools
                if (d == JsonValue.TRUE && !tools.isEmpty()) {
                    parallel = Boolean.FALSE;
                }
            }
        }
        ChatRequest.Sampling sampling =
                new ChatRequest.Sampling(
                        temperature,
                        topP,
                        null,
                        maxTokens,
                        null,
                        stop,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
        return new ChatRequest(
                model,
                messages,
                sampling,
                tools,
                toolChoice,
                parallel,
                null,
                stream,
                null,
                user,
                null);
    }

    /** Fields a token count takes (Anthropic's count_tokens: no sampling, no max_tokens). */
    private static final Set<String> COUNT_FIELDS =
            Set.of("model", "messages", "system", "tools", "tool_choice", "thinking");

    /** A count_tokens body: the fields of a message that hold input, read as a message's. */
    public static ChatRequest readForCount(JsonObject req) {
        for (String f : req.keySet()) {
            if (!COUNT_FIELDS.contains(f)) {
                throw invalid(f, "Extra inputs are not permitted");
            }
        }
        // the most a message may ask for: a thinking budget is checked against it as a message's
        return read(JSON.createObjectBuilder(req).add("max_tokens", 10_000_000).build());
    }

    private static String model(JsonObject req) {
        if (!(req.get("model") instanceof JsonString s) || s.getString().isBlank()) {
            throw invalid("model", "Field required");
        }
        if (s.getString().length() > 256) {
            throw invalid("model", "model is too long");
        }
        return s.getString();
    }

    private static long maxTokens(JsonObject req) {
        if (!req.containsKey("max_tokens")) {
            throw invalid("max_tokens", "Field required");
        }
        if (!(req.get("max_tokens") instanceof JsonNumber n) || !n.isIntegral()) {
            throw invalid("max_tokens", "Input should be a valid integer");
        }
        BigDecimal v = n.bigDecimalValue();
        if (v.compareTo(BigDecimal.ONE) < 0 || v.compareTo(BigDecimal.valueOf(10_000_000)) > 0) {
            throw invalid("max_tokens", "Input should be between 1 and 10000000");
        }
        return v.longValueExact();
    }

    private static ChatMessage system(JsonValue v) {
        if (v instanceof JsonString s) {
            return new ChatMessage("system", s.getString(), false);
        }
        if (!(v instanceof JsonArray blocks)) {
            throw invalid("system", "Input should be a string or an array of text blocks");
        }
        List<ChatMessage.Part> parts = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String p = "system." + i;
            JsonObject b = block(blocks.get(i), p);
            if (!"text".equals(b.getString("type"))) {
                throw invalid(p + ".type", "system blocks must be text blocks");
            }
            parts.add(ChatMessage.Part.text(text(b, p)));
        }
        return new ChatMessage("system", null, parts, null, null, null, null, false);
    }

    /** One Messages turn: zero or more tool messages, then the turn's other content. */
    private static void message(JsonValue v, String p, List<ChatMessage> out) {
        if (!(v instanceof JsonObject m)) {
            throw invalid(p, "Input should be an object");
        }
        if (!(m.get("role") instanceof JsonString rs)
                || !Set.of("user", "assistant").contains(rs.getString())) {
            throw invalid(p + ".role", "Input should be 'user' or 'assistant'");
        }
        for (String f : m.keySet()) {
            if (!f.equals("role") && !f.equals("content")) {
                throw invalid(p + "." + f, "Extra inputs are not permitted");
            }
        }
        String role = rs.getString();
        JsonValue content = m.get("content");
        if (content instanceof JsonString s) {
            out.add(new ChatMessage(role, s.getString(), false));
            return;
        }
        if (!(content instanceof JsonArray blocks)) {
            throw invalid(p + ".content", "Input should be a string or an array of blocks");
        }
        List<ChatMessage.Part> parts = new ArrayList<>();
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        boolean thought = false;
        for (int j = 0; j < blocks.size(); j++) {
            String bp = p + ".content." + j;
            JsonObject b = block(blocks.get(j), bp);
            String type = b.getString("type");
            switch (type) {
                case "text" -> parts.add(ChatMessage.Part.text(text(b, bp)));
                case "image" -> parts.add(image(b, bp));
                case "tool_use" -> {
                    if (!role.equals("assistant")) {
                        throw invalid(bp + ".type", "tool_use blocks belong to assistant turns");
                    }
                    calls.add(toolUse(b, bp));
                }
                case "tool_result" -> {
                    if (!role.equals("user")) {
                        throw invalid(bp + ".type", "tool_result blocks belong to user turns");
                    }
                    out.add(toolResult(b, bp));
                }
                case "thinking", "redacted_thinking" -> {
                    // carried only by the native passthrough (MessagesNative), as sent
                    if (!role.equals("assistant")) {
                        throw invalid(bp + ".type", type + " blocks belong to assistant turns");
                    }
                    thinkingBlock(b, bp);
                    thought = true;
                }
                default ->
                        throw invalid(bp + ".type", "block type '" + type + "' is not supported");
            }
        }
        if (role.equals("assistant")) {
            if (thought && calls.isEmpty() && parts.isEmpty()) {
                // a turn of thinking only would vanish from the canonical request, and with it
                // the place its blocks go back to when a stage makes the body re-rendered
                throw invalid(
                        p + ".content",
                        "an assistant turn needs text or tool_use besides thinking");
            }
            String text = joined(parts);
            boolean images = parts.stream().anyMatch(x -> !x.isText());
            if (images) {
                throw invalid(p + ".content", "image blocks belong to user turns");
            }
            if (!calls.isEmpty() || !parts.isEmpty() || blocks.isEmpty()) {
                out.add(
                        new ChatMessage(
                                "assistant",
                                calls.isEmpty() || !text.isEmpty() ? text : null,
                                null,
                                null,
                                calls.isEmpty() ? null : calls,
                                null,
                                null,
                                false));
            }
        } else if (!parts.isEmpty() || blocks.isEmpty()) {
            out.add(new ChatMessage("user", null, parts, null, null, null, null, false));
        }
    }

    private static String joined(List<ChatMessage.Part> parts) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage.Part x : parts) {
            if (x.isText()) {
                sb.append(sb.length() > 0 ? "\n" : "").append(x.text());
            }
        }
        return sb.toString();
    }

    private static JsonObject block(JsonValue v, String p) {
        if (!(v instanceof JsonObject b) || !(b.get("type") instanceof JsonString)) {
            throw invalid(p, "Input should be an object with a type");
        }
        return b;
    }

    private static String text(JsonObject b, String p) {
        if (!(b.get("text") instanceof JsonString t)) {
            throw invalid(p + ".text", "Field required (a string)");
        }
        return t.getString();
    }

    /** An image block as chat's image part: base64 data as a data: URL, or the URL. */
    private static ChatMessage.Part image(JsonObject b, String p) {
        if (!(b.get("source") instanceof JsonObject src)
                || !(src.get("type") instanceof JsonString st)) {
            throw invalid(p + ".source", "Field required (an object with a type)");
        }
        String url;
        if (st.getString().equals("base64")) {
            if (!(src.get("media_type") instanceof JsonString mt)
                    || !Set.of("image/jpeg", "image/png", "image/gif", "image/webp")
                            .contains(mt.getString())
                    || !(src.get("data") instanceof JsonString data)) {
                throw invalid(
                        p + ".source",
                        "base64 sources need media_type (image/jpeg, image/png, image/gif,"
                                + " image/webp) and data");
            }
            url = "data:" + mt.getString() + ";base64," + data.getString();
        } else if (st.getString().equals("url")) {
            if (!(src.get("url") instanceof JsonString u)) {
                throw invalid(p + ".source.url", "Field required");
            }
            url = u.getString();
        } else {
            throw invalid(p + ".source.type", "Input should be 'base64' or 'url'");
        }
        return new ChatMessage.Part(
                "image_url",
                JSON.createObjectBuilder()
                        .add("type", "image_url")
                        .add("image_url", JSON.createObjectBuilder().add("url", url))
                        .build());
    }

    private static ChatMessage.ToolCall toolUse(JsonObject b, String p) {
        if (!(b.get("id") instanceof JsonString id) || id.getString().isEmpty()) {
            throw invalid(p + ".id", "Field required");
        }
        if (!(b.get("name") instanceof JsonString name)) {
            throw invalid(p + ".name", "Field required");
        }
        if (!(b.get("input") instanceof JsonObject input)) {
            throw invalid(p + ".input", "Input should be an object");
        }
        String arguments = input.toString();
        JsonObject json =
                JSON.createObjectBuilder()
                        .add("id", id.getString())
                        .add("type", "function")
                        .add(
                                "function",
                                JSON.createObjectBuilder()
                                        .add("name", name.getString())
                                        .add("arguments", arguments))
                        .build();
        return new ChatMessage.ToolCall(id.getString(), name.getString(), arguments, json);
    }

    /**
     * A tool result as chat's tool message: its text (a string, or text blocks joined). Chat has no
     * error flag, so {@code is_error} is not carried; images in a result are refused.
     */
    private static ChatMessage toolResult(JsonObject b, String p) {
        if (!(b.get("tool_use_id") instanceof JsonString id) || id.getString().isEmpty()) {
            throw invalid(p + ".tool_use_id", "Field required");
        }
        JsonValue c = b.get("content");
        String text;
        if (c == null || c == JsonValue.NULL) {
            text = "";
        } else if (c instanceof JsonString s) {
            text = s.getString();
        } else if (c instanceof JsonArray blocks) {
            List<ChatMessage.Part> parts = new ArrayList<>();
            for (int k = 0; k < blocks.size(); k++) {
                String bp = p + ".content." + k;
                JsonObject rb = block(blocks.get(k), bp);
                if (!"text".equals(rb.getString("type"))) {
                    throw invalid(bp + ".type", "only text blocks are supported in tool results");
                }
                parts.add(ChatMessage.Part.text(text(rb, bp)));
            }
            text = joined(parts);
        } else {
            throw invalid(p + ".content", "Input should be a string or an array of blocks");
        }
        return new ChatMessage("tool", text, null, null, null, id.getString(), null, false);
    }

    /**
     * {@code thinking}: {@code {type: disabled}}, or {@code {type: enabled, budget_tokens}} with a
     * budget of at least 1024 tokens and below {@code max_tokens} (Anthropic's rules).
     */
    private static void thinking(JsonObject req, long maxTokens) {
        if (!req.containsKey("thinking") || req.get("thinking") == JsonValue.NULL) {
            return;
        }
        if (!(req.get("thinking") instanceof JsonObject t)
                || !(t.get("type") instanceof JsonString type)) {
            throw invalid("thinking", "Input should be an object with a type");
        }
        for (String f : t.keySet()) {
            if (!f.equals("type") && !f.equals("budget_tokens")) {
                throw invalid("thinking." + f, "Extra inputs are not permitted");
            }
        }
        switch (type.getString()) {
            case "disabled" -> {
                if (t.containsKey("budget_tokens")) {
                    throw invalid("thinking.budget_tokens", "Extra inputs are not permitted");
                }
            }
            case "enabled" -> {
                if (!(t.get("budget_tokens") instanceof JsonNumber n)
                        || !n.isIntegral()
                        || n.bigDecimalValue().compareTo(BigDecimal.valueOf(1024)) < 0
                        || n.bigDecimalValue().compareTo(BigDecimal.valueOf(maxTokens)) >= 0) {
                    throw invalid(
                            "thinking.budget_tokens",
                            "Input should be an integer of at least 1024 and less than max_tokens");
                }
            }
            default -> throw invalid("thinking.type", "Input should be 'enabled' or 'disabled'");
        }
    }

    /** True when {@code thinking} asks for extended thinking. */
    static boolean thinkingEnabled(JsonObject req) {
        return req.get("thinking") instanceof JsonObject t
                && "enabled".equals(t.getString("type", ""));
    }

    /** A thinking block with its text and signature, or a redacted one with its data. */
    private static void thinkingBlock(JsonObject b, String p) {
        List<String> required =
                b.getString("type").equals("thinking")
                        ? List.of("thinking", "signature")
                        : List.of("data");
        for (String f : required) {
            if (!(b.get(f) instanceof JsonString)) {
                throw invalid(p + "." + f, "Field required (a string)");
            }
        }
        for (String f : b.keySet()) {
            if (!f.equals("type") && !required.contains(f)) {
                throw invalid(p + "." + f, "Extra inputs are not permitted");
            }
        }
    }

    private static BigDecimal number(JsonObject req, String f, int min, int max) {
        if (!req.containsKey(f)) {
            return null;
        }
        if (!(req.get(f) instanceof JsonNumber n)) {
            throw invalid(f, "Input should be a number");
        }
        BigDecimal v = n.bigDecimalValue();
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw invalid(f, "Input should be between " + min + " and " + max);
        }
        return v;
    }

    private static List<String> stopSequences(JsonObject req) {
        if (!req.containsKey("stop_sequences")) {
            return null;
        }
        // chat takes at most 4: more could not be translated
        if (!(req.get("stop_sequences") instanceof JsonArray a)
                || a.size() > 4
                || a.stream().anyMatch(v -> !(v instanceof JsonString))) {
            throw invalid("stop_sequences", "Input should be an array of at most 4 strings");
        }
        return a.isEmpty()
                ? null
                : a.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static String user(JsonObject req) {
        if (!req.containsKey("metadata") || req.get("metadata") == JsonValue.NULL) {
            return null;
        }
        if (!(req.get("metadata") instanceof JsonObject md)) {
            throw invalid("metadata", "Input should be an object");
        }
        for (String f : md.keySet()) {
            if (!f.equals("user_id")) {
                throw invalid("metadata." + f, "Extra inputs are not permitted");
            }
        }
        JsonValue u = md.get("user_id");
        if (u == null || u == JsonValue.NULL) {
            return null;
        }
        if (!(u instanceof JsonString s) || s.getString().length() > 256) {
            throw invalid("metadata.user_id", "Input should be a string of at most 256 characters");
        }
        return s.getString();
    }

    private static List<ChatRequest.Tool> tools(JsonObject req) {
        if (!req.containsKey("tools") || req.get("tools") == JsonValue.NULL) {
            return List.of();
        }
        if (!(req.get("tools") instanceof JsonArray a) || a.size() > MAX_TOOLS) {
            throw invalid("tools", "Input should be an array of at most " + MAX_TOOLS + " tools");
        }
        List<ChatRequest.Tool> tools = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            String p = "tools." + i;
            if (!(a.get(i) instanceof JsonObject t)) {
                throw invalid(p, "Input should be an object");
            }
            if (t.containsKey("type") && !"custom".equals(t.getString("type", ""))) {
                throw invalid(
                        p + ".type", "only custom (client) tools are supported, not server tools");
            }
            if (!(t.get("name") instanceof JsonString name)
                    || !TOOL_NAME.matcher(name.getString()).matches()) {
                throw invalid(p + ".name", "Input should match ^[a-zA-Z0-9_-]{1,64}$");
            }
            if (!(t.get("input_schema") instanceof JsonObject schema)) {
                throw invalid(p + ".input_schema", "Field required (an object)");
            }
            String description = null;
            if (t.containsKey("description")) {
                if (!(t.get("description") instanceof JsonString d)) {
                    throw invalid(p + ".description", "Input should be a string");
                }
                description = d.getString();
            }
            var fn = JSON.createObjectBuilder().add("name", name.getString());
            if (description != null) {
                fn.add("description", description);
            }
            fn.add("parameters", schema);
            JsonObject json =
                    JSON.createObjectBuilder().add("type", "function").add("function", fn).build();
            tools.add(new ChatRequest.Tool(name.getString(), description, schema, json));
        }
        return tools;
    }

    /** Anthropic's tool choice in chat's words: auto, required, none, or one function. */
    private static JsonValue toolChoice(JsonObject tc) {
        String type = tc.getString("type", "");
        return switch (type) {
            case "auto" -> JSON.createValue("auto");
            case "any" -> JSON.createValue("required");
            case "none" -> JSON.createValue("none");
            case "tool" -> {
                if (!(tc.get("name") instanceof JsonString n)) {
                    throw invalid("tool_choice.name", "Field required");
                }
                yield JSON.createObjectBuilder()
                        .add("type", "function")
                        .add("function", JSON.createObjectBuilder().add("name", n.getString()))
                        .build();
            }
            default -> throw invalid("tool_choice.type", "Input should be auto, any, tool or none");
        };
    }

    private static ValidationException invalid(String param, String message) {
        return new ValidationException(param, param + ": " + message);
    }
}
