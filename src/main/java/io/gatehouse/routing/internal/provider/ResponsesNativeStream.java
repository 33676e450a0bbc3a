package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An OpenAI Responses stream asked natively ({@link ProviderCall#nativeBody} to {@code
 * /responses}): one chunk per provider event, the event under {@link #EVENT}, so the relay sees
 * what it must and the Responses dialect writes each event in turn. A text part's text ({@code
 * output_text.delta}, {@code refusal.delta}) is a choice's {@code delta.content}, the choice index
 * the part's number ({@link #PART}); its {@code .done} event carries the finish reason at which the
 * output filters flush; all parts are one answer ({@link #oneAnswer}). Reasoning text (summary and
 * raw) is a choice's {@code delta.thinking}, scanned by the output policy without change. {@code
 * response.completed} / {@code response.incomplete} carries the usage and ends the stream; {@code
 * response.failed} and {@code error} throw (the client gets its own {@code response.failed}). A
 * function call throws: only a request without tools is streamed natively, so a call could not be
 * held for the output policy's tool checks. An event whose {@code event:} line names another type,
 * or whose type is not {@code [a-z_.]+}, fails the stream (no SSE frame injection).
 */
public final class ResponsesNativeStream implements ProviderStream {
    /** The key of a chunk that holds the provider's event. */
    public static final String EVENT = "responses_event";

    /** The key of a chunk that names the text (or reasoning) part its event belongs to. */
    public static final String PART = "responses_part";

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z_.]+");
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
            JsonObject data = HttpTransport.parseObject(e.data());
            String type = data.getString("type", "");
            if (!EVENT_TYPE.matcher(type).matches() || e.name() != null && !e.name().equals(type)) {
                throw new ProviderException(
                        ProviderException.Kind.SERVER,
                        502,
                        "provider stream event with a missing, malformed or mismatched type",
                        null);
            }
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
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> {
                if (data.get("response") instanceof JsonObject r) {
                    id = r.getString("id", id);
                }
            }
            case "response.content_part.added", "response.content_part.done" -> {
                part = part(data, "c", "content_index");
            }
            case "response.output_text.delta", "response.refusal.delta" -> {
                part = part(data, "c", "content_index");
                String t = data.getString("delta", "");
                deltaChars += t.length();
                choices.add(choice(part, "content", t, null));
            }
            case "response.output_text.done", "response.refusal.done" -> {
                part = part(data, "c", "content_index");
                choices.add(choice(part, null, null, "stop"));
            }
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" -> {
                part = reasoningPart(type, data);
                String t = data.getString("delta", "");
                deltaChars += t.length();
                choices.add(choice(part, "thinking", t, null));
            }
            case "response.reasoning_summary_text.done", "response.reasoning_text.done" -> {
                part = reasoningPart(type, data);
                choices.add(choice(part, "thinking", "", "stop"));
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
                    long out = u.get("output_tokens") instanceof JsonNumber o ? o.longValue() : 0;
                    usage =
                            JSON.createObjectBuilder()
                                    .add("prompt_tokens", in.longValue())
                                    .add("completion_tokens", out)
                                    .add("total_tokens", in.longValue() + out);
                }
            }
            case "response.failed", "error" -> {
                JsonObject err =
                        data.get("response") instanceof JsonObject r
                                        && r.get("error") instanceof JsonObject re
                                ? re
                                : data.get("error") instanceof JsonObject de ? de : data;
                throw new ProviderException(
                        ProviderException.Kind.SERVER,
                        502,
                        "provider stream error: " + err.getString("message", "error"),
                        null);
            }
            default -> {
                // other events carry no text the relay reads; the dialect decides on them
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

    private static ProviderException functionCall() {
        return new ProviderException(
                ProviderException.Kind.MALFORMED,
                502,
                "provider streamed a function call for a request that offered no tools",
                null);
    }

    /** The number of a part: by its item and index, in the order the parts first appear. */
    private int part(JsonObject data, String kind, String indexField) {
        String key = data.getString("item_id", "") + "/" + kind + data.getInt(indexField, 0);
        return parts.computeIfAbsent(key, k -> parts.size());
    }

    private int reasoningPart(String type, JsonObject data) {
        return type.startsWith("response.reasoning_summary")
                ? part(data, "s", "summary_index")
                : part(data, "r", "content_index");
    }

    private static JsonObject choice(int index, String key, String text, String finish) {
        JsonObjectBuilder delta = JSON.createObjectBuilder();
        if (text != null) {
            delta.add(key, text);
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
