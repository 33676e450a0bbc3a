package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * Chat in a client dialect: the dialect reads the body; estimates, attempts, answer stages and
 * streams are {@link ChatOperation}'s, which renders the answer through the dialect. The client's
 * bytes never go to a provider of another dialect (the adapters render the canonical request); a
 * provider that speaks the dialect natively gets the dialect's own body ({@link NativeRequest}).
 */
final class DialectOperation implements Operation {
    private final ChatOperation chat;
    private final ChatDialect dialect;

    DialectOperation(ChatOperation chat, ChatDialect dialect) {
        this.chat = chat;
        this.dialect = dialect;
    }

    @Override
    public String name() {
        return chat.name();
    }

    @Override
    public String endpoint() {
        return dialect.endpoint();
    }

    @Override
    public Request read(GatewayRequests.Body body) {
        JsonObject json = body.json();
        ChatRequest parsed = dialect.read(json);
        JsonObject asChat = OpenAiChat.render(parsed, parsed.model());
        // chat's own limits hold for whatever a dialect produced (a backstop: the dialect checked
        // its fields in its own terms first)
        GatewayRequests.validateChat(asChat);
        return new Request(
                asChat, parsed, null, dialect, dialect.nativeRequest(body.bytes(), json));
    }

    @Override
    public long estimatedInput(List<ChatMessage> messages) {
        return chat.estimatedInput(messages);
    }

    @Override
    public long maxOutput(JsonObject json) {
        return chat.maxOutput(json);
    }

    @Override
    public void capOutput(GatewayExchange ex) {
        chat.capOutput(ex);
    }

    @Override
    public Sent send(
            Call call, Request request, Route route, List<Candidate> ordered, long estimatedIn)
            throws Failover.Exhausted {
        return chat.send(call, request, route, ordered, estimatedIn);
    }
}
