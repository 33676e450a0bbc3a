package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.pipeline.GatewayRequests;
import io.gatehouse.routing.internal.pipeline.GatewayService;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/responses} (OpenAI Responses) as a client dialect of the chat pipeline: the body
 * is read into a chat request ({@link ResponsesRequests}; a stored conversation prepended for
 * {@code previous_response_id}), which runs through {@link GatewayService} exactly as a chat
 * completion does (keys, limits, budgets, stages, policy, failover, one audit event naming the
 * endpoint), and the answer is rendered back as a {@code response} object ({@link ResponseObjects})
 * or as the Responses stream events ({@link ResponsesEvents}). Stored responses follow the tenant's
 * content retention ({@link StoredResponses}).
 */
@ApplicationScoped
public class ResponsesDialect {
    public static final String ENDPOINT = "/v1/responses";
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject GatewayService gateway;
    @Inject StoredResponses stored;

    public GatewayService.Answer create(
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        JsonObject req;
        String model = null;
        ResponsesRequests.Translated t;
        StoredResponses.Decision decision;
        List<JsonObject> previous;
        try {
            GatewayRequests.Body body = GatewayRequests.read(bodyText);
            req = body.json();
            model = req.get("model") instanceof JsonString s ? s.getString() : null;
            body.requireStorable();
            t = ResponsesRequests.read(req);
            decision = stored.decide(key.tenant(), t.store(), t.previousResponseId());
            previous =
                    t.previousResponseId() == null
                            ? List.of()
                            : stored.conversation(key, t.previousResponseId());
            if (!previous.isEmpty()) {
                List<JsonObject> built = new ArrayList<>(previous);
                built.addAll(t.input());
                stored.checkSize(built);
            }
        } catch (GatehouseException e) {
            // refused before the pipeline: audited all the same, naming the endpoint
            throw gateway.refusedFor(ENDPOINT, model, key, requestId, clientRequestId, e);
        }
        ResponseObjects.Shape shape = ResponseObjects.Shape.of(req);
        List<JsonObject> conversation = new ArrayList<>(previous);
        conversation.addAll(t.input());
        GatewayService.Answer answer;
        try {
            answer =
                    gateway.chatFor(
                            ENDPOINT,
                            t.chatBody(previous).toString(),
                            key,
                            requestId,
                            clientRequestId,
                            headers);
        } catch (GatehouseException e) {
            throw inResponsesTerms(e);
        }
        if (answer.stream()) {
            StreamingOutput chat = (StreamingOutput) answer.entity();
            ResponsesEvents events =
                    new ResponsesEvents(
                            shape,
                            decision.store(),
                            rendered ->
                                    decision.store()
                                            && stored.save(key, decision, conversation, rendered));
            StreamingOutput out = os -> chat.write(new ResponsesStream(os, events));
            return new GatewayService.Answer(out, true, answer.headers());
        }
        JsonObject completion =
                answer.entity() instanceof JsonObject o ? o : parse(answer.entity().toString());
        ResponseObjects.Rendered rendered =
                ResponseObjects.fromChat(shape, completion, decision.store());
        if (decision.store() && !stored.save(key, decision, conversation, rendered)) {
            // charged and recorded already: answered, but not stored (and saying so)
            rendered = ResponseObjects.fromChat(shape, completion, false);
        }
        return new GatewayService.Answer(rendered.response(), false, answer.headers());
    }

    /** {@code GET /v1/responses/{id}}: the response this key stored, else 404; audited. */
    public JsonObject stored(ClientKey key, String id, String requestId) {
        return stored.response(key, id, requestId);
    }

    private static JsonObject parse(String text) {
        try (JsonReader r = JSON.createReader(new StringReader(text))) {
            return r.readObject();
        }
    }

    /**
     * The pipeline's error with its {@code param} named as in the Responses request (the pipeline
     * validated the translated chat request).
     */
    static GatehouseException inResponsesTerms(GatehouseException e) {
        String p = e.param();
        if (p == null) {
            return e;
        }
        String mapped = p;
        if (p.startsWith("messages")) {
            mapped = "input";
        } else if (p.equals("max_completion_tokens")) {
            mapped = "max_output_tokens";
        } else if (p.startsWith("response_format")) {
            mapped = "text.format";
        } else if (p.equals("reasoning_effort")) {
            mapped = "reasoning.effort";
        } else if (p.startsWith("tools[")) {
            mapped = p.replace(".function.", ".");
        }
        return mapped.equals(p)
                ? e
                : new GatehouseException(e.status(), e.code(), e.getMessage(), mapped, e.headers());
    }
}
