package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.error.ValidationException;
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
     * {@code body} holds the text as the client sent it, its parse and the client's bytes an
     * adapter may forward (from the one pass of {@link GatewayRequests#read}).
     */
    Request read(GatewayRequests.Body body);

    /** Input tokens of the messages as the stages left them (admission; fallback accounting). */
    long estimatedInput(List<ChatMessage> messages);

    /** The most output tokens the request asks for, all choices together (admission). */
    long maxOutput(JsonObject json);

    /**
     * For a tenant with a budget: a request naming no maximum output gets the one admission
     * reserves ({@link #maxOutput}) as its cap upstream. Nothing for operations without output.
     */
    default void capOutput(GatewayExchange ex) {}

    /**
     * The candidates that may serve this request, before admission: all of them, except that a
     * request only a native provider can serve ({@link NativeRequest#onlyNative}) never goes to a
     * provider of another kind (400 saying why when none is left).
     */
    default List<Candidate> serving(Route route, Request request, List<Candidate> candidates) {
        NativeRequest n = request.nativeRequest();
        if (n == null || n.onlyNative() == null) {
            return candidates;
        }
        List<Candidate> serving = candidates.stream().filter(request::nativeTo).toList();
        if (serving.isEmpty()) {
            throw new ValidationException(
                    "native_provider_required",
                    "model",
                    n.onlyNative()
                            + ", which only a provider of kind '"
                            + n.kind()
                            + "' can serve, and the model '"
                            + route.alias()
                            + "' has none that may serve this request");
        }
        return serving;
    }

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
    record Request(
            JsonObject json,
            ChatRequest parsed,
            ClientBytes bytes,
            ChatDialect dialect,
            NativeRequest nativeRequest) {
        /** A request in the operation's own dialect (chat completions, embeddings). */
        Request(JsonObject json, ChatRequest parsed, ClientBytes bytes) {
            this(json, parsed, bytes, null, null);
        }

        /** A client dialect's request that no provider speaks natively. */
        Request(JsonObject json, ChatRequest parsed, ClientBytes bytes, ChatDialect dialect) {
            this(json, parsed, bytes, dialect, null);
        }

        /** True when {@code c}'s provider speaks the client's own dialect. */
        boolean nativeTo(Candidate c) {
            return nativeRequest != null && nativeRequest.servedBy(c.provider());
        }

        /**
         * True when the attempt at {@code c} goes in the client's own dialect, decided on the
         * request as the stages left it ({@link NativeRequest#nativeFor}).
         */
        boolean nativeTo(Candidate c, ChatRequest asStagesLeft) {
            return nativeTo(c) && nativeRequest.nativeFor(asStagesLeft);
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
