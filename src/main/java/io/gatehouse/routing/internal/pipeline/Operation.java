package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.List;

/**
 * What one operation (chat, embeddings, a client dialect's chat or token count) adds to the shared
 * pipeline in {@link GatewayService}: reading its body into the exchange's messages, its token
 * estimates for admission, and the provider attempts with their answer. Everything else (stages,
 * route selection, admission, the single record) is the pipeline's.
 */
interface Operation {
    /** The operation's name: routes serve one, audit events and spans name it. */
    String name();

    /** A client dialect's endpoint, named in the audit event; null for the operation's own. */
    default String endpoint() {
        return null;
    }

    /**
     * Validates the request's fields and reads them, once, into the typed request the stages see;
     * {@code text} is the body as the client sent it.
     */
    Request read(String text, JsonObject json);

    /** Input tokens of the messages as the stages left them (admission; fallback accounting). */
    long estimatedInput(List<ChatMessage> messages);

    /** The most output tokens the request asks for (admission). */
    long maxOutput(JsonObject json);

    /**
     * Whether admission reserves the request's tokens and worst-case cost; one that spends none (a
     * token count) is admitted as one request with no tokens, which rate limits still count.
     */
    default boolean spendsTokens() {
        return true;
    }

    /**
     * Calls the route's candidates in order and answers: a JSON answer with the call's usage
     * accounted, or an open stream that records the call when it ends.
     */
    Sent send(Call call, Request request, Route route, List<Candidate> ordered, long estimatedIn)
            throws Failover.Exhausted;

    /**
     * A read request: the client's JSON (route selection reads capabilities from it), the typed
     * request as parsed (the exchange starts with it; while the exchange still holds this very
     * value, no stage changed anything), and the client's bytes when an adapter may forward them
     * (null when they must be rendered anyway).
     */
    record Request(JsonObject json, ChatRequest parsed, ClientBytes bytes, ChatDialect dialect) {
        /** A request in the operation's own dialect (chat completions, embeddings). */
        Request(JsonObject json, ChatRequest parsed, ClientBytes bytes) {
            this(json, parsed, bytes, null);
        }

        boolean stream() {
            return parsed.streaming();
        }
    }

    /**
     * What {@link #send} gives: a JSON answer (an object, or the provider's bytes as text when no
     * stage changed them), or a stream to relay (exactly one is set).
     */
    record Sent(Object answer, StreamingOutput stream) {
        static Sent answer(Object answer) {
            return new Sent(answer, null);
        }

        static Sent stream(StreamingOutput stream) {
            return new Sent(null, stream);
        }
    }
}
