package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.pipeline.GatewayService;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.Map;

/**
 * {@code POST /v1/responses} (OpenAI Responses) as a client dialect of the chat pipeline, like
 * Anthropic Messages: each request is a {@link ResponsesCodec} ({@code pipeline.ChatDialect}) run
 * by {@link GatewayService#chat(io.gatehouse.routing.internal.pipeline.ChatDialect, String,
 * ClientKey, String, String, Map)} exactly as a chat completion is (keys, limits, budgets, stages,
 * policy, failover, one audit event naming the endpoint); the answer is a {@code response} object
 * ({@link ResponseObjects}), a stream the Responses events ({@link ResponsesEvents}). Errors name
 * the field as the Responses request does. Stored responses follow the tenant's content retention
 * ({@link StoredResponses}).
 */
@ApplicationScoped
public class ResponsesDialect {
    public static final String ENDPOINT = "/v1/responses";

    @Inject GatewayService gateway;
    @Inject StoredResponses stored;

    public GatewayService.Answer create(
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        ResponsesCodec codec = new ResponsesCodec(key, stored);
        GatewayService.Answer answer;
        try {
            answer = gateway.chat(codec, bodyText, key, requestId, clientRequestId, headers);
        } catch (GatehouseException e) {
            throw inResponsesTerms(e);
        }
        if (answer.stream()) {
            return answer; // the events store the response when the recorded stream completes
        }
        // recorded already: stored only now, so that a refused record leaves nothing stored
        return new GatewayService.Answer(codec.storeAnswer(), false, answer.headers());
    }

    /** {@code GET /v1/responses/{id}}: the response this key stored, else 404; audited. */
    public JsonObject stored(ClientKey key, String id, String requestId) {
        return stored.response(key, id, requestId);
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
