package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Prices;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.TokenEstimate;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** {@code /v1/embeddings}: each input is a user message for the stages; no stream, no cache. */
@ApplicationScoped
public class EmbeddingsOperation implements Operation {
    @Inject Attempts attempts;
    @Inject GatewayTracing tracing;

    @Override
    public String name() {
        return "embeddings";
    }

    @Override
    public Request read(GatewayRequests.Body body) {
        JsonObject json = body.json();
        List<String> inputs = GatewayRequests.validateEmbeddings(json);
        List<ChatMessage> messages = new ArrayList<>();
        inputs.forEach(t -> messages.add(new ChatMessage("user", t, false)));
        return new Request(json, ChatRequest.of(GatewayRequests.model(json), messages, null), null);
    }

    @Override
    public long estimatedInput(List<ChatMessage> messages) {
        return messages.stream().mapToLong(m -> TokenEstimate.ofText(m.text())).sum();
    }

    @Override
    public long maxOutput(JsonObject json) {
        return 0;
    }

    @Override
    public Sent send(
            Call call, Request request, Route route, List<Candidate> ordered, long estimatedIn)
            throws Failover.Exhausted {
        long deadline = attempts.deadline();
        Failover.Outcome<JsonObject> out =
                attempts.run(
                        call,
                        ordered,
                        false,
                        c -> {
                            JsonObject body =
                                    GatewayRequests.upstreamEmbeddings(
                                            request.json(), call.exchange.messages());
                            return tracing.attempt(
                                    "embeddings",
                                    c,
                                    () ->
                                            attempts.adapter(c)
                                                    .embed(
                                                            attempts.providerCall(
                                                                    c, body, deadline)));
                        });
        JsonObject answer = out.result();
        if (answer.get("usage") instanceof JsonObject u && u.containsKey("prompt_tokens")) {
            call.inputTokens = u.getJsonNumber("prompt_tokens").longValue();
        } else {
            call.estimated = true;
            call.inputTokens = estimatedIn;
        }
        call.costMicros = Prices.costMicros(call.candidate.model(), call.inputTokens, 0);
        return Sent.answer(answer);
    }
}
