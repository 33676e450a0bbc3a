package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An OpenAI Responses stream asked natively ({@link ProviderCall#nativeBody} to {@code
 * /responses}): one chunk per provider event, the event under {@link #EVENT}, so the relay sees
 * what it must and the Responses dialect writes each event in turn. A text part's text ({@code
 * output_text.delta}, {@code refusal.delta}) is a choice's {@code delta.content}, the choice index
 * the part's number ({@link #PART}); its {@code .done} event carries the finish reason at which the
 * output filters flush; all parts are one answer ({@link #oneAnswer}). Every event's {@code delta}
 * (and {@code partial_image_b64}) is metered, whatever its type: reasoning text (summary and raw),
 * which the dialect never writes, is metered only, not scanned. {@code response.completed} / {@code
 * response.incomplete} carries the usage and ends the stream (no output count: no usage, the relay
 * settles from the meter); {@code response.failed} and {@code error} throw, a rate limit or
 * exhausted quota as {@code RATE_LIMITED} (it does not trip the breaker), with a fixed message (the
 * provider's text never reaches the client). A function call throws ({@code PROVIDER_CONFIG}: not
 * the provider's health): only a request without tools (as the stages left it) is streamed
 * natively, so a call could not be held for the output policy's tool checks. An event whose {@code
 * event:} line names another type, or whose type is not {@code [a-z_.]+}, fails the stream (no SSE
 * frame injection).
 */
public final class ResponsesNativeStream implements ProviderStream {
    /** The key of a chunk that holds the provider's event. */
    public static final String EVENT = "responses_event";

    /** The key of a chunk that names the text part its event belongs to. */
    public static final String PART = "responses_part";

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z_.]+");

    /** Error codes of a provider's limits, not of its health (OpenAI's, as on HTTP 429). */
    private static final List<String> LIMITS = List.of("rate_limit_exceeded", "insufficient_quota");

    /** The fields of an event that carry generated output, metered for every event type. */
    private static final List<String> METERED = List.of("delta", "partial_image_b64");

    private final SseReader sse;
    private final String model;
    private final Map<String, Integer> parts = new HashMap<>();
    private String id = "resp";
    private long inputTokens = -1;
    private long deltaChars;
    private boolean stopped;

    ResponsesNativeStream(SseReader sse, String model) {
        this.sse = sse;
        this.model = model;
    }

    @Override
    public Optional<JsonObject> next() throws ProviderException {
        while (!stopped) {
            SseReader.Event e = sse.next();
            if (e == null) {
                throw new ProviderException(
                        ProviderException.Kind.CONNECT,
                        "provider stream ended before response.completed");
            }
            if (e.data().isBlank() || e.data().trim().equals("[DONE]")) {
                continue;
            }
            JsonObject data = e.typed(EVENT_TYPE);
            String type = data.getString("type");
            return Optional.of(chunk(type, data));
        }
        return Optional.empty();
    }

    @Override
    public boolean oneAnswer() {
        return true;
    }

    @Override
    public Optional<PartialUsage> partialUsage() {
        return Optional.of(new PartialUsage(inputTokens, (deltaChars + 3) / 4));
    }

    private JsonObject chunk(String type, JsonObject data) throws ProviderException {
        JsonArrayBuilder choices = JSON.createArrayBuilder();
        JsonObjectBuilder usage = null;
        Integer part = null;
        meter(data);
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> {
                if (data.get("response") instanceof JsonObject r) {
                    id = r.getString("id", id);
                }
            }
            case "response.content_part.added", "response.content_part.done" -> {
                part = part(data);
            }
            case "response.output_text.delta", "response.refusal.delta" -> {
                part = part(data);
                choices.add(choice(part, data.getString("delta", ""), null));
            }
            case "response.output_text.done", "response.refusal.done" -> {
                part = part(data);
                choices.add(choice(part, null, "stop"));
            }
            case "response.output_item.added", "response.output_item.done" -> {
                if (data.get("item") instanceof JsonObject item
                        && "function_call".equals(item.getString("type", ""))) {
                    throw functionCall();
                }
            }
            case "response.function_call_arguments.delta",
                    "response.function_call_arguments.done" ->
                    throw functionCall();
            case "response.completed", "response.incomplete" -> {
                stopped = true;
                if (data.get("response") instanceof JsonObject r
                        && r.get("usage") instanceof JsonObject u
                        && u.get("input_tokens") instanceof JsonNumber in) {
                    inputTokens = in.longValue();
                    // without an output count there is no usage: the relay settles the output
                    // from what it metered (estimated), never as nothing
                    if (u.get("output_tokens") instanceof JsonNumber out) {
                        usage =
                                JSON.createObjectBuilder()
                                        .add("prompt_tokens", in.longValue())
                                        .add("completion_tokens", out.longValue())
                                        .add("total_tokens", in.longValue() + out.longValue());
                    }
                }
            }
            case "response.failed", "error" -> throw failed(data);
            default -> {
                // reasoning text, built-in tools' and unknown events: metered above, never
                // written (the dialect drops them), so nothing for the output policy to scan
            }
        }
        JsonObjectBuilder b =
                JSON.createObjectBuilder()
                        .add("id", id)
                        .add("object", "chat.completion.chunk")
                        .add("created", System.currentTimeMillis() / 1000)
                        .add("model", model)
                        .add("choices", choices)
                        .add(EVENT, data);
        if (part != null) {
            b.add(PART, part);
        }
        if (usage != null) {
            b.add("usage", usage);
        }
        return b.build();
    }

    /**
     * Not the provider's health (the breaker stays as it is): a provider that streams a call nobody
     * offered is misconfigured for this gateway (a tool of its own, a stored prompt).
     */
    private static ProviderException functionCall() {
        return new ProviderException(
                ProviderException.Kind.PROVIDER_CONFIG,
                502,
                "provider streamed a function call for a request that offered no tools",
                null);
    }

    /**
     * An upstream {@code response.failed} or {@code error}, classified by its code: a rate limit or
     * exhausted quota is the provider's limit (failed over, no breaker trip), anything else its
     * failure. The message is fixed: the provider's text never reaches the client.
     */
    static ProviderException failed(JsonObject data) {
        JsonObject err =
                data.get("response") instanceof JsonObject r
                                && r.get("error") instanceof JsonObject re
                        ? re
                        : data.get("error") instanceof JsonObject de ? de : data;
        if (LIMITS.contains(err.getString("code", ""))) {
            return new ProviderException(
                    ProviderException.Kind.RATE_LIMITED,
                    429,
                    "provider stream reported a rate limit or an exhausted quota",
                    null);
        }
        return new ProviderException(
                ProviderException.Kind.SERVER, 502, "provider stream reported an error", null);
    }

    /** Every generated character counts, of every event type: the provider charges for it. */
    private void meter(JsonObject data) {
        for (String f : METERED) {
            JsonValue v = data.get(f);
            if (v instanceof JsonString s) {
                deltaChars += s.getString().length();
            } else if (v != null && v != JsonValue.NULL) {
                deltaChars += v.toString().length();
            }
        }
    }

    /** The number of a text part: by its item and index, in the order the parts first appear. */
    private int part(JsonObject data) {
        String key = data.getString("item_id", "") + "/c" + data.getInt("content_index", 0);
        return parts.computeIfAbsent(key, k -> parts.size());
    }

    private static JsonObject choice(int index, String text, String finish) {
        JsonObjectBuilder delta = JSON.createObjectBuilder();
        if (text != null) {
            delta.add("content", text);
        }
        JsonObjectBuilder c = JSON.createObjectBuilder().add("index", index).add("delta", delta);
        if (finish == null) {
            c.add("finish_reason", JsonValue.NULL);
        } else {
            c.add("finish_reason", finish);
        }
        return c.build();
    }

    /** Never the provider's own text: the dialect writes every event with the gateway's ids. */
    @Override
    public String raw(JsonObject chunk) {
        return null;
    }

    @Override
    public boolean hasBuffered() {
        return !stopped && sse.hasBuffered();
    }

    @Override
    public void close() {
        sse.close();
    }
}
