package io.gatehouse.routing.internal.dialect.messages;

import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.internal.provider.AnthropicNativeStream;
import io.gatehouse.shared.error.ErrorBodies;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An Anthropic stream relayed natively ({@code AnthropicNativeStream}): each provider event goes to
 * the client as it came (thinking, signatures, tool input, pings), except a text block's text that
 * the stream filters (output policy) changed or held back, which is written as a {@code text_delta}
 * of that block with the filtered text, and a {@code tool_use} block the relay held while output
 * rules check tool calls, which is written at its stop as its start and one {@code
 * input_json_delta} of the checked input. {@code message_delta} (with the usage the relay
 * accounted) goes out before the record, {@code message_stop} after it, {@code event: error} in
 * Anthropic's shape when the stream fails.
 */
final class MessagesNativeEvents implements StreamEvents {
    private static final JsonProvider JSON = JsonProvider.provider();
    private boolean deltaWritten;

    @Override
    public void chunk(OutputStream os, JsonObject chunk, String raw) throws IOException {
        JsonObject event =
                chunk.get(AnthropicNativeStream.EVENT) instanceof JsonObject e ? e : null;
        if (raw != null) {
            write(os, raw);
            deltaWritten |= event != null && "message_delta".equals(event.getString("type", ""));
            return;
        }
        JsonObject choice =
                chunk.get("choices") instanceof JsonArray cs
                                && !cs.isEmpty()
                                && cs.get(0) instanceof JsonObject c
                        ? c
                        : null;
        if (event == null
                && choice != null
                && choice.get("delta") instanceof JsonObject d
                && d.get("tool_calls") instanceof JsonArray calls) {
            // a tool_use block the relay held until its stop and checked whole
            toolUse(os, choice.getInt("index", 0), calls);
            return;
        }
        if (choice != null
                && choice.get("delta") instanceof JsonObject d
                && d.get("content") instanceof JsonString text) {
            // text as the filters left it: a delta of its block (none while a filter holds it)
            if (text.getString().isEmpty()) {
                return;
            }
            int index = choice.getInt("index", 0);
            if (event != null && "content_block_start".equals(event.getString("type", ""))) {
                event(
                        os,
                        JSON.createObjectBuilder(event)
                                .add("content_block", MessagesAnswer.textBlock(text.getString()))
                                .build());
                return;
            }
            event(
                    os,
                    JSON.createObjectBuilder()
                            .add("type", "content_block_delta")
                            .add("index", index)
                            .add(
                                    "delta",
                                    JSON.createObjectBuilder()
                                            .add("type", "text_delta")
                                            .add("text", text.getString()))
                            .build());
            return;
        }
        if (event != null) {
            event(os, event);
            deltaWritten |= "message_delta".equals(event.getString("type", ""));
        }
    }

    /**
     * A held tool_use block as the checks left it: its start and its whole input (redacted where a
     * rule masked it) in one {@code input_json_delta}; its {@code content_block_stop} is the
     * provider's, which follows.
     */
    private static void toolUse(OutputStream os, int index, JsonArray calls) throws IOException {
        for (JsonValue cv : calls) {
            if (!(cv instanceof JsonObject call)) {
                continue;
            }
            JsonObject fn =
                    call.get("function") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
            event(
                    os,
                    JSON.createObjectBuilder()
                            .add("type", "content_block_start")
                            .add("index", index)
                            .add(
                                    "content_block",
                                    JSON.createObjectBuilder()
                                            .add("type", "tool_use")
                                            .add("id", call.getString("id", ""))
                                            .add("name", fn.getString("name", ""))
                                            .add("input", JsonValue.EMPTY_JSON_OBJECT))
                            .build());
            String input = fn.getString("arguments", "");
            if (!input.isEmpty()) {
                event(
                        os,
                        JSON.createObjectBuilder()
                                .add("type", "content_block_delta")
                                .add("index", index)
                                .add(
                                        "delta",
                                        JSON.createObjectBuilder()
                                                .add("type", "input_json_delta")
                                                .add("partial_json", input))
                                .build());
            }
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
        if (deltaWritten) {
            return;
        }
        JsonObject last =
                lastChunk != null
                                && lastChunk.get(AnthropicNativeStream.EVENT)
                                        instanceof JsonObject e
                        ? e
                        : null;
        if (last != null && "message_delta".equals(last.getString("type", ""))) {
            // held back by the relay with its usage: the provider's own event
            event(os, last);
        } else {
            event(
                    os,
                    JSON.createObjectBuilder()
                            .add("type", "message_delta")
                            .add(
                                    "delta",
                                    JSON.createObjectBuilder()
                                            .add("stop_reason", "end_turn")
                                            .addNull("stop_sequence"))
                            .add(
                                    "usage",
                                    JSON.createObjectBuilder()
                                            .add("input_tokens", inputTokens)
                                            .add("output_tokens", outputTokens))
                            .build());
        }
        deltaWritten = true;
    }

    @Override
    public void done(OutputStream os) throws IOException {
        event(os, JSON.createObjectBuilder().add("type", "message_stop").build());
    }

    @Override
    public void error(OutputStream os, int status, String code, String message) throws IOException {
        write(os, "event: error\ndata: " + ErrorBodies.anthropic(status, message));
    }

    private static void event(OutputStream os, JsonObject data) throws IOException {
        write(os, "event: " + data.getString("type", "") + "\ndata: " + data);
    }

    private static void write(OutputStream os, String event) throws IOException {
        os.write((event + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
