package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.TokenEstimate;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A client dialect's token count ({@code /v1/messages/count_tokens}) as an operation of the one
 * pipeline: the same body checks, stages, route and scope checks as a request, admitted as one
 * request with no tokens and recorded once like any request (its audit event names the endpoint; it
 * used no tokens). The tokens are counted as the stages left the request (a redacted prompt is
 * counted redacted): exact when the route's first choice is an Anthropic provider (its
 * count_tokens, with failover among the route's Anthropic targets; a failure is the client's error,
 * never replaced by an estimate), else an estimate (~4 characters per token, tools included). Its
 * answer is a {@link GatewayService.TokenCount}.
 */
final class CountTokensOperation implements Operation {
    private final DialectOperation dialect;
    private final Attempts attempts;

    CountTokensOperation(DialectOperation dialect, Attempts attempts) {
        this.dialect = dialect;
        this.attempts = attempts;
    }

    @Override
    public String name() {
        return dialect.name();
    }

    @Override
    public String endpoint() {
        return dialect.endpoint();
    }

    @Override
    public Request read(GatewayRequests.Body body) {
        return dialect.read(body);
    }

    @Override
    public long estimatedInput(List<ChatMessage> messages) {
        return dialect.estimatedInput(messages);
    }

    @Override
    public long maxOutput(JsonObject json) {
        return 0;
    }

    @Override
    public boolean spendsTokens() {
        return false;
    }

    @Override
    public Sent send(
            Call call, Request request, Route route, List<Candidate> ordered, long estimatedIn)
            throws Failover.Exhausted {
        GatewayExchange ex = call.exchange;
        if (attempts.adapter(ordered.get(0)).countsTokens()) {
            // the route's first choice counts itself, with failover among its kind (whose counts
            // agree)
            String kind = ordered.get(0).provider().kind();
            List<Candidate> counting =
                    ordered.stream().filter(c -> c.provider().kind().equals(kind)).toList();
            long deadline = attempts.deadline();
            OptionalLong counted =
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
            if (counted.isPresent()) {
                return Sent.answer(
                        new GatewayService.TokenCount(counted.getAsLong(), true, Map.of()));
            }
        }
        long tokens = estimatedIn;
        for (ChatRequest.Tool t : ex.request().tools()) {
            tokens += TokenEstimate.ofText(t.json().toString());
        }
        return Sent.answer(new GatewayService.TokenCount(tokens, false, Map.of()));
    }
}
