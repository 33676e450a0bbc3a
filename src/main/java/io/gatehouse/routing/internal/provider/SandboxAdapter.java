package io.gatehouse.routing.internal.provider;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The built-in provider: no network, deterministic. Its answer quotes the text of the last user
 * message of the typed request it is handed, as the stages left it (so redaction by policy is
 * visible); embeddings are vectors derived from SHA-256 of the input. It renders no wire body, so
 * it proves nothing about the bytes an HTTP provider gets (ForwardedBodyIT does). Provider options
 * make it misbehave for demos and tests: {@code delayMs} (before answering), {@code chunkDelayMs},
 * {@code failStatus} (answer with that HTTP status), {@code failAfterChunks} (cut a stream), {@code
 * malformed} (an answer that is not valid JSON).
 */
public final class SandboxAdapter implements ProviderAdapter {

    @Override
    public JsonObject chat(ProviderCall call) throws ProviderException {
        behave(call);
        String text = answerText(call);
        long in = promptTokens(call.chat());
        long out = TokenEstimate.ofText(text);
        int n = call.chat().sampling().n() == null ? 1 : call.chat().sampling().n().intValue();
        JsonArrayBuilder choices = Json.createArrayBuilder();
        for (int i = 0; i < n; i++) {
            choices.add(
                    Json.createObjectBuilder()
                            .add("index", i)
                            .add(
                                    "message",
                                    Json.createObjectBuilder()
                                            .add("role", "assistant")
                                            .add("content", text))
                            .add("finish_reason", "stop")
                            .addNull("logprobs"));
        }
        return Json.createObjectBuilder()
                .add("id", "chatcmpl-sandbox-" + Integer.toHexString(text.hashCode()))
                .add("object", "chat.completion")
                .add("created", System.currentTimeMillis() / 1000)
                .add("model", call.model().name())
                .add("choices", choices)
                .add("usage", usage(in, out * n))
                .build();
    }

    @Override
    public ProviderStream stream(ProviderCall call) throws ProviderException {
        behave(call);
        String text = answerText(call);
        List<String> parts = new ArrayList<>();
        for (String w : text.split("(?<= )")) {
            parts.add(w);
        }
        long in = promptTokens(call.chat());
        long out = TokenEstimate.ofText(text);
        boolean includeUsage = AnthropicAdapter.includeUsage(call.chat());
        long chunkDelay = call.provider().optionLong("chunkDelayMs", 0);
        long cutAfter = call.provider().optionLong("failAfterChunks", -1);
        String id = "chatcmpl-sandbox-" + Integer.toHexString(text.hashCode());
        String model = call.model().name();
        long created = System.currentTimeMillis() / 1000;
        return new ProviderStream() {
            int i = -1;
            boolean finished;
            boolean usageSent;

            @Override
            public Optional<JsonObject> next() throws ProviderException {
                if (i >= 0 && chunkDelay > 0) {
                    sleep(Math.min(chunkDelay, call.timeout().toMillis()));
                    if (chunkDelay >= call.timeout().toMillis()) {
                        throw new ProviderException(
                                ProviderException.Kind.TIMEOUT, "provider stream stalled");
                    }
                }
                if (cutAfter >= 0 && i + 1 >= cutAfter && i + 1 <= parts.size()) {
                    throw new ProviderException(
                            ProviderException.Kind.CONNECT, "provider stream was cut");
                }
                if (i == -1) {
                    i++;
                    return Optional.of(
                            chunk(
                                    Json.createObjectBuilder()
                                            .add("role", "assistant")
                                            .add("content", ""),
                                    null));
                }
                if (i < parts.size()) {
                    String p = parts.get(i++);
                    return Optional.of(chunk(Json.createObjectBuilder().add("content", p), null));
                }
                if (!finished) {
                    finished = true;
                    return Optional.of(chunk(Json.createObjectBuilder(), "stop"));
                }
                if (includeUsage && !usageSent) {
                    usageSent = true;
                    return Optional.of(
                            Json.createObjectBuilder()
                                    .add("id", id)
                                    .add("object", "chat.completion.chunk")
                                    .add("created", created)
                                    .add("model", model)
                                    .add("choices", JsonValue.EMPTY_JSON_ARRAY)
                                    .add("usage", usage(in, out))
                                    .build());
                }
                return Optional.empty();
            }

            private JsonObject chunk(JsonObjectBuilder delta, String finish) {
                JsonObjectBuilder choice =
                        Json.createObjectBuilder().add("index", 0).add("delta", delta);
                if (finish == null) {
                    choice.addNull("finish_reason");
                } else {
                    choice.add("finish_reason", finish);
                }
                return Json.createObjectBuilder()
                        .add("id", id)
                        .add("object", "chat.completion.chunk")
                        .add("created", created)
                        .add("model", model)
                        .add("choices", Json.createArrayBuilder().add(choice))
                        .build();
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public JsonObject embed(ProviderCall call) throws ProviderException {
        behave(call);
        JsonValue input = call.body().get("input");
        List<String> inputs = new ArrayList<>();
        if (input instanceof JsonString s) {
            inputs.add(s.getString());
        } else if (input instanceof JsonArray a) {
            for (JsonValue v : a) {
                inputs.add(v instanceof JsonString s ? s.getString() : v.toString());
            }
        }
        int dims =
                call.body()
                        .getInt("dimensions", (int) call.provider().optionLong("dimensions", 16));
        boolean base64 = "base64".equals(call.body().getString("encoding_format", "float"));
        JsonArrayBuilder data = Json.createArrayBuilder();
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] v = vector(inputs.get(i), dims);
            tokens += TokenEstimate.ofText(inputs.get(i));
            JsonObjectBuilder item =
                    Json.createObjectBuilder().add("object", "embedding").add("index", i);
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(4 * dims).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    buf.putFloat(f);
                }
                item.add("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                JsonArrayBuilder arr = Json.createArrayBuilder();
                for (float f : v) {
                    arr.add((double) f);
                }
                item.add("embedding", arr);
            }
            data.add(item);
        }
        return Json.createObjectBuilder()
                .add("object", "list")
                .add("data", data)
                .add("model", call.model().name())
                .add(
                        "usage",
                        Json.createObjectBuilder()
                                .add("prompt_tokens", tokens)
                                .add("total_tokens", tokens))
                .build();
    }

    /** A unit vector derived from the text's SHA-256 chain: same text, same vector. */
    static float[] vector(String text, int dims) {
        float[] v = new float[dims];
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] block = md.digest(text.getBytes(StandardCharsets.UTF_8));
            double norm = 0;
            for (int i = 0; i < dims; i++) {
                if (i > 0 && i % 32 == 0) {
                    block = md.digest(block);
                }
                v[i] = (block[i % 32] & 0xff) / 127.5f - 1f;
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dims && norm > 0; i++) {
                v[i] = (float) (v[i] / norm);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return v;
    }

    private static String answerText(ProviderCall call) {
        String last = "";
        for (ChatMessage m : call.chat().messages()) {
            if ("user".equals(m.role())) {
                last = m.text();
            }
        }
        return "Sandbox answer from " + call.model().name() + ". You said: \"" + last + "\"";
    }

    static String textOf(JsonValue content) {
        if (content instanceof JsonString s) {
            return s.getString();
        }
        if (content instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            for (JsonValue p : parts) {
                if (p instanceof JsonObject po && "text".equals(po.getString("type", ""))) {
                    if (sb.length() > 0) {
                        sb.append('\n');
                    }
                    sb.append(po.getString("text", ""));
                }
            }
            return sb.toString();
        }
        return "";
    }

    private static long promptTokens(ChatRequest r) {
        return TokenEstimate.ofMessages(r.messages().stream().map(ChatMessage::text).toList());
    }

    private static JsonObject usage(long in, long out) {
        return Json.createObjectBuilder()
                .add("prompt_tokens", in)
                .add("completion_tokens", out)
                .add("total_tokens", in + out)
                .build();
    }

    private static void behave(ProviderCall call) throws ProviderException {
        long delay = call.provider().optionLong("delayMs", 0);
        long timeout = call.timeout().toMillis();
        if (delay > 0) {
            sleep(Math.min(delay, timeout));
            if (delay >= timeout) {
                throw new ProviderException(ProviderException.Kind.TIMEOUT, "provider timed out");
            }
        }
        long status = call.provider().optionLong("failStatus", 0);
        if (status >= 400) {
            throw ProviderException.fromStatus(
                    (int) status,
                    "provider answered HTTP " + status + ": sandbox told to fail",
                    call.provider().options().containsKey("retryAfterMs")
                            ? call.provider().optionLong("retryAfterMs", 0)
                            : null);
        }
        if (call.provider().optionTrue("malformed")) {
            throw new ProviderException(
                    ProviderException.Kind.MALFORMED,
                    502,
                    "provider sent a malformed answer",
                    null);
        }
    }

    private static void sleep(long ms) throws ProviderException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.TIMEOUT, "interrupted");
        }
    }
}
