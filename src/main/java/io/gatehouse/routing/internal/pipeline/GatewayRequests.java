package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.provider.BodyScan;
import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of the client's OpenAI-shaped requests (400 naming the {@code param}), before they are
 * read into the typed request ({@code provider.OpenAiChat}, which keeps only the fields a provider
 * may get), and the embeddings body sent upstream.
 *
 * <p>Long on purpose: every field of a chat body the adapters may forward as the client's bytes is
 * checked in this one place, so that a provider never reads a key or a type the stages did not.
 */
public final class GatewayRequests {
    // Json.createXxx() looks the provider up on every call (in Liberty: a ServiceLoader scan and a
    // failing Class.forName with its exception) and gets a new buffer pool each time; one lookup
    // per class keeps that off the per-request and per-chunk path (see docs/benchmarks.md).
    private static final JsonProvider JSON = JsonProvider.provider();
    public static final int MAX_MESSAGES = 2048;
    public static final int MAX_MESSAGE_CHARS = 1024 * 1024;
    public static final int MAX_TOOLS = 128;
    public static final int MAX_N = 8;
    public static final int MAX_EMBEDDING_INPUTS = 2048;
    private static final Set<String> ROLES =
            Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    /**
     * How a model names a managed prompt (the prompts stage's prefix; the stage API names none).
     */
    private static final String MANAGED_PROMPT = "prompt:";

    static final List<String> EMBEDDING_FIELDS = List.of("encoding_format", "dimensions", "user");

    private GatewayRequests() {}

    /**
     * A parsed request body: its text, its value, whether the text may hold characters that cannot
     * be stored ({@link JsonInput#scan}: then {@link #requireStorable} walks it), and the client's
     * bytes an adapter may forward (null when they must not be), all from one pass ({@link
     * BodyScan}) and the parse.
     */
    public record Body(String text, JsonObject json, boolean mayHoldUnstorable, ClientBytes bytes) {
        /**
         * 400 {@code unsupported_character} naming the first field with U+0000 or a lone surrogate.
         */
        public void requireStorable() {
            if (mayHoldUnstorable) {
                JsonInput.requireStorable(json);
            }
        }
    }

    public static JsonObject parse(String body) {
        Body b = read(body);
        b.requireStorable();
        return b.json();
    }

    /**
     * Nesting ({@link JsonInput#MAX_DEPTH}) and syntax; the caller checks storability once it has
     * noted what it needs for the audit event (the model).
     */
    public static Body read(String body) {
        if (body == null || body.isBlank()) {
            throw new ValidationException(
                    "invalid_json", null, "The request body must be a JSON object");
        }
        BodyScan.Result scan = BodyScan.scan(body); // the nesting limit first, as JsonInput.scan
        try {
            // the whole body: text after the object would be forwarded unchecked (issue 16)
            return new Body(
                    body, JsonInput.readObject(body), scan.mayHoldUnstorable(), scan.bytes());
        } catch (JsonInput.TrailingText e) {
            throw new ValidationException(
                    "invalid_json",
                    null,
                    "The request body must be one JSON object with nothing after it");
        } catch (JsonException | IllegalStateException e) {
            throw new ValidationException(
                    "invalid_json", null, "The request body must be a JSON object");
        }
    }

    static String model(JsonObject req) {
        if (!(req.get("model") instanceof JsonString s) || s.getString().isBlank()) {
            throw new ValidationException("model", "you must provide a model parameter");
        }
        if (s.getString().length() > 256) {
            throw new ValidationException("model", "model is too long");
        }
        return s.getString();
    }

    /** A chat body (and a dialect's body rendered as one): messages are required, non-empty. */
    public static void validateChat(JsonObject req) {
        validateChat(req, false);
    }

    /**
     * A chat body; with {@code messagesOptional} (a {@code /v1/chat/completions} body naming a
     * managed prompt, {@link #namesManagedPrompt}) {@code messages} may be absent, null or empty:
     * the prompt's rendered messages are then the whole conversation, and {@link #requireMessages}
     * refuses the request if the stages left none.
     */
    public static void validateChat(JsonObject req, boolean messagesOptional) {
        model(req);
        JsonValue given = req.get("messages");
        JsonArray messages;
        if (given instanceof JsonArray a && (!a.isEmpty() || messagesOptional)) {
            messages = a;
        } else if (messagesOptional && (given == null || given == JsonValue.NULL)) {
            messages = JsonValue.EMPTY_JSON_ARRAY;
        } else {
            throw new ValidationException("messages", "messages must be a non-empty array");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw new ValidationException(
                    "messages", "too many messages (at most " + MAX_MESSAGES + ")");
        }
        for (int i = 0; i < messages.size(); i++) {
            String p = messageParam(i);
            if (!(messages.get(i) instanceof JsonObject m)) {
                throw new ValidationException(p, p + " must be an object");
            }
            if (!(m.get("role") instanceof JsonString role) || !ROLES.contains(role.getString())) {
                throw new ValidationException(p + ".role", p + ".role must be one of " + ROLES);
            }
            JsonValue content = m.get("content");
            boolean hasToolCalls = m.get("tool_calls") instanceof JsonArray;
            if (content == null || content == JsonValue.NULL) {
                if (!(role.getString().equals("assistant") && hasToolCalls)) {
                    throw new ValidationException(p + ".content", p + ".content is required");
                }
            } else if (content instanceof JsonString s) {
                if (s.getString().length() > MAX_MESSAGE_CHARS) {
                    throw new ValidationException(p + ".content", p + ".content is too long");
                }
            } else if (content instanceof JsonArray parts) {
                int size = 0;
                for (int j = 0; j < parts.size(); j++) {
                    String pp = p + ".content[" + j + "]";
                    if (!(parts.get(j) instanceof JsonObject part)
                            || !(part.get("type") instanceof JsonString type)) {
                        throw new ValidationException(pp, pp + " must be an object with a type");
                    }
                    switch (type.getString()) {
                        case "text" -> {
                            if (!(part.get("text") instanceof JsonString t)) {
                                throw new ValidationException(
                                        pp + ".text", pp + ".text must be a string");
                            }
                            onlyKeys(part, TEXT_PART, pp);
                            size += t.getString().length();
                        }
                        case "image_url" -> {
                            if (!(part.get("image_url") instanceof JsonObject iu)
                                    || !(iu.get("url") instanceof JsonString)) {
                                throw new ValidationException(
                                        pp + ".image_url", pp + ".image_url.url is required");
                            }
                            onlyKeys(part, IMAGE_PART, pp);
                            onlyKeys(iu, IMAGE_URL, pp + ".image_url");
                            // forwarded as sent: one of OpenAI's values, not free text
                            JsonValue detail = iu.get("detail");
                            if (detail != null
                                    && detail != JsonValue.NULL
                                    && !(detail instanceof JsonString d
                                            && IMAGE_DETAIL.contains(d.getString()))) {
                                throw new ValidationException(
                                        pp + ".image_url.detail",
                                        pp + ".image_url.detail must be low, high or auto");
                            }
                        }
                        case "refusal" -> {
                            // an assistant's earlier refusal: its text is scanned by the input
                            // policy like the message's (nothing else of the part is forwarded)
                            if (!(part.get("refusal") instanceof JsonString t)) {
                                throw new ValidationException(
                                        pp + ".refusal", pp + ".refusal must be a string");
                            }
                            onlyKeys(part, REFUSAL_PART, pp);
                            size += t.getString().length();
                        }
                        default ->
                                throw new ValidationException(
                                        pp + ".type",
                                        "content part type "
                                                + type.getString()
                                                + " is not supported");
                    }
                }
                if (size > MAX_MESSAGE_CHARS) {
                    throw new ValidationException(p + ".content", p + ".content is too long");
                }
            } else {
                throw new ValidationException(
                        p + ".content", p + ".content must be a string or an array");
            }
            // typed where rendering reads a type: a value of another type would be dropped when
            // rendered but kept when the client's bytes are forwarded
            optional(m, "name", JsonValue.ValueType.STRING, p, "a string");
            optional(m, "tool_call_id", JsonValue.ValueType.STRING, p, "a string");
            optional(m, "refusal", JsonValue.ValueType.STRING, p, "a string");
            if (m.containsKey("tool_calls") && m.get("tool_calls") != JsonValue.NULL) {
                if (!(m.get("tool_calls") instanceof JsonArray calls)
                        || calls.stream().anyMatch(c -> !(c instanceof JsonObject))) {
                    throw new ValidationException(
                            p + ".tool_calls", p + ".tool_calls must be an array of objects");
                }
                for (int j = 0; j < calls.size(); j++) {
                    toolCall(calls.getJsonObject(j), p + ".tool_calls[" + j + "]");
                }
            }
            if (role.getString().equals("tool") && !(m.get("tool_call_id") instanceof JsonString)) {
                throw new ValidationException(
                        p + ".tool_call_id", "tool messages need tool_call_id");
            }
        }
        intRange(req, "n", 1, MAX_N);
        numberRange(req, "temperature", 0, 2);
        numberRange(req, "top_p", 0, 1);
        numberRange(req, "presence_penalty", -2, 2);
        numberRange(req, "frequency_penalty", -2, 2);
        intRange(req, "max_tokens", 1, 10_000_000);
        intRange(req, "max_completion_tokens", 1, 10_000_000);
        intRange(req, "top_logprobs", 0, 20);
        intRange(req, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (req.containsKey("logit_bias") && req.get("logit_bias") != JsonValue.NULL) {
            if (!(req.get("logit_bias") instanceof JsonObject lb)
                    || lb.values().stream().anyMatch(v -> !(v instanceof JsonNumber))) {
                throw new ValidationException(
                        "logit_bias", "logit_bias must be an object of token ids to numbers");
            }
        }
        booleanField(req, "stream");
        booleanField(req, "logprobs");
        booleanField(req, "parallel_tool_calls");
        JsonValue stop = req.get("stop");
        if (stop != null && stop != JsonValue.NULL) {
            if (stop instanceof JsonArray sa) {
                if (sa.size() > 4 || sa.stream().anyMatch(v -> !(v instanceof JsonString))) {
                    throw new ValidationException(
                            "stop", "stop must be a string or up to 4 strings");
                }
            } else if (!(stop instanceof JsonString)) {
                throw new ValidationException("stop", "stop must be a string or up to 4 strings");
            }
        }
        if (req.containsKey("stream_options") && req.get("stream_options") != JsonValue.NULL) {
            if (!(req.get("stream_options") instanceof JsonObject)) {
                throw new ValidationException("stream_options", "stream_options must be an object");
            }
            if (!req.getBoolean("stream", false)) {
                throw new ValidationException(
                        "stream_options", "stream_options is only allowed when stream is true");
            }
        }
        if (req.containsKey("user")
                && !(req.get("user") instanceof JsonString u && u.getString().length() <= 256)) {
            throw new ValidationException(
                    "user", "user must be a string of at most 256 characters");
        }
        if (req.containsKey("tools") && req.get("tools") != JsonValue.NULL) {
            if (!(req.get("tools") instanceof JsonArray tools) || tools.size() > MAX_TOOLS) {
                throw new ValidationException(
                        "tools", "tools must be an array of at most " + MAX_TOOLS);
            }
            for (int i = 0; i < tools.size(); i++) {
                String p = "tools[" + i + "]";
                if (!(tools.get(i) instanceof JsonObject t)
                        || !"function".equals(t.getString("type", ""))
                        || !(t.get("function") instanceof JsonObject fn)
                        || !(fn.get("name") instanceof JsonString name)
                        || !TOOL_NAME.matcher(name.getString()).matches()) {
                    throw new ValidationException(
                            p,
                            p + " must be {type: function, function: {name: [a-zA-Z0-9_-]{1,64}}}");
                }
                if (fn.containsKey("parameters") && !(fn.get("parameters") instanceof JsonObject)) {
                    throw new ValidationException(
                            p + ".function.parameters", "parameters must be an object");
                }
            }
        }
        if (req.containsKey("response_format") && req.get("response_format") != JsonValue.NULL) {
            if (!(req.get("response_format") instanceof JsonObject rf)
                    || !Set.of("text", "json_object", "json_schema")
                            .contains(rf.getString("type", ""))) {
                throw new ValidationException(
                        "response_format",
                        "response_format.type must be text, json_object or json_schema");
            }
        }
        if (req.containsKey("prompt_variables")
                && req.get("prompt_variables") != JsonValue.NULL
                && !(req.get("prompt_variables") instanceof JsonObject)) {
            throw new ValidationException("prompt_variables", "prompt_variables must be an object");
        }
    }

    /** True when the body's model names a managed prompt ({@code prompt:<name>[@<label>]}). */
    static boolean namesManagedPrompt(JsonObject req) {
        return req.get("model") instanceof JsonString s && s.getString().startsWith(MANAGED_PROMPT);
    }

    /**
     * After the stages that run before routing: a chat whose client sent no messages (a managed
     * prompt's) must have some now, else 400 {@code messages} as for any chat without them.
     */
    static void requireMessages(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            throw new ValidationException("messages", "messages must be a non-empty array");
        }
    }

    public static List<String> validateEmbeddings(JsonObject req) {
        model(req);
        JsonValue input = req.get("input");
        List<String> texts = new java.util.ArrayList<>();
        if (input instanceof JsonString s) {
            texts.add(s.getString());
        } else if (input instanceof JsonArray a
                && !a.isEmpty()
                && a.size() <= MAX_EMBEDDING_INPUTS) {
            for (JsonValue v : a) {
                if (!(v instanceof JsonString s)) {
                    throw new ValidationException(
                            "input", "input must be a string or an array of strings");
                }
                texts.add(s.getString());
            }
        } else {
            throw new ValidationException(
                    "input", "input must be a string or a non-empty array of at most 2048 strings");
        }
        if (req.containsKey("encoding_format")
                && !Set.of("float", "base64").contains(req.getString("encoding_format", ""))) {
            throw new ValidationException(
                    "encoding_format", "encoding_format must be float or base64");
        }
        intRange(req, "dimensions", 1, 65536);
        return texts;
    }

    /** What the request needs of a model, beyond its route's requirements. */
    static Set<String> requiredCapabilities(JsonObject req, String operation) {
        Set<String> caps = new HashSet<>();
        if (operation.equals("embeddings")) {
            caps.add("embeddings");
            return caps;
        }
        caps.add("chat");
        if (req.get("tools") instanceof JsonArray t && !t.isEmpty()) {
            caps.add("tools");
        }
        if (req.getBoolean("stream", false)) {
            caps.add("streaming");
        }
        if (req.get("response_format") instanceof JsonObject rf
                && !"text".equals(rf.getString("type", "text"))) {
            caps.add("json");
        }
        // absent when a managed prompt's messages are the whole conversation (they are text)
        JsonArray messages =
                req.get("messages") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        for (JsonValue m : messages) {
            if (m.asJsonObject().get("content") instanceof JsonArray parts) {
                for (JsonValue p : parts) {
                    if ("image_url".equals(p.asJsonObject().getString("type", ""))) {
                        caps.add("vision");
                    }
                }
            }
        }
        return caps;
    }

    static JsonObject upstreamEmbeddings(JsonObject req, List<ChatMessage> inputs) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        if (req.get("input") instanceof JsonString) {
            b.add("input", inputs.get(0).text());
        } else {
            JsonArrayBuilder a = JSON.createArrayBuilder();
            inputs.forEach(m -> a.add(m.text()));
            b.add("input", a);
        }
        for (String f : EMBEDDING_FIELDS) {
            if (req.containsKey(f) && req.get(f) != JsonValue.NULL) {
                b.add(f, req.get(f));
            }
        }
        return b.build();
    }

    private static void intRange(JsonObject req, String f, long min, long max) {
        JsonValue v = req.get(f);
        if (v == null || v == JsonValue.NULL) {
            return;
        }
        // compared as decimals: longValue() wraps (2^64 + 2 would pass as 2), and a BigInteger of
        // 1e1000000000 would not fit in memory
        if (!(v instanceof JsonNumber n)
                || !n.isIntegral()
                || n.bigDecimalValue().compareTo(BigDecimal.valueOf(min)) < 0
                || n.bigDecimalValue().compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new ValidationException(f, f + " must be an integer from " + min + " to " + max);
        }
    }

    private static final Set<String> TEXT_PART = Set.of("type", "text");
    private static final Set<String> IMAGE_PART = Set.of("type", "image_url");
    private static final Set<String> IMAGE_URL = Set.of("url", "detail");
    private static final Set<String> IMAGE_DETAIL = Set.of("low", "high", "auto");
    private static final Set<String> REFUSAL_PART = Set.of("type", "refusal");
    private static final Set<String> TOOL_CALL = Set.of("id", "type", "function");
    private static final Set<String> TOOL_CALL_FUNCTION = Set.of("name", "arguments");

    /**
     * A tool call of an assistant turn as the input policy reads it: a function call whose
     * arguments are a JSON text (a string) and which holds nothing else. An object as arguments,
     * another call type or an extra key would be forwarded with the client's bytes while the policy
     * scanned none of it.
     */
    private static void toolCall(JsonObject call, String p) {
        onlyKeys(call, TOOL_CALL, p);
        optional(call, "id", JsonValue.ValueType.STRING, p, "a string");
        if (call.containsKey("type") && !"function".equals(call.getString("type", ""))) {
            throw new ValidationException(p + ".type", p + ".type must be function");
        }
        if (!(call.get("function") instanceof JsonObject fn)) {
            throw new ValidationException(p + ".function", p + ".function must be an object");
        }
        onlyKeys(fn, TOOL_CALL_FUNCTION, p + ".function");
        optional(fn, "name", JsonValue.ValueType.STRING, p + ".function", "a string");
        optional(
                fn,
                "arguments",
                JsonValue.ValueType.STRING,
                p + ".function",
                "a string (the arguments as JSON text)");
    }

    /** 400 naming the first key of {@code o} outside {@code allowed}. */
    private static void onlyKeys(JsonObject o, Set<String> allowed, String p) {
        for (String k : o.keySet()) {
            if (!allowed.contains(k)) {
                throw new ValidationException(
                        p + "." + k,
                        p
                                + "."
                                + k
                                + " is not supported (allowed: "
                                + new java.util.TreeSet<>(allowed)
                                + ")");
            }
        }
    }

    /**
     * 400 naming {@code of.f} when field {@code f} of {@code o} is present, not null and not of
     * {@code type}. The parameter's name is built only then: this runs for every message.
     */
    private static void optional(
            JsonObject o, String f, JsonValue.ValueType type, String of, String what) {
        JsonValue v = o.get(f);
        if (v != null && v != JsonValue.NULL && v.getValueType() != type) {
            String param = of + "." + f;
            throw new ValidationException(param, param + " must be " + what);
        }
    }

    /** {@code messages[i]}, without building it per request for the first messages. */
    private static String messageParam(int i) {
        return i < MESSAGE_PARAMS.length ? MESSAGE_PARAMS[i] : "messages[" + i + "]";
    }

    private static final String[] MESSAGE_PARAMS = new String[64];

    static {
        for (int i = 0; i < MESSAGE_PARAMS.length; i++) {
            MESSAGE_PARAMS[i] = "messages[" + i + "]";
        }
    }

    private static void numberRange(JsonObject req, String f, double min, double max) {
        JsonValue v = req.get(f);
        if (v == null || v == JsonValue.NULL) {
            return;
        }
        if (!(v instanceof JsonNumber n) || n.doubleValue() < min || n.doubleValue() > max) {
            throw new ValidationException(f, f + " must be a number from " + min + " to " + max);
        }
    }

    private static void booleanField(JsonObject req, String f) {
        JsonValue v = req.get(f);
        if (v != null && v != JsonValue.NULL && v != JsonValue.TRUE && v != JsonValue.FALSE) {
            throw new ValidationException(f, f + " must be a boolean");
        }
    }

    /** Selected request headers for stages: never credentials. */
    static Map<String, String> stageHeaders(Map<String, String> all) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        all.forEach(
                (k, v) -> {
                    String n = k.toLowerCase(java.util.Locale.ROOT);
                    if (n.equals("user-agent")
                            || (n.startsWith("x-gatehouse-") && !n.contains("key"))) {
                        out.put(n, v);
                    }
                });
        return out;
    }
}
