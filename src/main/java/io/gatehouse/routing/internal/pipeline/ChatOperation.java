package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Prices;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.ProviderException;
import io.gatehouse.routing.internal.provider.ProviderStream;
import io.gatehouse.routing.internal.provider.TokenEstimate;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/chat/completions}: messages for the stages, the answer cache on caching routes, the
 * answer stages, and streams (opened here with failover until the first chunk, relayed by {@link
 * SseRelay}).
 */
@ApplicationScoped
public class ChatOperation implements Operation {
    @Inject Attempts attempts;
    @Inject Stages stages;
    @Inject GatewayTracing tracing;
    @Inject SseRelay relay;

    private final ResponseCache cache = new ResponseCache(10_000, System::currentTimeMillis);

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public Request read(JsonObject json) {
        GatewayRequests.validateChat(json);
        IdentityHashMap<ChatMessage, JsonObject> originals = new IdentityHashMap<>();
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonValue v : json.getJsonArray("messages")) {
            JsonObject m = v.asJsonObject();
            ChatMessage cm =
                    new ChatMessage(
                            m.getString("role"), GatewayRequests.text(m.get("content")), false);
            originals.put(cm, m);
            messages.add(cm);
        }
        return new Request(
                json,
                messages,
                originals,
                json.get("prompt_variables") instanceof JsonObject pv ? pv : null,
                json.getBoolean("stream", false));
    }

    @Override
    public long estimatedInput(List<ChatMessage> messages) {
        return TokenEstimate.ofMessages(messages.stream().map(ChatMessage::text).toList());
    }

    @Override
    public long maxOutput(JsonObject req) {
        return req.containsKey("max_completion_tokens")
                ? req.getJsonNumber("max_completion_tokens").longValue()
                : req.containsKey("max_tokens") ? req.getJsonNumber("max_tokens").longValue() : 256;
    }

    @Override
    public Sent send(
            Call call, Request request, Route route, List<Candidate> ordered, long estimatedIn)
            throws Failover.Exhausted {
        if (request.stream()) {
            return Sent.stream(stream(call, request, ordered));
        }
        GatewayExchange ex = call.exchange;
        // The cache key is the upstream request as the stages left it (built only for caching
        // routes).
        String cacheKey =
                route.cacheTtlSeconds() > 0
                        ? ResponseCache.key(call.key.tenant(), route.alias(), upstream(request, ex))
                        : null;
        JsonObject answer = cacheKey == null ? null : cached(call, cacheKey);
        if (answer == null) {
            long deadline = attempts.deadline();
            Failover.Outcome<JsonObject> out =
                    attempts.run(
                            call,
                            ordered,
                            false,
                            c -> {
                                JsonObject body = upstream(request, ex);
                                return tracing.attempt(
                                        "chat",
                                        c,
                                        () ->
                                                attempts.adapter(c)
                                                        .chat(
                                                                attempts.providerCall(
                                                                        c, body, deadline)));
                            });
            answer = out.result();
            if (cacheKey != null) {
                cache.put(
                        cacheKey,
                        answer,
                        out.candidate().provider().name(),
                        out.candidate().model().name(),
                        out.candidate().provider().region(),
                        route.cacheTtlSeconds());
            }
        }
        answer = stages.afterAnswer(ex, answer);
        account(call, answer, estimatedIn);
        return Sent.answer(answer);
    }

    /** The upstream body (without the model, which each attempt sets) as the stages left it. */
    private static JsonObject upstream(Request request, GatewayExchange ex) {
        return GatewayRequests.upstreamChat(
                request.json(),
                ex.messages(),
                request.originals(),
                request.stream(),
                ex.defaultParameters());
    }

    /** A cached answer whose provider and model still exist, taken as the call's candidate. */
    private JsonObject cached(Call call, String cacheKey) {
        Optional<ResponseCache.Entry> hit = cache.get(cacheKey);
        if (hit.isEmpty()) {
            return null;
        }
        Provider p = call.snapshot.providers().get(hit.get().provider());
        Candidate c =
                p == null
                        ? null
                        : p.model(hit.get().model())
                                .map(m -> new Candidate(p, m, 0, 0))
                                .orElse(null);
        if (c == null) {
            return null;
        }
        call.candidate = c;
        call.cacheHit = true;
        return hit.get().answer();
    }

    private static void account(Call call, JsonObject answer, long estimatedIn) {
        if (answer.get("usage") instanceof JsonObject u && u.containsKey("prompt_tokens")) {
            call.inputTokens = u.getJsonNumber("prompt_tokens").longValue();
            call.outputTokens =
                    u.containsKey("completion_tokens")
                            ? u.getJsonNumber("completion_tokens").longValue()
                            : 0;
        } else {
            call.estimated = true;
            call.inputTokens = estimatedIn;
            long out = 0;
            if (answer.get("choices") instanceof JsonArray choices) {
                for (JsonValue c : choices) {
                    JsonObject m = c.asJsonObject().getJsonObject("message");
                    if (m != null) {
                        out += TokenEstimate.ofText(GatewayRequests.text(m.get("content")));
                        if (m.containsKey("tool_calls")) {
                            out += TokenEstimate.ofText(m.get("tool_calls").toString());
                        }
                    }
                }
            }
            call.outputTokens = out;
        }
        // A cache hit spends nothing at the provider.
        call.costMicros =
                call.cacheHit || call.candidate == null
                        ? 0
                        : Prices.costMicros(
                                call.candidate.model(), call.inputTokens, call.outputTokens);
    }

    /**
     * Opens the stream: the first chunk is read inside the failover loop, so until a byte reached
     * the client a failing provider may still be replaced; after it, never.
     */
    private StreamingOutput stream(Call call, Request request, List<Candidate> ordered)
            throws Failover.Exhausted {
        GatewayExchange ex = call.exchange;
        long deadline = attempts.deadline();
        Failover.Outcome<SseRelay.Opened> out =
                attempts.run(
                        call,
                        ordered,
                        true,
                        c -> {
                            JsonObject body = upstream(request, ex);
                            // the attempt's span stays open until the stream ends (SseRelay): the
                            // usage and finish reasons come with the last chunks
                            return tracing.attemptStream(
                                    "chat",
                                    c,
                                    span -> {
                                        ProviderStream s =
                                                attempts.adapter(c).stream(
                                                        attempts.providerCall(c, body, deadline));
                                        try {
                                            SseRelay.Opened opened =
                                                    new SseRelay.Opened(s, s.next(), span);
                                            opened.first()
                                                    .ifPresent(
                                                            f -> GatewayTracing.answered(span, f));
                                            return opened;
                                        } catch (ProviderException | RuntimeException e) {
                                            s.close();
                                            throw e;
                                        }
                                    });
                        });
        // estimated again: the stages may have changed the messages before the provider call
        long estimatedIn = estimatedInput(ex.messages());
        boolean clientWantsUsage =
                request.json().get("stream_options") instanceof JsonObject so
                        && so.getBoolean("include_usage", false);
        return relay.answer(call, out, clientWantsUsage, estimatedIn);
    }
}
