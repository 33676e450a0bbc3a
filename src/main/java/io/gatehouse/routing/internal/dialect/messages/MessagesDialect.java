package io.gatehouse.routing.internal.dialect.messages;

import io.gatehouse.routing.internal.pipeline.ChatDialect;
import io.gatehouse.routing.internal.pipeline.NativeRequest;
import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonObject;

/**
 * Anthropic Messages as a chat dialect: its request, answer and events. Stateless; one instance for
 * messages, one for counting their tokens (a body without {@code max_tokens}).
 */
public final class MessagesDialect implements ChatDialect {
    public static final MessagesDialect INSTANCE = new MessagesDialect("/v1/messages", false);
    public static final MessagesDialect COUNT =
            new MessagesDialect("/v1/messages/count_tokens", true);

    private final String endpoint;
    private final boolean counting;

    private MessagesDialect(String endpoint, boolean counting) {
        this.endpoint = endpoint;
        this.counting = counting;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public ChatRequest read(JsonObject json) {
        return counting ? MessagesRequest.readForCount(json) : MessagesRequest.read(json);
    }

    @Override
    public Object answer(
            JsonObject completion, long inputTokens, long outputTokens, String requestId) {
        return MessagesAnswer.render(completion, inputTokens, outputTokens, requestId);
    }

    @Override
    public StreamEvents events(String requestId, long estimatedInputTokens) {
        return new MessagesEvents(requestId, estimatedInputTokens);
    }

    /** Anthropic providers speak Messages: they get the client's body (not for token counts). */
    @Override
    public NativeRequest nativeRequest(ClientBytes bytes, JsonObject json) {
        if (counting) {
            return null;
        }
        MessagesNative n = MessagesNative.of(bytes, json);
        // Both ways hold and check tool calls under output rules (the native one each tool_use
        // block, AnthropicNativeStream), but the native one ends a stream with a block it cannot
        // check (server_tool_use, ...): a stream that offers tools and needs no thinking takes the
        // translated way, which writes only what it mapped (docs/gateway.md, "Native
        // passthrough").
        if (n.onlyNative() == null
                && json.getBoolean("stream", false)
                && json.get("tools") instanceof jakarta.json.JsonArray tools
                && !tools.isEmpty()) {
            return null;
        }
        return n;
    }
}
