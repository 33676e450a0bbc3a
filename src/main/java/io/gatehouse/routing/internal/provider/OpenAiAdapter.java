package io.gatehouse.routing.internal.provider;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.shared.net.EgressPolicy;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's API and everything compatible with it (vLLM, Ollama, Mistral, LM Studio, ...), and Azure
 * OpenAI: {@code <base>/openai/deployments/<model>/...?api-version=<option apiVersion>} with the
 * {@code api-key} header. Only the gateway's own body and headers reach the provider.
 */
public final class OpenAiAdapter implements ProviderAdapter {
    public static final String DEFAULT_BASE = "https://api.openai.com/v1";
    public static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";
    private final HttpTransport http;
    private final EgressPolicy egress;

    public OpenAiAdapter(HttpTransport http, EgressPolicy egress) {
        this.http = http;
        this.egress = egress;
    }

    static URI endpoint(Provider p, String model, String operation) {
        boolean azure = "azure-openai".equals(p.kind());
        String base = p.baseUrl() == null || p.baseUrl().isBlank() ? DEFAULT_BASE : p.baseUrl();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String path =
                switch (operation) {
                    case "embeddings" -> "/embeddings";
                    case "moderations" -> "/moderations";
                    case "classify" -> "/classify";
                    case "responses" -> "/responses";
                    default -> "/chat/completions";
                };
        if (azure) {
            String version = p.optionString("apiVersion", DEFAULT_AZURE_API_VERSION);
            return URI.create(
                    base
                            + "/openai/deployments/"
                            + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
                            + path
                            + "?api-version="
                            + URLEncoder.encode(version, StandardCharsets.UTF_8));
        }
        return URI.create(base + path);
    }

    static Map<String, String> headers(ProviderCall call) {
        Map<String, String> h = new LinkedHashMap<>();
        String cred = call.credential();
        if (cred != null && !cred.isEmpty()) {
            if ("azure-openai".equals(call.provider().kind())) {
                h.put("api-key", cred);
            } else {
                h.put("Authorization", "Bearer " + cred);
            }
        }
        return h;
    }

    private URI checked(ProviderCall call, String operation) throws ProviderException {
        URI uri = endpoint(call.provider(), call.model().name(), operation);
        SsrfGuard.check(egress, call.provider().tenant(), uri);
        return uri;
    }

    /**
     * This attempt's body: the client's bytes with the model swapped when no stage changed the
     * request and every field is on the allow-list ({@link OpenAiChat#wire}), else rendered.
     */
    static OpenAiChat.Wire wire(ProviderCall call) {
        return OpenAiChat.wire(call.chat(), call.clientBytes(), call.model().name());
    }

    @Override
    public JsonObject chat(ProviderCall call) throws ProviderException {
        return answer(call).json();
    }

    @Override
    public ChatAnswer answer(ProviderCall call) throws ProviderException {
        if (call.nativeBody() != null) {
            // a Responses request to a provider with option responsesApi: its /responses endpoint
            HttpTransport.Raw r =
                    http.postJsonRaw(
                            checked(call, "responses"),
                            headers(call),
                            call.nativeBody().getBytes(StandardCharsets.UTF_8),
                            call.timeout());
            return ChatAnswer.ofNative(
                    ResponsesTranslation.toChat(r.json(), call.model().name()), r.json(), r.text());
        }
        HttpTransport.Raw answer =
                http.postJsonRaw(
                        checked(call, "chat"), headers(call), wire(call).bytes(), call.timeout());
        if (!(answer.json().get("choices") instanceof JsonArray choices) || choices.isEmpty()) {
            throw new ProviderException(
                    ProviderException.Kind.MALFORMED, 502, "provider answer has no choices", null);
        }
        return ChatAnswer.of(answer.json(), answer.text());
    }

    @Override
    public ProviderStream stream(ProviderCall call) throws ProviderException {
        if (call.nativeBody() != null) {
            // a Responses stream to a provider with option responsesApi: relayed event by event
            return new ResponsesNativeStream(
                    new SseReader(
                            http.postStream(
                                    checked(call, "responses"),
                                    headers(call),
                                    call.nativeBody().getBytes(StandardCharsets.UTF_8),
                                    call.timeout())),
                    call.model().name());
        }
        SseReader sse =
                new SseReader(
                        http.postStream(
                                checked(call, "chat"),
                                headers(call),
                                wire(call).bytes(),
                                call.timeout()));
        return new ProviderStream() {
            boolean done;
            JsonObject lastChunk;
            String lastRaw;

            @Override
            public Optional<JsonObject> next() throws ProviderException {
                if (done) {
                    return Optional.empty();
                }
                while (true) {
                    SseReader.Event e = sse.next();
                    if (e == null) {
                        // A stream that ends without [DONE] was cut.
                        throw new ProviderException(
                                ProviderException.Kind.CONNECT,
                                "provider stream ended before [DONE]");
                    }
                    if (e.data().isBlank()) {
                        continue;
                    }
                    if (e.data().trim().equals("[DONE]")) {
                        done = true;
                        return Optional.empty();
                    }
                    JsonObject chunk = HttpTransport.parseObject(e.data());
                    if (chunk.containsKey("error")) {
                        throw new ProviderException(
                                ProviderException.Kind.SERVER,
                                502,
                                HttpTransport.providerMessage(502, e.data())
                                        .replace("HTTP 502", "a stream error"),
                                null);
                    }
                    lastChunk = chunk;
                    String data = e.data();
                    lastRaw = data.indexOf('\n') < 0 && JsonKeys.forwardable(data) ? data : null;
                    return Optional.of(chunk);
                }
            }

            @Override
            public String raw(JsonObject chunk) {
                return chunk == lastChunk ? lastRaw : null;
            }

            @Override
            public boolean hasBuffered() {
                return !done && sse.hasBuffered();
            }

            @Override
            public void close() {
                sse.close();
            }
        };
    }

    /**
     * A guard model's endpoint ({@code moderations} or {@code classify}) under the provider's base
     * URL: the answer object as it came, checked by the caller.
     */
    public JsonObject guard(ProviderCall call, String operation) throws ProviderException {
        return http.postJson(checked(call, operation), headers(call), call.body(), call.timeout());
    }

    @Override
    public JsonObject embed(ProviderCall call) throws ProviderException {
        JsonObject answer =
                http.postJson(
                        checked(call, "embeddings"), headers(call), call.body(), call.timeout());
        if (!(answer.get("data") instanceof JsonArray)) {
            throw new ProviderException(
                    ProviderException.Kind.MALFORMED, 502, "provider answer has no data", null);
        }
        return answer;
    }
}
