package io.gatehouse.routing.internal.provider;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's chat completions shape, both ways: a (validated) request body read into the typed {@link
 * ChatRequest}, and the wire body rendered from one. Only the fields listed here are read, so only
 * they can reach a provider: whatever else a client sends ({@code api_base}, {@code base_url},
 * headers in the body, {@code prompt_variables}, ...) stays behind. {@link #wire} forwards the
 * client's own bytes instead of rendering when nothing changed and every field is listed.
 *
 * <p>Long on purpose: one dialect's request in one place, read and written field by field, so that
 * a field the gateway passes is mapped both ways side by side.
 */
public final class OpenAiChat {
    // Json.createXxx() looks the provider up on every call; one lookup per class.
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Top-level fields passed upstream for chat besides model and messages. */
    public static final List<String> CHAT_FIELDS =
            List.of(
                    "temperature",
                    "top_p",
                    "n",
                    "stream",
                    "stop",
                    "max_tokens",
                    "max_completion_tokens",
                    "presence_penalty",
                    "frequency_penalty",
                    "logit_bias",
                    "logprobs",
                    "top_logprobs",
                    "user",
                    "seed",
                    "tools",
                    "tool_choice",
                    "parallel_tool_calls",
                    "response_format",
                    "reasoning_effort");

    /** Message fields passed upstream. */
    public static final List<String> MESSAGE_FIELDS =
            List.of("role", "content", "name", "tool_calls", "tool_call_id", "refusal");

    /** Every top-level field the client's bytes may hold and still be forwarded. */
    private static final Set<String> FORWARDABLE = forwardable();

    private static final Set<String> FORWARDABLE_MESSAGE_FIELDS = Set.copyOf(MESSAGE_FIELDS);

    /** What the gateway asks of every streamed answer: usage, so that streams are accounted. */
    private static final String STREAM_OPTIONS = "\"stream_options\":{\"include_usage\":true}";

    private OpenAiChat() {}

    private static Set<String> forwardable() {
        List<String> l = new ArrayList<>(CHAT_FIELDS);
        l.add("model");
        l.add("messages");
        l.add("stream_options");
        return Set.copyOf(l);
    }

    /** A body rendered or forwarded for one attempt, and which of the two it was. */
    public record Wire(byte[] bytes, boolean forwarded) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * The wire body for {@code model}: the client's bytes with the model swapped when {@code
     * client} is given (the request is as the client sent it) and forwarding them says the same as
     * rendering would; otherwise the rendering of {@code request}.
     */
    public static Wire wire(ChatRequest request, ClientBytes client, String model) {
        if (client != null && forwardable(request, client)) {
            String first =
                    request.streaming() && !client.fields().contains("stream_options")
                            ? STREAM_OPTIONS
                            : null;
            return new Wire(
                    client.with(JSON.createValue(model).toString(), first)
                            .getBytes(StandardCharsets.UTF_8),
                    true);
        }
        return new Wire(render(request, model).toString().getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * True when the client's bytes carry nothing the rendering would drop or change: every field
     * listed, no top-level null (rendering leaves those out), no {@code stream_options} other than
     * the gateway's own.
     */
    static boolean forwardable(ChatRequest request, ClientBytes client) {
        if (client.nullField()
                || !FORWARDABLE.containsAll(client.fields())
                || !FORWARDABLE_MESSAGE_FIELDS.containsAll(client.messageFields())) {
            return false;
        }
        JsonObject so = request.streamOptions();
        return so == null
                || (request.streaming()
                        && so.size() == 1
                        && so.get("include_usage") == JsonValue.TRUE);
    }

    /** The typed request of a validated OpenAI chat body. */
    public static ChatRequest parse(JsonObject req) {
        List<ChatMessage> messages = new ArrayList<>();
        // absent only for a managed prompt's chat (GatewayRequests.validateChat)
        JsonArray given =
                req.get("messages") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        for (JsonValue v : given) {
            messages.add(message(v.asJsonObject()));
        }
        List<ChatRequest.Tool> tools = new ArrayList<>();
        if (req.get("tools") instanceof JsonArray ta) {
            for (JsonValue tv : ta) {
                JsonObject t = tv.asJsonObject();
                JsonObject fn = t.getJsonObject("function");
                tools.add(
                        new ChatRequest.Tool(
                                fn.getString("name"),
                                fn.get("description") instanceof JsonString d
                                        ? d.getString()
                                        : null,
                                fn.get("parameters") instanceof JsonObject p ? p : null,
                                t));
            }
        }
        return new ChatRequest(
                req.getString("model", null),
                messages,
                sampling(req),
                tools,
                value(req, "tool_choice"),
                bool(req, "parallel_tool_calls"),
                req.get("response_format") instanceof JsonObject rf ? rf : null,
                bool(req, "stream"),
                req.get("stream_options") instanceof JsonObject so ? so : null,
                req.get("user") instanceof JsonString u ? u.getString() : null,
                req.get("prompt_variables") instanceof JsonObject pv ? pv : null);
    }

    /**
     * The sampling parameters of a body; a value of the wrong type is left out (the client's were
     * validated; a managed prompt's defaults are only applied where well-typed).
     */
    public static ChatRequest.Sampling sampling(JsonObject req) {
        List<String> stop = null;
        if (req.get("stop") instanceof JsonString s) {
            stop = List.of(s.getString());
        } else if (req.get("stop") instanceof JsonArray a) {
            stop = new ArrayList<>();
            for (JsonValue v : a) {
                if (v instanceof JsonString s) {
                    stop.add(s.getString());
                }
            }
        }
        return new ChatRequest.Sampling(
                decimal(req, "temperature"),
                decimal(req, "top_p"),
                integer(req, "n"),
                integer(req, "max_tokens"),
                integer(req, "max_completion_tokens"),
                stop,
                integer(req, "seed"),
                decimal(req, "presence_penalty"),
                decimal(req, "frequency_penalty"),
                req.get("logit_bias") instanceof JsonObject lb ? lb : null,
                bool(req, "logprobs"),
                integer(req, "top_logprobs"),
                value(req, "reasoning_effort"),
                req.get("stop") instanceof JsonString);
    }

    /**
     * A managed prompt's default parameters applied where the request has none: a new request, or
     * the same one when there are no defaults. Streaming stays the client's choice.
     */
    public static ChatRequest withDefaults(ChatRequest r, Map<String, JsonValue> defaults) {
        if (defaults.isEmpty()) {
            return r;
        }
        JsonObjectBuilder b = JSON.createObjectBuilder();
        defaults.forEach(
                (k, v) -> {
                    if (CHAT_FIELDS.contains(k) && !k.equals("stream")) {
                        b.add(k, v);
                    }
                });
        JsonObject d = b.build();
        ChatRequest.Sampling s = r.sampling();
        ChatRequest.Sampling ds = sampling(d);
        ChatRequest.Sampling merged =
                new ChatRequest.Sampling(
                        or(s.temperature(), ds.temperature()),
                        or(s.topP(), ds.topP()),
                        or(s.n(), ds.n()),
                        or(s.maxTokens(), ds.maxTokens()),
                        or(s.maxCompletionTokens(), ds.maxCompletionTokens()),
                        or(s.stop(), ds.stop()),
                        or(s.seed(), ds.seed()),
                        or(s.presencePenalty(), ds.presencePenalty()),
                        or(s.frequencyPenalty(), ds.frequencyPenalty()),
                        or(s.logitBias(), ds.logitBias()),
                        or(s.logprobs(), ds.logprobs()),
                        or(s.topLogprobs(), ds.topLogprobs()),
                        or(s.reasoningEffort(), ds.reasoningEffort()),
                        s.stop() != null ? s.stopIsString() : ds.stopIsString());
        List<ChatRequest.Tool> tools = r.tools();
        if (tools.isEmpty() && d.get("tools") instanceof JsonArray) {
            try {
                tools =
                        parse(
                                        JSON.createObjectBuilder(d)
                                                .add("messages", JSON.createArrayBuilder())
                                                .build())
                                .tools();
            } catch (RuntimeException e) {
                // a default tool list that is not well-formed is left out, as any ill-typed default
            }
        }
        return new ChatRequest(
                r.model(),
                r.messages(),
                merged,
                tools,
                or(r.toolChoice(), value(d, "tool_choice")),
                or(r.parallelToolCalls(), bool(d, "parallel_tool_calls")),
                or(r.responseFormat(), d.get("response_format") instanceof JsonObject o ? o : null),
                r.stream(),
                r.streamOptions(),
                or(r.user(), d.get("user") instanceof JsonString u ? u.getString() : null),
                r.promptVariables());
    }

    private static <T> T or(T mine, T fallback) {
        return mine != null ? mine : fallback;
    }

    static ChatMessage message(JsonObject m) {
        JsonValue content = m.get("content");
        List<ChatMessage.Part> parts = null;
        if (content instanceof JsonArray a) {
            parts = new ArrayList<>();
            for (JsonValue pv : a) {
                JsonObject p = pv.asJsonObject();
                parts.add(new ChatMessage.Part(p.getString("type", ""), p));
            }
        }
        List<ChatMessage.ToolCall> calls = null;
        if (m.get("tool_calls") instanceof JsonArray ca) {
            calls = new ArrayList<>();
            for (JsonValue cv : ca) {
                JsonObject c = cv.asJsonObject();
                JsonObject fn =
                        c.get("function") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
                calls.add(
                        new ChatMessage.ToolCall(
                                c.get("id") instanceof JsonString id ? id.getString() : null,
                                fn.get("name") instanceof JsonString n ? n.getString() : null,
                                fn.get("arguments") instanceof JsonString s ? s.getString() : null,
                                c));
            }
        }
        return new ChatMessage(
                m.getString("role"),
                content instanceof JsonString s ? s.getString() : null,
                parts,
                m.get("name") instanceof JsonString n ? n.getString() : null,
                calls,
                m.get("tool_call_id") instanceof JsonString id ? id.getString() : null,
                m.get("refusal"),
                false,
                !m.containsKey("content"));
    }

    /**
     * The OpenAI wire body of a request for {@code model} (none when null: the answer cache's key).
     * A streamed request always asks for usage: streams are accounted too.
     */
    public static JsonObject render(ChatRequest r, String model) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        if (model != null) {
            b.add("model", model);
        }
        JsonArrayBuilder msgs = JSON.createArrayBuilder();
        for (ChatMessage m : r.messages()) {
            msgs.add(render(m));
        }
        b.add("messages", msgs);
        ChatRequest.Sampling s = r.sampling();
        add(b, "temperature", s.temperature());
        add(b, "top_p", s.topP());
        add(b, "n", s.n());
        if (r.stream() != null && !r.streaming()) {
            b.add("stream", false);
        }
        if (s.stopIsString()) {
            b.add("stop", s.stop().get(0));
        } else if (s.stop() != null) {
            b.add("stop", JSON.createArrayBuilder(s.stop()));
        }
        add(b, "max_tokens", s.maxTokens());
        add(b, "max_completion_tokens", s.maxCompletionTokens());
        add(b, "presence_penalty", s.presencePenalty());
        add(b, "frequency_penalty", s.frequencyPenalty());
        add(b, "logit_bias", s.logitBias());
        if (s.logprobs() != null) {
            b.add("logprobs", s.logprobs());
        }
        add(b, "top_logprobs", s.topLogprobs());
        if (r.user() != null) {
            b.add("user", r.user());
        }
        add(b, "seed", s.seed());
        if (!r.tools().isEmpty()) {
            JsonArrayBuilder tb = JSON.createArrayBuilder();
            r.tools().forEach(t -> tb.add(t.json()));
            b.add("tools", tb);
        }
        add(b, "tool_choice", r.toolChoice());
        if (r.parallelToolCalls() != null) {
            b.add("parallel_tool_calls", r.parallelToolCalls());
        }
        add(b, "response_format", r.responseFormat());
        add(b, "reasoning_effort", s.reasoningEffort());
        if (r.streaming()) {
            b.add("stream", true);
            b.add("stream_options", JSON.createObjectBuilder().add("include_usage", true));
        }
        return b.build();
    }

    static JsonObject render(ChatMessage m) {
        JsonObjectBuilder mb = JSON.createObjectBuilder().add("role", m.role());
        if (m.content() != null) {
            mb.add("content", m.content());
        } else if (m.parts() != null) {
            JsonArrayBuilder pb = JSON.createArrayBuilder();
            m.parts().forEach(p -> pb.add(p.json()));
            mb.add("content", pb);
        } else if (!m.contentAbsent()) {
            mb.addNull("content");
        }
        if (m.name() != null) {
            mb.add("name", m.name());
        }
        if (m.toolCalls() != null) {
            JsonArrayBuilder cb = JSON.createArrayBuilder();
            m.toolCalls().forEach(c -> cb.add(c.json()));
            mb.add("tool_calls", cb);
        }
        if (m.toolCallId() != null) {
            mb.add("tool_call_id", m.toolCallId());
        }
        if (m.refusal() != null) {
            mb.add("refusal", m.refusal());
        }
        return mb.build();
    }

    private static void add(JsonObjectBuilder b, String field, Object v) {
        if (v == null || v == JsonValue.NULL) {
            return;
        }
        if (v instanceof BigDecimal d) {
            b.add(field, d);
        } else if (v instanceof Long l) {
            b.add(field, l);
        } else {
            b.add(field, (JsonValue) v);
        }
    }

    private static JsonValue value(JsonObject o, String f) {
        JsonValue v = o.get(f);
        return v == null || v == JsonValue.NULL ? null : v;
    }

    private static Boolean bool(JsonObject o, String f) {
        JsonValue v = o.get(f);
        return v == JsonValue.TRUE ? Boolean.TRUE : v == JsonValue.FALSE ? Boolean.FALSE : null;
    }

    private static BigDecimal decimal(JsonObject o, String f) {
        return o.get(f) instanceof JsonNumber n ? n.bigDecimalValue() : null;
    }

    private static Long integer(JsonObject o, String f) {
        // a seed beyond 64 bits is left out rather than failing the request
        return o.get(f) instanceof JsonNumber n
                        && n.isIntegral()
                        && n.bigIntegerValue().bitLength() < 64
                ? n.longValue()
                : null;
    }
}
