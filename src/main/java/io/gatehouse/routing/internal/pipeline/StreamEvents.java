package io.gatehouse.routing.internal.pipeline;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;

/**
 * How {@link SseRelay} writes one relayed stream in the client's dialect. The relay works on the
 * canonical stream (OpenAI chunks, as the provider adapters give them, after the stream filters)
 * and decides when the stream ends and how; a dialect only renders: chat completions writes the
 * chunks as they are ({@link OpenAiEvents}), a client dialect (Anthropic Messages, OpenAI
 * Responses) turns them into its own events. Nothing here flushes; the relay does, once per burst
 * of chunks.
 */
public interface StreamEvents {
    /**
     * One chunk as the filters left it; {@code raw} is the provider's own text of it when nothing
     * changed it (the chat dialect passes those bytes on), else null.
     */
    void chunk(OutputStream os, JsonObject chunk, String raw) throws IOException;

    /**
     * The provider's stream ended well and its usage is known: what the dialect sends with it,
     * before the call's record. {@code estimated} when the provider reported no usage and the
     * counts are the gateway's estimate. {@code lastChunk} is null when the provider sent none.
     */
    void finish(
            OutputStream os,
            JsonObject lastChunk,
            long inputTokens,
            long outputTokens,
            boolean estimated)
            throws IOException;

    /** The call is recorded: the stream's last event (chat: {@code [DONE]}). */
    void done(OutputStream os) throws IOException;

    /**
     * The stream failed after it started (provider cut, audit write failed, internal error): its
     * last event, in the dialect's error shape.
     */
    void error(OutputStream os, int status, String code, String message) throws IOException;
}
