package io.gatehouse.routing.internal.provider;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.shared.JsonInput;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates between OpenAI chat completions and Anthropic's Messages API, both ways: system
 * messages, text and image parts, tools and tool calls, tool results, stop reasons, usage, and the
 * streaming events. Pure functions; the streaming side keeps per-stream state in {@link
 * StreamState}.
 *
 * <p>Long on purpose: both directions of one dialect, answers and stream events, kept together so
 * that each field is mapped both ways in one place.
 */
public final class AnthropicTranslation {
    private AnthropicTranslation() {}

    /** OpenAI request body -> Anthropic Messages request (through the typed model). */
    public static JsonObject request(JsonObject openai, String model, long defaultMaxTokens) {
        return request(OpenAiChat.parse(openai), model, defaultMaxTokens);
    }

    /** The typed request -> Anthropic Messages request. */
    public static JsonObject request(ChatRequest r, String model, long defaultMaxTokens) {
        JsonObjectBuilder out = Json.createObjectBuilder().add("model", model);
        StringBuilder system = new StringBuilder();
        List<String> roles = new ArrayList<>();
        List<JsonArrayBuilder> contents = new ArrayList<>();
        for (ChatMessage m : r.messages()) {
            switch (m.role()) {
                case "system", "developer" -> {
                    if (system.length() > 0) {
                        system.append("\n\n");
                    }
                    system.append(m.text());
                }
                case "tool" -> {
                    JsonObject block =
                            Json.createObjectBuilder()
                                    .add("type", "tool_result")
                                    .add(
                                            "tool_use_id",
                                            m.toolCallId() == null ? "" : m.toolCallId())
                                    .add("content", m.text())
                                    .build();
                    append(roles, contents, "user", block);
                }
                case "assistant" -> {
                    String text = m.text();
                    if (!text.isEmpty()) {
                        append(
                                roles,
                                contents,
                                "assistant",
                                Json.createObjectBuilder()
                                        .add("type", "text")
                                        .add("text", text)
                                        .build());
                    }
                    if (m.toolCalls() != null) {
                        for (ChatMessage.ToolCall call : m.toolCalls()) {
                            append(
                                    roles,
                                    contents,
                                    "assistant",
                                    Json.createObjectBuilder()
                                            .add("type", "tool_use")
                                            .add("id", call.id() == null ? "" : call.id())
                                            .add("name", call.name() == null ? "" : call.name())
                                            .add(
                                                    "input",
                                                    parseArguments(
                                                            call.arguments() == null
                                                                    ? "{}"
                                                                    : call.arguments()))
                                            .build());
                        }
                    }
                }
                default -> {
                    for (JsonObject block : userBlocks(m)) {
                        append(roles, contents, "user", block);
                    }
                }
            }
        }
        JsonArrayBuilder messages = Json.createArrayBuilder();
        for (int i = 0; i < roles.size(); i++) {
            messages.add(
                    Json.createObjectBuilder()
                            .add("role", roles.get(i))
                            .add("content", contents.get(i)));
        }
        out.add("messages", messages);
        if (system.length() > 0) {
            out.add("system", system.toString());
        }
        ChatRequest.Sampling s = r.sampling();
        out.add("max_tokens", s.maxOutput() != null ? s.maxOutput() : defaultMaxTokens);
        if (s.temperature() != null) {
            // OpenAI's range is 0..2, Anthropic's 0..1.
            out.add("temperature", Math.min(1.0, s.temperature().doubleValue()));
        }
        if (s.topP() != null) {
            out.add("top_p", s.topP().doubleValue());
        }
        if (s.stop() != null && !s.stop().isEmpty()) {
            out.add("stop_sequences", Json.createArrayBuilder(s.stop()));
        }
        if (r.user() != null) {
            out.add("metadata", Json.createObjectBuilder().add("user_id", r.user()));
        }
        if (!r.tools().isEmpty()) {
            JsonArrayBuilder t = Json.createArrayBuilder();
            for (ChatRequest.Tool tv : r.tools()) {
                JsonObjectBuilder tool = Json.createObjectBuilder().add("name", tv.name());
                if (tv.description() != null) {
                    tool.add("description", tv.description());
                }
                tool.add(
                        "input_schema",
                        tv.parameters() != null
                                ? tv.parameters()
                                : Json.createObjectBuilder().add("type", "object").build());
                t.add(tool);
            }
            out.add("tools", t);
            JsonValue choice = r.toolChoice();
            if (choice instanceof JsonString cs) {
                switch (cs.getString()) {
                    case "required" ->
                            out.add("tool_choice", Json.createObjectBuilder().add("type", "any"));
                    case "none" ->
                            out.add("tool_choice", Json.createObjectBuilder().add("type", "none"));
                    default ->
                            out.add("tool_choice", Json.createObjectBuilder().add("type", "auto"));
                }
            } else if (choice instanceof JsonObject co
                    && co.get("function") instanceof JsonObject f) {
                out.add(
                        "tool_choice",
                        Json.createObjectBuilder()
                                .add("type", "tool")
                                .add("name", f.getString("name", "")));
            }
        }
        if (r.streaming()) {
            out.add("stream", true);
        }
        return out.build();
    }

    private static void append(
            List<String> roles, List<JsonArrayBuilder> contents, String role, JsonObject block) {
        // Anthropic wants user and assistant turns to alternate: merge consecutive same-role
        // blocks.
        if (!roles.isEmpty() && roles.get(roles.size() - 1).equals(role)) {
            contents.get(contents.size() - 1).add(block);
        } else {
            roles.add(role);
            contents.add(Json.createArrayBuilder().add(block));
        }
    }

    private static List<JsonObject> userBlocks(ChatMessage m) {
        List<JsonObject> out = new ArrayList<>();
        if (m.parts() == null) {
            if (m.content() != null) {
                out.add(
                        Json.createObjectBuilder()
                                .add("type", "text")
                                .add("text", m.content())
                                .build());
            }
            return out;
        }
        for (ChatMessage.Part p : m.parts()) {
            if (p.isText()) {
                out.add(
                        Json.createObjectBuilder()
                                .add("type", "text")
                                .add("text", p.text())
                                .build());
            } else if (p.imageUrl() != null) {
                String url = p.imageUrl();
                JsonObjectBuilder source = Json.createObjectBuilder();
                if (url.startsWith("data:") && url.contains(";base64,")) {
                    int semi = url.indexOf(';');
                    source.add("type", "base64")
                            .add("media_type", url.substring(5, semi))
                            .add("data", url.substring(url.indexOf(',') + 1));
                } else {
                    source.add("type", "url").add("url", url);
                }
                out.add(
                        Json.createObjectBuilder()
                                .add("type", "image")
                                .add("source", source)
                                .build());
            }
            // other part types have no Anthropic equivalent; validation keeps them out
        }
        return out;
    }

    private static JsonValue parseArguments(String args) {
        try {
            // the whole text: arguments with text after the object are kept raw, not cut
            return JsonInput.readObject(args.isBlank() ? "{}" : args);
        } catch (RuntimeException e) {
            return Json.createObjectBuilder().add("_raw", args).build();
        }
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /** Anthropic Messages response -> OpenAI chat.completion. */
    public static JsonObject response(JsonObject a, String model) throws ProviderException {
        if (!(a.get("content") instanceof JsonArray content)) {
            throw new ProviderException(
                    ProviderException.Kind.MALFORMED, 502, "provider answer has no content", null);
        }
        StringBuilder text = new StringBuilder();
        JsonArrayBuilder calls = Json.createArrayBuilder();
        boolean anyCall = false;
        for (JsonValue bv : content) {
            JsonObject b = bv.asJsonObject();
            switch (b.getString("type", "")) {
                case "text" -> text.append(b.getString("text", ""));
                case "tool_use" -> {
                    anyCall = true;
                    calls.add(
                            Json.createObjectBuilder()
                                    .add("id", b.getString("id", ""))
                                    .add("type", "function")
                                    .add(
                                            "function",
                                            Json.createObjectBuilder()
                                                    .add("name", b.getString("name", ""))
                                                    .add(
                                                            "arguments",
                                                            b.containsKey("input")
                                                                    ? b.get("input").toString()
                                                                    : "{}")));
                }
                default -> {}
            }
        }
        JsonObjectBuilder message = Json.createObjectBuilder().add("role", "assistant");
        if (text.length() > 0 || !anyCall) {
            message.add("content", text.toString());
        } else {
            message.addNull("content");
        }
        if (anyCall) {
            message.add("tool_calls", calls);
        }
        JsonObject usage = a.getJsonObject("usage");
        long in = usage == null ? 0 : usage.getJsonNumber("input_tokens").longValue();
        long out = usage == null ? 0 : usage.getJsonNumber("output_tokens").longValue();
        JsonObjectBuilder choice =
                Json.createObjectBuilder()
                        .add("index", 0)
                        .add("message", message)
                        .add("finish_reason", finishReason(a.getString("stop_reason", "end_turn")));
        addStopSequence(choice, a);
        JsonObjectBuilder result =
                Json.createObjectBuilder()
                        .add("id", a.getString("id", "msg"))
                        .add("object", "chat.completion")
                        .add("created", System.currentTimeMillis() / 1000)
                        .add("model", a.getString("model", model))
                        .add("choices", Json.createArrayBuilder().add(choice));
        if (usage != null) {
            result.add(
                    "usage",
                    Json.createObjectBuilder()
                            .add("prompt_tokens", in)
                            .add("completion_tokens", out)
                            .add("total_tokens", in + out));
        }
        return result.build();
    }

    /**
     * The stop sequence that ended the answer ({@code stop_reason: stop_sequence}), on the chat
     * choice as {@code stop_sequence}: chat's shape has no field for it, and the Messages dialect
     * gives it back to its clients.
     */
    private static void addStopSequence(JsonObjectBuilder choice, JsonObject stop) {
        if ("stop_sequence".equals(stop.getString("stop_reason", ""))
                && stop.get("stop_sequence") instanceof JsonString seq) {
            choice.add("stop_sequence", seq);
        }
    }

    /** Per-stream state: message id, token counts, and which content block is which tool call. */
    public static final class StreamState {
        String id = "msg";
        String model;
        long created = System.currentTimeMillis() / 1000;
        long inputTokens;
        long outputTokens;
        boolean usageSeen;
        final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
        int nextToolIndex;
        boolean includeUsage;

        public StreamState(String model, boolean includeUsage) {
            this.model = model;
            this.includeUsage = includeUsage;
        }
    }

    /**
     * One Anthropic stream event -> zero or more OpenAI chunks. {@code message_stop} yields the
     * final usage chunk (when asked for); an {@code error} event throws.
     */
    public static List<JsonObject> streamEvent(String type, JsonObject data, StreamState s)
            throws ProviderException {
        List<JsonObject> out = new ArrayList<>();
        switch (type) {
            case "message_start" -> {
                JsonObject msg = data.getJsonObject("message");
                if (msg != null) {
                    s.id = msg.getString("id", s.id);
                    s.model = msg.getString("model", s.model);
                    if (msg.get("usage") instanceof JsonObject u) {
                        s.inputTokens = u.getJsonNumber("input_tokens").longValue();
                        s.usageSeen = true;
                        if (u.containsKey("output_tokens")) {
                            s.outputTokens = u.getJsonNumber("output_tokens").longValue();
                        }
                    }
                }
                out.add(
                        chunk(
                                s,
                                Json.createObjectBuilder()
                                        .add("role", "assistant")
                                        .add("content", ""),
                                null));
            }
            case "content_block_start" -> {
                JsonObject block = data.getJsonObject("content_block");
                int index = data.getInt("index", 0);
                if (block != null && "tool_use".equals(block.getString("type", ""))) {
                    int ti = s.nextToolIndex++;
                    s.toolIndexByBlock.put(index, ti);
                    out.add(
                            chunk(
                                    s,
                                    Json.createObjectBuilder()
                                            .add(
                                                    "tool_calls",
                                                    Json.createArrayBuilder()
                                                            .add(
                                                                    Json.createObjectBuilder()
                                                                            .add("index", ti)
                                                                            .add(
                                                                                    "id",
                                                                                    block.getString(
                                                                                            "id",
                                                                                            ""))
                                                                            .add("type", "function")
                                                                            .add(
                                                                                    "function",
                                                                                    Json
                                                                                            .createObjectBuilder()
                                                                                            .add(
                                                                                                    "name",
                                                                                                    block
                                                                                                            .getString(
                                                                                                                    "name",
                                                                                                                    ""))
                                                                                            .add(
                                                                                                    "arguments",
                                                                                                    "")))),
                                    null));
                } else if (block != null
                        && "text".equals(block.getString("type", ""))
                        && !block.getString("text", "").isEmpty()) {
                    out.add(
                            chunk(
                                    s,
                                    Json.createObjectBuilder()
                                            .add("content", block.getString("text")),
                                    null));
                }
            }
            case "content_block_delta" -> {
                JsonObject delta = data.getJsonObject("delta");
                int index = data.getInt("index", 0);
                String dt = delta == null ? "" : delta.getString("type", "");
                if (dt.equals("text_delta")) {
                    out.add(
                            chunk(
                                    s,
                                    Json.createObjectBuilder()
                                            .add("content", delta.getString("text", "")),
                                    null));
                } else if (dt.equals("input_json_delta")) {
                    Integer ti = s.toolIndexByBlock.get(index);
                    if (ti != null) {
                        out.add(
                                chunk(
                                        s,
                                        Json.createObjectBuilder()
                                                .add(
                                                        "tool_calls",
                                                        Json.createArrayBuilder()
                                                                .add(
                                                                        Json.createObjectBuilder()
                                                                                .add("index", ti)
                                                                                .add(
                                                                                        "function",
                                                                                        Json
                                                                                                .createObjectBuilder()
                                                                                                .add(
                                                                                                        "arguments",
                                                                                                        delta
                                                                                                                .getString(
                                                                                                                        "partial_json",
                                                                                                                        ""))))),
                                        null));
                    }
                }
            }
            case "message_delta" -> {
                if (data.get("usage") instanceof JsonObject u && u.containsKey("output_tokens")) {
                    s.outputTokens = u.getJsonNumber("output_tokens").longValue();
                    s.usageSeen = true;
                }
                JsonObject delta = data.getJsonObject("delta");
                String stop = delta == null ? null : delta.getString("stop_reason", null);
                if (stop != null) {
                    JsonObject c = chunk(s, Json.createObjectBuilder(), finishReason(stop));
                    JsonObjectBuilder choice =
                            Json.createObjectBuilder(c.getJsonArray("choices").getJsonObject(0));
                    addStopSequence(choice, delta);
                    out.add(
                            Json.createObjectBuilder(c)
                                    .add("choices", Json.createArrayBuilder().add(choice))
                                    .build());
                }
            }
            case "message_stop" -> {
                if (s.includeUsage && s.usageSeen) {
                    out.add(
                            Json.createObjectBuilder()
                                    .add("id", s.id)
                                    .add("object", "chat.completion.chunk")
                                    .add("created", s.created)
                                    .add("model", s.model)
                                    .add("choices", JsonValue.EMPTY_JSON_ARRAY)
                                    .add(
                                            "usage",
                                            Json.createObjectBuilder()
                                                    .add("prompt_tokens", s.inputTokens)
                                                    .add("completion_tokens", s.outputTokens)
                                                    .add(
                                                            "total_tokens",
                                                            s.inputTokens + s.outputTokens))
                                    .build());
                }
            }
            case "error" -> {
                String msg =
                        data.get("error") instanceof JsonObject e
                                ? e.getString("message", "error")
                                : "error";
                throw new ProviderException(
                        ProviderException.Kind.SERVER, 502, "provider stream error: " + msg, null);
            }
            default -> {
                // ping, content_block_stop and future event types carry nothing for the client
            }
        }
        return out;
    }

    private static JsonObject chunk(StreamState s, JsonObjectBuilder delta, String finish) {
        JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
        if (finish == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finish);
        }
        return Json.createObjectBuilder()
                .add("id", s.id)
                .add("object", "chat.completion.chunk")
                .add("created", s.created)
                .add("model", s.model)
                .add("choices", Json.createArrayBuilder().add(choice))
                .build();
    }
}
