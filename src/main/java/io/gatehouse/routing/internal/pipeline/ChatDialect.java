package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonObject;

/**
 * A client dialect of chat (issue 17: Anthropic Messages, OpenAI Responses): a codec at the edge of
 * the pipeline, one instance per request when it keeps the request's state (Responses does). It
 * reads its body into the canonical {@link ChatRequest} and renders the canonical answer and stream
 * back in its own shape; keys, limits, budgets, stages, failover, accounting and the one audit
 * event are the chat pipeline's ({@link GatewayService#chat(ChatDialect, String,
 * io.gatehouse.edge.ClientKey, String, String, java.util.Map)}). Errors thrown before the answer
 * are {@code GatehouseException}s like chat's; the dialect's resource path decides their shape.
 */
public interface ChatDialect {
    /** The endpoint called, for the audit event's details ({@code endpoint}), e.g. /v1/messages. */
    String endpoint();

    /**
     * Validates the client's body (400 {@code invalid_request} naming the field as the dialect
     * names it) and reads it into the canonical request; its {@code model} is the route alias.
     */
    ChatRequest read(JsonObject json);

    /**
     * The client's answer: the chat completion as the answer stages left it, with the tokens the
     * call was accounted with (the provider's, or estimated).
     */
    Object answer(JsonObject completion, long inputTokens, long outputTokens, String requestId);

    /**
     * The events of one stream, fresh per request (they keep the stream's state); {@code
     * estimatedInputTokens} is the pipeline's estimate of the request's input as the stages left
     * it, known before any provider count.
     */
    StreamEvents events(String requestId, long estimatedInputTokens);

    /**
     * The request in the dialect's own wire form, when a provider kind speaks the dialect natively;
     * null (the default) when none does. {@code bytes} are the client's body as sent (null when
     * they must not be forwarded), {@code json} its parse, already read by {@link #read}.
     */
    default NativeRequest nativeRequest(ClientBytes bytes, JsonObject json) {
        return null;
    }
}
