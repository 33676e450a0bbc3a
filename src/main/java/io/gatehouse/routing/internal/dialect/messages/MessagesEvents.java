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
import java.util.Map;

/**
 * A relayed chat stream as Anthropic's event sequence: {@code message_start}, then per content
 * block {@code content_block_start}, its deltas ({@code text_delta}; {@code input_json_delta} for a
 * tool call's arguments) and {@code content_block_stop}, then {@code message_delta} (stop reason,
 * usage) before the record and {@code message_stop} after it; {@code event: error} in Anthropic's
 * error shape when the stream fails. Blocks are opened and closed in order, one open at a time, so
 * no event is duplicated or out of place; a tool call's arguments arriving after its block closed
 * (chat interleaving two calls) cannot be placed and fail the stream instead.
 */
public final class MessagesEvents implements StreamEvents {
    private static final JsonProvider JSON = JsonProvider.provider();

    private final String requestId;
    private boolean started;
    private int open = -1; // the open block's index, -1 when none
    private boolean openIsText;
    private int next;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>(); // chat's index -> block
    private String stopReason;

    public MessagesEvents(String requestId) {
        this.requestId = requestId;
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
                stopReason = MessagesAnswer.stopReason(f.getString());
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
        Integer block = toolBlocks.get(chatIndex);
        if (block == null) {
            close(os);
            block = next++;
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
                                            .add("id", MessagesAnswer.toolId(tc.get("id"), block))
                                            .add("name", fn.getString("name", ""))
                                            .add("input", JsonValue.EMPTY_JSON_OBJECT)));
        } else if (block != open) {
            throw new IllegalStateException(
                    "arguments of tool call " + chatIndex + " arrived after its block closed");
        }
        // an empty fragment carries nothing (Anthropic sends one first; chat's first chunk of a
        // call often holds "")
        if (fn.get("arguments") instanceof JsonString a && !a.getString().isEmpty()) {
            event(
                    os,
                    "content_block_delta",
                    JSON.createObjectBuilder()
                            .add("index", block)
                            .add(
                                    "delta",
                                    JSON.createObjectBuilder()
                                            .add("type", "input_json_delta")
                                            .add("partial_json", a.getString())));
        }
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
        event(
                os,
                "message_delta",
                JSON.createObjectBuilder()
                        .add(
                                "delta",
                                JSON.createObjectBuilder()
                                        .add(
                                                "stop_reason",
                                                stopReason == null ? "end_turn" : stopReason)
                                        .addNull("stop_sequence"))
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
                                                JSON.createObjectBuilder()
                                                        .add("input_tokens", 0)
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
