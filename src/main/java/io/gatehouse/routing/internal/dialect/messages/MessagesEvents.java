package io.gatehouse.routing.internal.dialect.messages;

import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.shared.error.ErrorBodies;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A relayed chat stream as Anthropic's event sequence: {@code message_start} (its usage the
 * pipeline's input estimate: the provider's count comes at the end), then per content block {@code
 * content_block_start}, its deltas ({@code text_delta}; {@code input_json_delta} for a tool call's
 * arguments) and {@code content_block_stop}, then {@code message_delta} (stop reason, stop
 * sequence, the final usage) before the record and {@code message_stop} after it; {@code event:
 * error} in Anthropic's error shape when the stream fails. Blocks are opened and closed in order,
 * one open at a time, so no event is duplicated or out of place: a tool call that starts while
 * another call's block is open (chat's parallel calls, whose fragments may alternate) is held back
 * and written whole, as its own block, when the stream ends. Only arguments of a call whose block
 * text already closed cannot be placed; they fail the stream.
 */
public final class MessagesEvents implements StreamEvents {
    private static final JsonProvider JSON = JsonProvider.provider();

    private final String requestId;
    private final long estimatedInputTokens;
    private boolean started;
    private int open = -1; // the open block's index, -1 when none
    private boolean openIsText;
    private int next;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>(); // chat's index -> block
    private final Map<Integer, HeldCall> held = new LinkedHashMap<>(); // chat's index -> call
    private String stopReason;
    private String stopSequence;

    /** A tool call held back while another call's block is open. */
    private static final class HeldCall {
        final JsonValue id;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        HeldCall(JsonValue id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    public MessagesEvents(String requestId, long estimatedInputTokens) {
        this.requestId = requestId;
        this.estimatedInputTokens = estimatedInputTokens;
    }

    @Override
    public void chunk(OutputStream os, JsonObject chunk, String raw) throws IOException {
        start(os, chunk);
        if (!(chunk.get("choices") instanceof JsonArray choices)) {
            return;
        }
        for (JsonValue cv : choices) {
            if (!(cv instanceof JsonObject choice) || choice.getInt("index", 0) != 0) {
                continue; // Messages asks for one choice
            }
            if (choice.get("delta") instanceof JsonObject delta) {
                text(os, delta.get("content"));
                text(os, delta.get("refusal"));
                if (delta.get("tool_calls") instanceof JsonArray calls) {
                    for (JsonValue tv : calls) {
                        if (tv instanceof JsonObject tc) {
                            toolCall(os, tc);
                        }
                    }
                }
            }
            if (choice.get("finish_reason") instanceof JsonString f) {
                stopSequence =
                        choice.get("stop_sequence") instanceof JsonString s ? s.getString() : null;
                stopReason = MessagesAnswer.stopReason(f.getString(), stopSequence);
            }
        }
    }

    private void text(OutputStream os, JsonValue v) throws IOException {
        if (!(v instanceof JsonString s) || s.getString().isEmpty()) {
            return;
        }
        if (open < 0 || !openIsText) {
            close(os);
            open = next++;
            openIsText = true;
            event(
                    os,
                    "content_block_start",
                    JSON.createObjectBuilder()
                            .add("index", open)
                            .add("content_block", MessagesAnswer.textBlock("")));
        }
        event(
                os,
                "content_block_delta",
                JSON.createObjectBuilder()
                        .add("index", open)
                        .add(
                                "delta",
                                JSON.createObjectBuilder()
                                        .add("type", "text_delta")
                                        .add("text", s.getString())));
    }

    private void toolCall(OutputStream os, JsonObject tc) throws IOException {
        int chatIndex = tc.getInt("index", 0);
        JsonObject fn =
                tc.get("function") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
        // an empty fragment carries nothing (Anthropic sends one first; chat's first chunk of a
        // call often holds "")
        String arguments =
                fn.get("arguments") instanceof JsonString a && !a.getString().isEmpty()
                        ? a.getString()
                        : null;
        HeldCall h = held.get(chatIndex);
        if (h != null) {
            if (arguments != null) {
                h.arguments.append(arguments);
            }
            return;
        }
        Integer block = toolBlocks.get(chatIndex);
        if (block == null) {
            if (open >= 0 && !openIsText) {
                // another call's block is open and may still get arguments: this one waits
                h = new HeldCall(tc.get("id"), fn.getString("name", ""));
                if (arguments != null) {
                    h.arguments.append(arguments);
                }
                held.put(chatIndex, h);
                return;
            }
            close(os);
            block = startTool(os, chatIndex, tc.get("id"), fn.getString("name", ""));
        } else if (block != open) {
            throw new IllegalStateException(
                    "arguments of tool call " + chatIndex + " arrived after its block closed");
        }
        if (arguments != null) {
            argumentsDelta(os, block, arguments);
        }
    }

    private int startTool(OutputStream os, int chatIndex, JsonValue id, String name)
            throws IOException {
        int block = next++;
        toolBlocks.put(chatIndex, block);
        open = block;
        openIsText = false;
        event(
                os,
                "content_block_start",
                JSON.createObjectBuilder()
                        .add("index", block)
                        .add(
                                "content_block",
                                JSON.createObjectBuilder()
                                        .add("type", "tool_use")
                                        .add("id", MessagesAnswer.toolId(id, block))
                                        .add("name", name)
                                        .add("input", JsonValue.EMPTY_JSON_OBJECT)));
        return block;
    }

    private static void argumentsDelta(OutputStream os, int block, String partialJson)
            throws IOException {
        event(
                os,
                "content_block_delta",
                JSON.createObjectBuilder()
                        .add("index", block)
                        .add(
                                "delta",
                                JSON.createObjectBuilder()
                                        .add("type", "input_json_delta")
                                        .add("partial_json", partialJson)));
    }

    @Override
    public void finish(
            OutputStream os,
            JsonObject lastChunk,
            long inputTokens,
            long outputTokens,
            boolean estimated)
            throws IOException {
        start(os, lastChunk);
        close(os);
        // the calls held back, each a whole block after the others, in the order they began
        for (var e : held.entrySet()) {
            int block = startTool(os, e.getKey(), e.getValue().id, e.getValue().name);
            if (e.getValue().arguments.length() > 0) {
                argumentsDelta(os, block, e.getValue().arguments.toString());
            }
            close(os);
        }
        held.clear();
        JsonObjectBuilder delta =
                JSON.createObjectBuilder()
                        .add("stop_reason", stopReason == null ? "end_turn" : stopReason);
        if (stopSequence == null) {
            delta.addNull("stop_sequence");
        } else {
            delta.add("stop_sequence", stopSequence);
        }
        event(
                os,
                "message_delta",
                JSON.createObjectBuilder()
                        .add("delta", delta)
                        .add(
                                "usage",
                                JSON.createObjectBuilder()
                                        .add("input_tokens", inputTokens)
                                        .add("output_tokens", outputTokens)));
    }

    @Override
    public void done(OutputStream os) throws IOException {
        event(os, "message_stop", JSON.createObjectBuilder());
    }

    @Override
    public void error(OutputStream os, int status, String code, String message) throws IOException {
        write(os, "error", ErrorBodies.anthropic(status, message));
    }

    private void start(OutputStream os, JsonObject like) throws IOException {
        if (started) {
            return;
        }
        started = true;
        event(
                os,
                "message_start",
                JSON.createObjectBuilder()
                        .add(
                                "message",
                                JSON.createObjectBuilder()
                                        .add("id", MessagesAnswer.messageId(requestId))
                                        .add("type", "message")
                                        .add("role", "assistant")
                                        .add(
                                                "model",
                                                like == null ? "" : like.getString("model", ""))
                                        .add("content", JsonValue.EMPTY_JSON_ARRAY)
                                        .addNull("stop_reason")
                                        .addNull("stop_sequence")
                                        .add(
                                                "usage",
                                                // the provider counts at the end (message_delta)
                                                JSON.createObjectBuilder()
                                                        .add("input_tokens", estimatedInputTokens)
                                                        .add("output_tokens", 0))));
    }

    private void close(OutputStream os) throws IOException {
        if (open >= 0) {
            event(os, "content_block_stop", JSON.createObjectBuilder().add("index", open));
            open = -1;
        }
    }

    /** One event: its type both as the SSE event name and as the data's {@code type}. */
    private static void event(OutputStream os, String type, JsonObjectBuilder data)
            throws IOException {
        JsonObjectBuilder body = JSON.createObjectBuilder().add("type", type);
        data.build().forEach(body::add);
        write(os, type, body.build().toString());
    }

    private static void write(OutputStream os, String event, String data) throws IOException {
        os.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
