package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.pipeline.ChatDialect;
import io.gatehouse.routing.internal.pipeline.GatewayRequests;
import io.gatehouse.routing.internal.pipeline.NativeRequest;
import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
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
final class ResponsesCodec implements ChatDialect, ResponsesNativeEvents.Owner {
    private static final JsonProvider JSON = JsonProvider.provider();
    private final ClientKey key;
    private final StoredResponses stored;
    // set by read, before the pipeline goes on
    private ResponseObjects.Shape shape;
    private StoredResponses.Decision decision;
    private List<JsonObject> conversation;
    // set by answer (JSON answers)
    private JsonObject completion;
    private ResponseObjects.Rendered rendered;
    private boolean answeredNatively;

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
            if (answeredNatively) {
                return JSON.createObjectBuilder(rendered.response()).add("store", false).build();
            }
            return ResponseObjects.fromChat(shape, completion, false).response();
        }
        return rendered.response();
    }

    /**
     * A provider with {@code responsesApi} answers natively, JSON and streams alike; except a
     * stream whose request offers tools as the stages left it (the client's or a managed prompt's
     * defaults): it takes the translated way, decided per attempt ({@link
     * ResponsesNative#nativeFor}).
     */
    @Override
    public NativeRequest nativeRequest(ClientBytes bytes, JsonObject json) {
        return new ResponsesNative(this, json);
    }

    /**
     * A natively streamed response object ({@code provider}'s, {@code output} as the dialect
     * rewrote it) reduced to the fields a JSON answer keeps, under this gateway's id and store
     * setting, with the client's previous_response_id and instructions.
     */
    @Override
    public JsonObject streamedResponse(JsonObject provider, JsonArray output, boolean store) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        for (String f : ResponsesNative.ANSWER_FIELDS) {
            if (provider.get(f) != null) {
                b.add(f, provider.get(f));
            }
        }
        if (output != null) {
            b.add("output", output);
        }
        JsonObject request = shape.request();
        return b.add("id", shape.id())
                .add("store", store)
                .add("previous_response_id", echo(request, "previous_response_id"))
                .add("instructions", echo(request, "instructions"))
                .build();
    }

    /** Whether the response is to be stored (the tenant's rule and the request's store). */
    @Override
    public boolean storing() {
        return decision.store();
    }

    /**
     * Stores a natively streamed response ({@code response}, the client's text {@code text}) when
     * it is to be stored; false when it was not stored.
     */
    @Override
    public boolean storeStreamed(JsonObject response, String text) {
        return decision.store()
                && stored.save(
                        key,
                        decision,
                        conversation,
                        new ResponseObjects.Rendered(
                                response, ResponseObjects.assistant(text, List.of())));
    }

    /**
     * The provider's own {@code response} ({@code answer}, as the stages left its output) with this
     * gateway's id and store setting and the client's previous_response_id and instructions (the
     * upstream saw neither): the answer, kept for storing.
     */
    JsonObject nativeAnswered(JsonObjectBuilder answer, JsonObject afterStages) {
        completion = afterStages;
        JsonObject request = shape.request();
        JsonObject response =
                answer.add("id", shape.id())
                        .add("store", decision.store())
                        .add("previous_response_id", echo(request, "previous_response_id"))
                        .add("instructions", echo(request, "instructions"))
                        .build();
        rendered =
                new ResponseObjects.Rendered(
                        response, ResponseObjects.fromChat(shape, afterStages, false).assistant());
        answeredNatively = true;
        return response;
    }

    private static JsonValue echo(JsonObject request, String field) {
        JsonValue v = request.get(field);
        return v == null ? JsonValue.NULL : v;
    }

    @Override
    public StreamEvents events(String requestId, long estimatedInputTokens) {
        return new ResponsesEvents(
                shape,
                decision.store(),
                r -> decision.store() && stored.save(key, decision, conversation, r));
    }
}
