package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.shared.error.ErrorBodies;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The chat completions stream: each chunk as {@code data: <chunk>} (the provider's bytes when no
 * filter changed it), the usage chunk when the client asked for it, {@code [DONE]} after the
 * record, OpenAI's error object when the stream failed.
 */
final class OpenAiEvents implements StreamEvents {
    private static final JsonProvider JSON = JsonProvider.provider(); // see Stages
    private final boolean clientWantsUsage;

    OpenAiEvents(boolean clientWantsUsage) {
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public void chunk(OutputStream os, JsonObject chunk, String raw) throws IOException {
        send(os, raw != null ? raw : chunk.toString());
    }

    @Override
    public void finish(
            OutputStream os,
            JsonObject lastChunk,
            long inputTokens,
            long outputTokens,
            boolean estimated)
            throws IOException {
        if (clientWantsUsage) {
            send(
                    os,
                    SseRelay.base(lastChunk)
                            .add("choices", JsonValue.EMPTY_JSON_ARRAY)
                            .add(
                                    "usage",
                                    JSON.createObjectBuilder()
                                            .add("prompt_tokens", inputTokens)
                                            .add("completion_tokens", outputTokens)
                                            .add("total_tokens", inputTokens + outputTokens))
                            .build()
                            .toString());
        }
    }

    @Override
    public void done(OutputStream os) throws IOException {
        send(os, "[DONE]");
    }

    @Override
    public void error(OutputStream os, int status, String code, String message) throws IOException {
        send(os, ErrorBodies.openAi(status, code, message, null));
    }

    /** One server-sent event, not flushed yet. */
    static void send(OutputStream os, String data) throws IOException {
        os.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
