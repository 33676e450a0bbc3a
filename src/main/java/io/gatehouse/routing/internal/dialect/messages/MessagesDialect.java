package io.gatehouse.routing.internal.dialect.messages;

import io.gatehouse.routing.internal.pipeline.ChatDialect;
import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonObject;

/** Anthropic Messages as a chat dialect: its request, answer and events. Stateless. */
public final class MessagesDialect implements ChatDialect {
    public static final MessagesDialect INSTANCE = new MessagesDialect();

    private MessagesDialect() {}

    @Override
    public String endpoint() {
        return "/v1/messages";
    }

    @Override
    public ChatRequest read(JsonObject json) {
        return MessagesRequest.read(json);
    }

    @Override
    public Object answer(
            JsonObject completion, long inputTokens, long outputTokens, String requestId) {
        return MessagesAnswer.render(completion, inputTokens, outputTokens, requestId);
    }

    @Override
    public StreamEvents events(String requestId) {
        return new MessagesEvents(requestId);
    }
}
