package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * An Anthropic stream asked natively ({@link ProviderCall#nativeBody}): one chunk per provider
 * event, so the relay sees what it needs and the client's dialect can write each event as it came.
 * Every chunk carries the provider's event under {@link #EVENT}; {@link #raw} is the event's own
 * text ({@code event: <type>} and its data line) while no filter changed the chunk. A text block's
 * text is also a choice's {@code delta.content}, the choice index being the block's index, so that
 * the stream filters (output policy) act on each text block and are drained at its {@code
 * content_block_stop} (which carries a finish reason); thinking, signatures and tool input carry no
 * choice and pass as they came. {@code message_delta} carries the usage ({@code input_tokens} from
 * {@code message_start}, or the delta's own), which the relay accounts and hands back at the end;
 * {@code message_stop} ends the stream (the dialect writes it after the record). An {@code error}
 * event throws.
 */
public final class AnthropicNativeStream implements ProviderStream {
    /** The key of a chunk that holds the provider's event. */
    public static final String EVENT = "anthropic_event";

    private static final JsonProvider JSON = JsonProvider.provider();
    private final SseReader sse;
    private final String model;
    private final Set<Integer> textBlocks = new HashSet<>();
    private String id = "msg";
    private long inputTokens = -1;
    private boolean stopped;
    private JsonObject last;
    private String lastRaw;

    AnthropicNativeStream(SseReader sse, String model) {
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
                        "provider stream ended before message_stop");
            }
            JsonObject data = HttpTransport.parseObject(e.data());
            String type = e.name() != null ? e.name() : data.getString("type", "");
            if (type.equals("message_stop")) {
                stopped = true;
                break;
            }
            JsonObject chunk = chunk(type, data);
            if (chunk == null) {
                continue;
            }
            last = chunk;
            String d = e.data();
            lastRaw =
                    d.indexOf('\n') < 0 && JsonKeys.forwardable(d)
                            ? "event: " + type + "\ndata: " + d
                            : null;
            return Optional.of(chunk);
        }
        return Optional.empty();
    }

    /** The relay's chunk for one event, or null for one that has no place in it. */
    private JsonObject chunk(String type, JsonObject data) throws ProviderException {
        JsonArrayBuilder choices = JSON.createArrayBuilder();
        JsonObjectBuilder usage = null;
        int index = data.getInt("index", 0);
        switch (type) {
            case "message_start" -> {
                if (data.get("message") instanceof JsonObject msg) {
                    id = msg.getString("id", id);
                    if (msg.get("usage") instanceof JsonObject u
                            && u.get("input_tokens") instanceof JsonNumber n) {
                        inputTokens = n.longValue();
                    }
                }
            }
            case "content_block_start" -> {
                if (data.get("content_block") instanceof JsonObject b
                        && "text".equals(b.getString("type", ""))) {
                    textBlocks.add(index);
                    String t = b.getString("text", "");
                    if (!t.isEmpty()) {
                        choices.add(choice(index, t, null));
                    }
                }
            }
            case "content_block_delta" -> {
                if (textBlocks.contains(index)
                        && data.get("delta") instanceof JsonObject d
                        && "text_delta".equals(d.getString("type", ""))) {
                    choices.add(choice(index, d.getString("text", ""), null));
                }
            }
            case "content_block_stop" -> {
                if (textBlocks.contains(index)) {
                    choices.add(choice(index, null, "stop"));
                }
            }
            case "message_delta" -> {
                if (data.get("usage") instanceof JsonObject u
                        && u.get("output_tokens") instanceof JsonNumber out) {
                    long in =
                            u.get("input_tokens") instanceof JsonNumber n
                                    ? n.longValue()
                                    : Math.max(inputTokens, 0);
                    usage =
                            JSON.createObjectBuilder()
                                    .add("prompt_tokens", in)
                                    .add("completion_tokens", out.longValue())
                                    .add("total_tokens", in + out.longValue());
                }
            }
            case "error" -> {
                String msg =
                        data.get("error") instanceof JsonObject err
                                ? err.getString("message", "error")
                                : "error";
                throw new ProviderException(
                        ProviderException.Kind.SERVER, 502, "provider stream error: " + msg, null);
            }
            default -> {
                // ping and event types this gateway does not know: passed on as they came
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
        if (usage != null) {
            b.add("usage", usage);
        }
        return b.build();
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

    @Override
    public String raw(JsonObject chunk) {
        return chunk == last ? lastRaw : null;
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
