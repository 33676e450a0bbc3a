package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.CatalogCache;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.TokenEstimate;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway pipeline, one for every operation ({@link ChatOperation}, {@link
 * EmbeddingsOperation}): the client's body read into an exchange, the stages before routing, route
 * selection, admission against the key's limits, the operation's provider attempts with failover,
 * and the request's single record ({@link CallRecord#close}: audit event, metrics, settlement),
 * written before the client gets the answer. A stream is recorded by {@link SseRelay} when it ends.
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
    public record Answer(Object entity, boolean stream, Map<String, String> headers) {}

    public Answer chat(
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        return run(chat, bodyText, key, requestId, clientRequestId, headers, null);
    }

    /**
     * A chat request a client dialect translated from its own endpoint's body ({@code
     * /v1/responses}): the same pipeline, and the audit event names {@code endpoint}. The dialect
     * renders the answer (or the stream's events) back in its own shape.
     */
    public Answer chatFor(
            String endpoint,
            String chatBodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        return run(chat, chatBodyText, key, requestId, clientRequestId, headers, endpoint);
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
                headers,
                null);
    }

    /** The provider kind whose count_tokens the gateway asks for exact counts. */
    static final String EXACT_COUNTS = "anthropic";

    /** What {@link #countTokens} answers: the count, whether it is exact, the headers. */
    public record TokenCount(long inputTokens, boolean exact, Map<String, String> headers) {}

    /**
     * The input tokens of a dialect's request as the stages leave it (a redacted prompt is counted
     * redacted), for a route this key may use: the same body checks, stages, route and scope checks
     * as a request, admitted as one request with no tokens (rate limits count it), recorded once
     * like any request (its audit event names the endpoint; it used no tokens). Exact when the
     * route's first choice is an Anthropic provider (its count_tokens, with failover among the
     * route's Anthropic targets; a failure is the client's error, not an estimate), else an
     * estimate (~4 characters per token, tools included).
     */
    public TokenCount countTokens(
            ChatDialect dialect,
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        Call call = new Call(key, requestId, clientRequestId, chat.name(), dialect.endpoint());
        long tokens = 0;
        boolean exact = false;
        GatehouseException error = null;
        try {
            GatewayRequests.Body parsed = GatewayRequests.read(bodyText);
            JsonObject json = parsed.json();
            call.requestedModel = json.get("model") instanceof JsonString s ? s.getString() : null;
            parsed.requireStorable();
            Operation.Request request = new DialectOperation(chat, dialect).read(bodyText, json);
            GatewayExchange ex =
                    new GatewayExchange(
                            key.tenant(),
                            key.id().toString(),
                            requestId,
                            chat.name(),
                            request.parsed(),
                            GatewayRequests.stageHeaders(headers));
            call.exchange = ex;
            stages.beforeRouting(ex);
            call.snapshot = catalog.snapshot(key.tenant());
            Route route = RouteSelection.resolve(call, call.snapshot, ex.model(), chat.name());
            List<Candidate> candidates =
                    RouteSelection.candidates(
                            call, call.snapshot, route, request.json(), chat.name());
            record.admit(call, 0, 0);
            List<Candidate> ordered = attempts.order(route, candidates);
            OptionalLong counted = OptionalLong.empty();
            if (ordered.get(0).provider().kind().equals(EXACT_COUNTS)) {
                // the route's first choice counts itself: asked (with failover among its kind,
                // whose counts agree), never replaced by an estimate when it fails
                List<Candidate> counting =
                        ordered.stream()
                                .filter(c -> c.provider().kind().equals(EXACT_COUNTS))
                                .toList();
                long deadline = attempts.deadline();
                try {
                    counted =
                            attempts.run(
                                            call,
                                            counting,
                                            false,
                                            c ->
                                                    attempts.adapter(c)
                                                            .countTokens(
                                                                    attempts.providerCall(
                                                                            c,
                                                                            ex.request(),
                                                                            null,
                                                                            deadline)))
                                    .result();
                } catch (Failover.Exhausted e) {
                    call.attempts = e.attempts();
                    throw Attempts.mapExhausted(e);
                }
            }
            if (counted.isPresent()) {
                tokens = counted.getAsLong();
                exact = true;
            } else {
                tokens = chat.estimatedInput(ex.messages());
                for (ChatRequest.Tool t : ex.request().tools()) {
                    tokens += TokenEstimate.ofText(t.json().toString());
                }
            }
            call.status = 200;
        } catch (GatehouseException e) {
            error = e;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Token count " + requestId + " failed", e);
            error = internal(requestId);
        }
        if (error != null) {
            call.failed(error.status(), error.code());
        }
        try {
            record.close(call);
        } catch (GatehouseException e) {
            error = e;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Token count " + requestId + " not recorded", e);
            error = internal(requestId);
        }
        if (error != null) {
            throw record.withHeaders(call, error);
        }
        return new TokenCount(tokens, exact, record.headers(call));
    }

    public Answer embeddings(
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        return run(embeddings, bodyText, key, requestId, clientRequestId, headers, null);
    }

    /**
     * A dialect's request refused before it reached the pipeline (its own body was invalid): the
     * same single audit event as a refused chat request, naming {@code endpoint}. Returns the error
     * to throw, with the call's headers (or audit's 503 when the event could not be written).
     */
    public GatehouseException refusedFor(
            String endpoint,
            String requestedModel,
            ClientKey key,
            String requestId,
            String clientRequestId,
            GatehouseException error) {
        Call call = new Call(key, requestId, clientRequestId, chat.name(), endpoint);
        call.requestedModel = requestedModel;
        call.failed(error.status(), error.code());
        try {
            record.close(call);
        } catch (GatehouseException e) {
            return record.withHeaders(call, e);
        }
        return record.withHeaders(call, error);
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
            Map<String, String> headers,
            String endpoint) {
        Call call =
                new Call(
                        key,
                        requestId,
                        clientRequestId,
                        op.name(),
                        endpoint != null ? endpoint : op.endpoint());
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
            LOG.log(Level.SEVERE, "Gateway request " + requestId + " failed", e);
            error = internal(requestId);
        }
        if (error != null) {
            call.failed(error.status(), error.code());
        }
        try {
            record.close(call); // durable before the client hears anything
        } catch (GatehouseException e) {
            error = e; // audit unavailable: what the client gets instead
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Gateway request " + requestId + " not recorded", e);
            error = internal(requestId);
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
        Operation.Request request = op.read(bodyText, json);
        call.streamed = request.stream();
        GatewayExchange ex =
                new GatewayExchange(
                        call.key.tenant(),
                        call.key.id().toString(),
                        call.requestId,
                        op.name(),
                        request.parsed(),
                        GatewayRequests.stageHeaders(headers));
        call.exchange = ex;
        stages.beforeRouting(ex);
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
        long maxOut = op.maxOutput(request.json());
        record.admit(
                call,
                estimatedIn + maxOut,
                RouteSelection.maxCost(candidates, estimatedIn, maxOut));
        List<Candidate> ordered = attempts.order(route, candidates);
        return op.send(call, request, route, ordered, estimatedIn);
    }

    private static GatehouseException internal(String requestId) {
        return new GatehouseException(
                500, "internal_error", "Internal error; quote request id " + requestId);
    }
}
