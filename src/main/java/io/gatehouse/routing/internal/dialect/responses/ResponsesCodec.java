package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.pipeline.ChatDialect;
import io.gatehouse.routing.internal.pipeline.GatewayRequests;
import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code POST /v1/responses} request as a chat dialect, like Anthropic Messages: it reads the
 * Responses body into the canonical request (a stored conversation prepended for {@code
 * previous_response_id}, the tenant's store rule decided), renders the answer as a {@code response}
 * object and the stream as the Responses events. Fresh per request: it keeps what reading decided
 * (the response's id, whether and what to store) for the answer. A refusal while reading is the
 * pipeline's like any invalid body: one audit event naming the endpoint.
 */
final class ResponsesCodec implements ChatDialect {
    private final ClientKey key;
    private final StoredResponses stored;
    // set by read, before the pipeline goes on
    private ResponseObjects.Shape shape;
    private StoredResponses.Decision decision;
    private List<JsonObject> conversation;
    // set by answer (JSON answers)
    private JsonObject completion;
    private ResponseObjects.Rendered rendered;

    ResponsesCodec(ClientKey key, StoredResponses stored) {
        this.key = key;
        this.stored = stored;
    }

    @Override
    public String endpoint() {
        return ResponsesDialect.ENDPOINT;
    }

    @Override
    public ChatRequest read(JsonObject json) {
        ResponsesRequests.Translated t = ResponsesRequests.read(json);
        decision = stored.decide(key.tenant(), t.store(), t.previousResponseId());
        List<JsonObject> previous =
                t.previousResponseId() == null
                        ? List.of()
                        : stored.conversation(key, t.previousResponseId());
        conversation = new ArrayList<>(previous);
        conversation.addAll(t.input());
        if (!previous.isEmpty()) {
            stored.checkSize(conversation);
        }
        shape = ResponseObjects.Shape.of(json);
        JsonObject chat = t.chatBody(previous);
        // chat's own checks, in chat's terms (ResponsesDialect names the fields as the client did)
        GatewayRequests.validateChat(chat);
        return OpenAiChat.parse(chat);
    }

    @Override
    public Object answer(
            JsonObject completion, long inputTokens, long outputTokens, String requestId) {
        this.completion = completion;
        rendered = ResponseObjects.fromChat(shape, completion, decision.store());
        return rendered.response();
    }

    /**
     * The JSON answer once the call is recorded: stored when it is to be stored; when storing
     * fails, answered all the same (the call was made and charged) saying {@code store: false}.
     */
    JsonObject storeAnswer() {
        if (decision.store() && !stored.save(key, decision, conversation, rendered)) {
            return ResponseObjects.fromChat(shape, completion, false).response();
        }
        return rendered.response();
    }

    @Override
    public StreamEvents events(String requestId, long estimatedInputTokens) {
        return new ResponsesEvents(
                shape,
                decision.store(),
                r -> decision.store() && stored.save(key, decision, conversation, r));
    }
}
