package io.gatehouse.routing.internal.provider;

import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An Anthropic stream asked natively ({@link ProviderCall#nativeBody}): one chunk per provider
 * event, so the relay sees what it needs and the client's dialect can write each event as it came.
 * Every chunk carries the provider's event under {@link #EVENT}; {@link #raw} is the event's own
 * text ({@code event: <type>} and its data line) while no filter changed the chunk. The event's
 * type is its data's {@code type}: an {@code event:} line that names another, or a type outside
 * {@code [a-z_]+}, fails the stream (no SSE frame injection through the written line). A text
 * block's text is also a choice's {@code delta.content}, the choice index being the block's index;
 * all blocks are one answer ({@link #oneAnswer}), so the output filters run as one chain over the
 * message, flushed at each text block's {@code content_block_stop} (which carries a finish reason).
 * A thinking block's text is a choice's {@code delta.thinking} (its stop a finish reason), which
 * the relay scans with the output policy without changing it; signatures carry no choice and pass
 * as they came. A {@code tool_use} block is a choice's {@code delta.tool_calls} (one call, index 0:
 * its id and name at the start, with the start's own {@code input} when it is not empty, each
 * {@code input_json_delta} an arguments fragment, its stop the finish reason {@code tool_calls}),
 * so that while output rules check tool calls the relay holds the block until its stop and checks
 * its input whole ({@code HeldToolCalls}). {@code message_delta} carries the usage ({@code
 * input_tokens} the larger of {@code message_start}'s and the delta's own), which the relay
 * accounts and hands back at the end: it is held until {@code message_stop} so that it is always
 * the stream's last chunk; {@code message_stop} ends the stream (the dialect writes it after the
 * record). An {@code error} event throws.
 *
 * <p>While output rules check tool calls ({@link #toolCallsChecked}) the stream passes nothing it
 * cannot map: a block outside text, thinking, redacted_thinking and tool_use ({@code
 * server_tool_use}, {@code mcp_tool_use}, ... stream input the checks would not see), a delta whose
 * type its block does not have (it would overtake a held tool_use block), an event type other than
 * the known ones and {@code ping}, a tool_use block with input both at its start and in deltas, and
 * a tool_use block still open at {@code message_stop} each end the stream with 502 {@code
 * unchecked_stream_event}. Without such rules they pass as they came.
 */
public final class AnthropicNativeStream implements ProviderStream {
    /** The key of a chunk that holds the provider's event. */
    public static final String EVENT = "anthropic_event";

    private static final JsonProvider JSON = JsonProvider.provider();
    private final SseReader sse;
    private final String model;
    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z_]+");
    private final Set<Integer> textBlocks = new HashSet<>();
    private final Set<Integer> thinkingBlocks = new HashSet<>();
    private final Set<Integer> toolBlocks = new HashSet<>();
    private final Set<Integer> seededToolBlocks = new HashSet<>(); // input sent at the start
    private final Set<Integer> openToolBlocks = new HashSet<>();
    private boolean toolCallsChecked;
    private String unmapped; // the first event passed as it came that the checks could not map
    private String id = "msg";
    private long inputTokens = -1;
    private long reportedOutput;
    private long deltaChars; // of every delta so far, for a stream that breaks off
    private boolean stopped;
    private JsonObject last;
    private String lastRaw;
    private JsonObject heldDelta; // message_delta, returned last (before message_stop)
    private String heldDeltaRaw;

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
            JsonObject data = e.typed(EVENT_TYPE);
            String type = data.getString("type");
            if (type.equals("message_stop")) {
                if (!openToolBlocks.isEmpty()) {
                    unmapped("a tool_use block without content_block_stop");
                }
                stopped = true;
                if (heldDelta != null) {
                    last = heldDelta;
                    lastRaw = heldDeltaRaw;
                    heldDelta = null;
                    return Optional.of(last);
                }
                break;
            }
            JsonObject chunk = chunk(type, data);
            String d = e.data();
            String raw =
                    d.indexOf('\n') < 0 && JsonKeys.forwardable(d)
                            ? "event: " + type + "\ndata: " + d
                            : null;
            if (type.equals("message_delta")) {
                heldDelta = chunk;
                heldDeltaRaw = raw;
                continue;
            }
            last = chunk;
            lastRaw = raw;
            return Optional.of(chunk);
        }
        return Optional.empty();
    }

    @Override
    public boolean oneAnswer() {
        return true;
    }

    @Override
    public Optional<PartialUsage> partialUsage() {
        long estimate = (deltaChars + 3) / 4;
        return Optional.of(new PartialUsage(inputTokens, Math.max(reportedOutput, estimate)));
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
                    if (msg.get("usage") instanceof JsonObject u) {
                        if (u.get("input_tokens") instanceof JsonNumber n) {
                            inputTokens = n.longValue();
                        }
                        if (u.get("output_tokens") instanceof JsonNumber n) {
                            reportedOutput = Math.max(reportedOutput, n.longValue());
                        }
                    }
                }
            }
            case "content_block_start" -> {
                if (data.get("content_block") instanceof JsonObject b) {
                    String blockType = b.getString("type", "");
                    if (blockType.equals("text")) {
                        textBlocks.add(index);
                        String t = b.getString("text", "");
                        deltaChars += t.length();
                        if (!t.isEmpty()) {
                            choices.add(choice(index, "content", t, null));
                        }
                    } else if (blockType.equals("tool_use")) {
                        toolBlocks.add(index);
                        openToolBlocks.add(index);
                        // input sent whole at the start (no deltas follow) is held like deltas
                        String input = "";
                        if (b.get("input") instanceof JsonObject in && !in.isEmpty()) {
                            input = in.toString();
                            seededToolBlocks.add(index);
                            deltaChars += input.length();
                        }
                        choices.add(
                                toolChoice(
                                        index,
                                        JSON.createObjectBuilder()
                                                .add("index", 0)
                                                .add("id", b.getString("id", ""))
                                                .add("type", "function")
                                                .add(
                                                        "function",
                                                        JSON.createObjectBuilder()
                                                                .add(
                                                                        "name",
                                                                        b.getString("name", ""))
                                                                .add("arguments", input))));
                    } else if (blockType.equals("thinking")) {
                        thinkingBlocks.add(index);
                        String t = b.getString("thinking", "");
                        deltaChars += t.length();
                        if (!t.isEmpty()) {
                            choices.add(choice(index, "thinking", t, null));
                        }
                    } else if (blockType.equals("redacted_thinking")) {
                        // encrypted, no deltas: passes as it came
                    } else {
                        unmapped("a content block of type " + typeName(blockType));
                    }
                } else {
                    unmapped("a content block start without its block");
                }
            }
            case "content_block_delta" -> {
                if (data.get("delta") instanceof JsonObject d) {
                    String text = deltaText(d);
                    deltaChars += text.length();
                    String deltaType = d.getString("type", "");
                    if (textBlocks.contains(index) && deltaType.equals("text_delta")) {
                        choices.add(choice(index, "content", text, null));
                    } else if (thinkingBlocks.contains(index)
                            && deltaType.equals("thinking_delta")) {
                        choices.add(choice(index, "thinking", text, null));
                    } else if (thinkingBlocks.contains(index)
                            && deltaType.equals("signature_delta")) {
                        // no choice: the signature passes as it came
                    } else if (toolBlocks.contains(index)
                            && openToolBlocks.contains(index)
                            && deltaType.equals("input_json_delta")) {
                        if (seededToolBlocks.contains(index)) {
                            unmapped("a tool_use block with input at its start and in deltas");
                        }
                        choices.add(
                                toolChoice(
                                        index,
                                        JSON.createObjectBuilder()
                                                .add("index", 0)
                                                .add(
                                                        "function",
                                                        JSON.createObjectBuilder()
                                                                .add("arguments", text))));
                    } else {
                        unmapped("a delta of type " + typeName(deltaType) + " at block " + index);
                    }
                } else {
                    unmapped("a content block delta without its delta");
                }
            }
            case "content_block_stop" -> {
                if (textBlocks.contains(index)) {
                    choices.add(choice(index, null, null, "stop"));
                } else if (thinkingBlocks.contains(index)) {
                    choices.add(choice(index, "thinking", "", "stop"));
                } else if (openToolBlocks.remove(index)) {
                    // the relay releases the call it held (checked whole) before this stop
                    choices.add(choice(index, null, null, "tool_calls"));
                }
            }
            case "message_delta" -> {
                if (data.get("usage") instanceof JsonObject u
                        && u.get("output_tokens") instanceof JsonNumber out) {
                    reportedOutput = Math.max(reportedOutput, out.longValue());
                    // the delta's count never lowers message_start's
                    long in =
                            Math.max(
                                    Math.max(inputTokens, 0),
                                    u.get("input_tokens") instanceof JsonNumber n
                                            ? n.longValue()
                                            : 0);
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
            case "ping" -> {
                // passed on as it came
            }
            default -> unmapped("an event of type " + type);
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

    @Override
    public void toolCallsChecked() {
        toolCallsChecked = true;
        if (unmapped != null) {
            throw unchecked(unmapped);
        }
    }

    /**
     * An event the relay's chunk cannot express: it ends the stream while tool calls are checked,
     * else it passes as it came (remembered in case checks begin after it).
     */
    private void unmapped(String what) {
        if (toolCallsChecked) {
            throw unchecked(what);
        }
        if (unmapped == null) {
            unmapped = what;
        }
    }

    private static GatehouseException unchecked(String what) {
        return new GatehouseException(
                502,
                "unchecked_stream_event",
                "The provider streamed "
                        + what
                        + ", which the output rules cannot check; the stream was ended");
    }

    /** A provider's type name as a message may quote it: plain, short. */
    private static String typeName(String type) {
        return EVENT_TYPE.matcher(type).matches() && type.length() <= 40 ? type : "(unknown)";
    }

    /** The generated text a delta carries, whatever its kind. */
    private static String deltaText(JsonObject d) {
        for (String key : new String[] {"text", "thinking", "signature", "partial_json"}) {
            if (d.get(key) instanceof JsonString s) {
                return s.getString();
            }
        }
        return "";
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

    /** A tool_use block's start or input fragment as a chat tool-call delta of its choice. */
    private static JsonObject toolChoice(int index, JsonObjectBuilder call) {
        return JSON.createObjectBuilder()
                .add("index", index)
                .add(
                        "delta",
                        JSON.createObjectBuilder()
                                .add("tool_calls", JSON.createArrayBuilder().add(call)))
                .add("finish_reason", JsonValue.NULL)
                .build();
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
