package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.CatalogCache;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway pipeline, one for every operation ({@link ChatOperation}, {@link
 * EmbeddingsOperation}, chat in a client dialect {@link DialectOperation}, a dialect's token count
 * {@link CountTokensOperation}): the client's body read into an exchange, the stages before
 * routing, route selection, admission against the key's limits, the operation's provider attempts
 * with failover, and the request's single record ({@link CallRecord#close}: audit event, metrics,
 * settlement), written before the client gets the answer. A stream is recorded by {@link SseRelay}
 * when it ends.
 */
@ApplicationScoped
public class GatewayService {
    private static final Logger LOG = Logger.getLogger(GatewayService.class.getName());

    @Inject CatalogCache catalog;
    @Inject Stages stages;
    @Inject Attempts attempts;
    @Inject CallRecord record;
    @Inject ChatOperation chat;
    @Inject EmbeddingsOperation embeddings;

    /** What the resource sends: a JSON answer or an event stream, with headers. */
    public record Answer(Object entity, boolean stream, Map<String, String> headers) {
        /** The HTTP answer of a {@code /v1} resource: 200, JSON or an event stream, its headers. */
        public Response response() {
            Response.ResponseBuilder b =
                    Response.ok(
                            entity,
                            stream
                                    ? MediaType.SERVER_SENT_EVENTS_TYPE
                                    : MediaType.APPLICATION_JSON_TYPE);
            headers.forEach(b::header);
            return b.build();
        }
    }

    public Answer chat(
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        return run(chat, bodyText, key, requestId, clientRequestId, headers);
    }

    /**
     * Chat in a client dialect (issue 17): the dialect reads its body into the canonical request
     * and renders the answer and stream events; everything between is chat's pipeline.
     */
    public Answer chat(
            ChatDialect dialect,
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        return run(
                new DialectOperation(chat, dialect),
                bodyText,
                key,
                requestId,
                clientRequestId,
                headers);
    }

    /** What {@link #countTokens} answers: the count, whether it is exact, the headers. */
    public record TokenCount(long inputTokens, boolean exact, Map<String, String> headers) {}

    /**
     * The input tokens of a dialect's request as the stages leave it, run as an operation of the
     * one pipeline ({@link CountTokensOperation}): admitted and recorded exactly like a request.
     */
    public TokenCount countTokens(
            ChatDialect dialect,
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        Answer answer =
                run(
                        new CountTokensOperation(new DialectOperation(chat, dialect), attempts),
                        bodyText,
                        key,
                        requestId,
                        clientRequestId,
                        headers);
        TokenCount counted = (TokenCount) answer.entity();
        return new TokenCount(counted.inputTokens(), counted.exact(), answer.headers());
    }

    public Answer embeddings(
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        return run(embeddings, bodyText, key, requestId, clientRequestId, headers);
    }

    /** The route aliases this key may use. */
    public List<Route> models(ClientKey key) {
        return catalog.snapshot(key.tenant()).routes().values().stream()
                .filter(Route::enabled)
                .filter(r -> key.mayUse(r.alias()))
                .sorted(Comparator.comparing(Route::alias))
                .toList();
    }

    public Route model(ClientKey key, String alias) {
        Route r = catalog.snapshot(key.tenant()).route(alias).orElse(null);
        if (r == null || !key.mayUse(alias)) {
            throw new NotFoundException(
                    "model_not_found", "The model '" + alias + "' does not exist");
        }
        return r;
    }

    /**
     * One request through the pipeline. Every way it ends reaches {@link CallRecord#close} exactly
     * once: here for a JSON answer or an error, in the relay for a stream.
     */
    private Answer run(
            Operation op,
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        return run(
                op,
                new Call(key, requestId, clientRequestId, op.name(), op.endpoint()),
                bodyText,
                headers);
    }

    /**
     * A person's or an evaluation's chat call with stage overrides ({@link PersonCalls}, {@link
     * EvaluationTraffic}): the same pipeline as a key's, never streamed; the call is left with what
     * it used.
     */
    Answer chat(Call call, String bodyText) {
        return run(chat, call, bodyText, Map.of());
    }

    /**
     * An evaluation's embeddings call ({@link EvaluationTraffic}): the same pipeline as a key's.
     */
    Answer embeddings(Call call, String bodyText) {
        return run(embeddings, call, bodyText, Map.of());
    }

    private Answer run(Operation op, Call call, String bodyText, Map<String, String> headers) {
        Operation.Sent sent = null;
        GatehouseException error = null;
        try {
            sent = send(op, call, bodyText, headers);
            if (sent.stream() != null) {
                // recorded by the relay when the stream ends
                Map<String, String> h = record.headers(call);
                h.put("Cache-Control", "no-cache");
                h.put("X-Accel-Buffering", "no");
                return new Answer(sent.stream(), true, h);
            }
            call.status = 200;
        } catch (Failover.Exhausted e) {
            call.attempts = e.attempts();
            error = Attempts.mapExhausted(e);
        } catch (GatehouseException e) {
            error = e;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Gateway request " + call.requestId + " failed", e);
            error = internal(call.requestId);
        }
        if (error != null) {
            call.failed(error.status(), error.code());
        }
        try {
            record.close(call); // durable before the client hears anything
        } catch (GatehouseException e) {
            error = e; // audit unavailable: what the client gets instead
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Gateway request " + call.requestId + " not recorded", e);
            error = internal(call.requestId);
        }
        if (error != null) {
            throw record.withHeaders(call, error);
        }
        return new Answer(sent.answer(), false, record.headers(call));
    }

    /** Admission and stages, route selection and limits, then the operation's attempts. */
    private Operation.Sent send(
            Operation op, Call call, String bodyText, Map<String, String> headers)
            throws Failover.Exhausted {
        GatewayRequests.Body parsed = GatewayRequests.read(bodyText);
        JsonObject json = parsed.json();
        call.requestedModel = json.get("model") instanceof JsonString s ? s.getString() : null;
        parsed.requireStorable(); // after noting the model: the refusal is audited with it, escaped
        Operation.Request request = op.read(parsed);
        call.streamed = request.stream();
        record.read(call, request.parsed());
        GatewayExchange ex =
                new GatewayExchange(
                        call.key.tenant(),
                        call.key.id().toString(),
                        call.requestId,
                        op.name(),
                        request.parsed(),
                        GatewayRequests.stageHeaders(headers));
        call.exchange = ex;
        if (call.overrides != null) {
            call.overrides.applyTo(ex);
        }
        if (request.nativeRequest() != null) {
            // what only the native body carries (signed thinking) is under input policy too
            ex.signedInput(request.nativeRequest().unchangeableInput());
        }
        stages.beforeRouting(ex);
        if (request.parsed().messages().isEmpty()) {
            // the client sent none (a managed prompt's chat): the stages must have given some
            GatewayRequests.requireMessages(ex.messages());
        }
        call.snapshot = catalog.snapshot(call.key.tenant());
        Route route = RouteSelection.resolve(call, call.snapshot, ex.model(), op.name());
        // the request in chat's shape (a dialect's body rendered): what capabilities it needs
        List<Candidate> candidates =
                op.serving(
                        route,
                        request,
                        RouteSelection.candidates(
                                call, call.snapshot, route, request.json(), op.name()));
        long estimatedIn = op.estimatedInput(ex.messages());
        if (op.spendsTokens()) {
            if (record.hasBudget(call.key.tenant())) {
                // the reservation below is the worst case only if the provider is held to it
                op.capOutput(ex);
            }
            long maxOut = op.maxOutput(request.json());
            long reservedIn = Math.max(estimatedIn, ChatOperation.budgetInput(ex.request()));
            record.admit(
                    call,
                    reservedIn + maxOut,
                    RouteSelection.maxCost(candidates, reservedIn, maxOut));
        } else {
            record.admit(call, 0, 0); // one request against the rate limits, no tokens
        }
        List<Candidate> ordered = attempts.order(route, candidates);
        return op.send(call, request, route, ordered, estimatedIn);
    }

    private static GatehouseException internal(String requestId) {
        return new GatehouseException(
                500, "internal_error", "Internal error; quote request id " + requestId);
    }
}
