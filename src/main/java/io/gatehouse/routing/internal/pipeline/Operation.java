package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatMessage;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * What one operation (chat, embeddings) adds to the shared pipeline in {@link GatewayService}:
 * reading its body into the exchange's messages, its token estimates for admission, and the
 * provider attempts with their answer. Everything else (stages, route selection, admission, the
 * single record) is the pipeline's.
 */
interface Operation {
    /** The operation's name: routes serve one, audit events and spans name it. */
    String name();

    /** Validates the request's fields and reads the messages the stages see. */
    Request read(JsonObject json);

    /** Input tokens of the messages as the stages left them (admission; fallback accounting). */
    long estimatedInput(List<ChatMessage> messages);

    /** The most output tokens the request asks for (admission). */
    long maxOutput(JsonObject json);

    /**
     * Calls the route's candidates in order and answers: a JSON answer with the call's usage
     * accounted, or an open stream that records the call when it ends.
     */
    Sent send(Call call, Request request, Route route, List<Candidate> ordered, long estimatedIn)
            throws Failover.Exhausted;

    /**
     * A read request: the client's JSON, the messages for the stages, each message's original JSON
     * (so the upstream body keeps what the stages do not see), and the prompt variables if any.
     */
    record Request(
            JsonObject json,
            List<ChatMessage> messages,
            IdentityHashMap<ChatMessage, JsonObject> originals,
            JsonObject promptVariables,
            boolean stream) {}

    /** What {@link #send} gives: a JSON answer, or a stream to relay (exactly one is set). */
    record Sent(JsonObject answer, StreamingOutput stream) {
        static Sent answer(JsonObject answer) {
            return new Sent(answer, null);
        }

        static Sent stream(StreamingOutput stream) {
            return new Sent(null, stream);
        }
    }
}
