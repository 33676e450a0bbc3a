package io.gatehouse.routing.internal.provider;

import io.gatehouse.shared.net.EgressPolicy;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Anthropic's Messages API ({@code <base>/v1/messages}, {@code x-api-key}, {@code
 * anthropic-version}), translated to and from OpenAI's shapes by {@link AnthropicTranslation}.
 * Option {@code defaultMaxTokens} (Anthropic requires max_tokens; default 1024), option {@code
 * anthropicVersion} (default 2023-06-01).
 */
public final class AnthropicAdapter implements ProviderAdapter {
    public static final String DEFAULT_BASE = "https://api.anthropic.com";
    private final HttpTransport http;
    private final EgressPolicy egress;

    public AnthropicAdapter(HttpTransport http, EgressPolicy egress) {
        this.http = http;
        this.egress = egress;
    }

    private URI uri(ProviderCall call) throws ProviderException {
        String base =
                call.provider().baseUrl() == null || call.provider().baseUrl().isBlank()
                        ? DEFAULT_BASE
                        : call.provider().baseUrl();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/v1")) {
            base = base.substring(0, base.length() - 3);
        }
        URI uri = URI.create(base + "/v1/messages");
        SsrfGuard.check(egress, call.provider().tenant(), uri);
        return uri;
    }

    private static Map<String, String> headers(ProviderCall call) {
        Map<String, String> h = new LinkedHashMap<>();
        if (call.credential() != null && !call.credential().isEmpty()) {
            h.put("x-api-key", call.credential());
        }
        h.put("anthropic-version", call.provider().optionString("anthropicVersion", "2023-06-01"));
        return h;
    }

    private static JsonObject body(ProviderCall call) {
        return AnthropicTranslation.request(
                call.chat(),
                call.model().name(),
                call.provider().optionLong("defaultMaxTokens", 1024));
    }

    @Override
    public JsonObject chat(ProviderCall call) throws ProviderException {
        JsonObject a = http.postJson(uri(call), headers(call), body(call), call.timeout());
        return AnthropicTranslation.response(a, call.model().name());
    }

    /**
     * A native call ({@link ProviderCall#nativeBody}) posts the client's Messages body as the
     * pipeline prepared it and keeps Anthropic's answer (and its text) beside its translation,
     * which the stages and the accounting read.
     */
    @Override
    public ChatAnswer answer(ProviderCall call) throws ProviderException {
        if (call.nativeBody() == null) {
            return ChatAnswer.of(chat(call), null);
        }
        HttpTransport.Raw a =
                http.postJsonRaw(uri(call), headers(call), nativeBytes(call), call.timeout());
        return ChatAnswer.ofNative(
                AnthropicTranslation.response(a.json(), call.model().name()), a.json(), a.text());
    }

    private static byte[] nativeBytes(ProviderCall call) {
        return call.nativeBody().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public ProviderStream stream(ProviderCall call) throws ProviderException {
        if (call.nativeBody() != null) {
            return new AnthropicNativeStream(
                    new SseReader(
                            http.postStream(
                                    uri(call), headers(call), nativeBytes(call), call.timeout())),
                    call.model().name());
        }
        boolean includeUsage = includeUsage(call.chat());
        SseReader sse =
                new SseReader(
                        http.postStream(uri(call), headers(call), body(call), call.timeout()));
        AnthropicTranslation.StreamState state =
                new AnthropicTranslation.StreamState(call.model().name(), includeUsage);
        return new ProviderStream() {
            final Deque<JsonObject> pending = new ArrayDeque<>();
            boolean stopped;

            @Override
            public Optional<JsonObject> next() throws ProviderException {
                while (pending.isEmpty()) {
                    if (stopped) {
                        return Optional.empty();
                    }
                    SseReader.Event e = sse.next();
                    if (e == null) {
                        throw new ProviderException(
                                ProviderException.Kind.CONNECT,
                                "provider stream ended before message_stop");
                    }
                    JsonObject data = HttpTransport.parseObject(e.data());
                    String type = e.name() != null ? e.name() : data.getString("type", "");
                    pending.addAll(AnthropicTranslation.streamEvent(type, data, state));
                    if (type.equals("message_stop")) {
                        stopped = true;
                    }
                }
                return Optional.of(pending.poll());
            }

            @Override
            public boolean hasBuffered() {
                return !pending.isEmpty() || (!stopped && sse.hasBuffered());
            }

            @Override
            public void close() {
                sse.close();
            }
        };
    }

    /** Usage in the last chunk: always for the gateway's streams (their wire asks for it). */
    static boolean includeUsage(io.gatehouse.routing.stage.ChatRequest r) {
        return r.streaming()
                || (r.streamOptions() != null
                        && r.streamOptions().getBoolean("include_usage", false));
    }

    /** The fields of a request that Anthropic's count_tokens takes (it refuses the others). */
    private static final List<String> COUNT_FIELDS =
            List.of("model", "messages", "system", "tools", "tool_choice");

    @Override
    public boolean countsTokens() {
        return true;
    }

    /**
     * Anthropic's own count ({@code <base>/v1/messages/count_tokens}) of the translated request.
     */
    @Override
    public OptionalLong countTokens(ProviderCall call) throws ProviderException {
        JsonObject full = body(call);
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (String f : COUNT_FIELDS) {
            if (full.containsKey(f)) {
                b.add(f, full.get(f));
            }
        }
        URI uri = URI.create(uri(call) + "/count_tokens");
        JsonObject a = http.postJson(uri, headers(call), b.build(), call.timeout());
        if (!(a.get("input_tokens") instanceof JsonNumber n)) {
            throw new ProviderException(
                    ProviderException.Kind.MALFORMED, "count_tokens answered no input_tokens");
        }
        return OptionalLong.of(n.longValue());
    }

    @Override
    public JsonObject embed(ProviderCall call) throws ProviderException {
        throw new ProviderException(
                ProviderException.Kind.CLIENT, 400, "Anthropic offers no embeddings", null);
    }
}
