package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Prices;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.ChatAnswer;
import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.internal.provider.ProviderCall;
import io.gatehouse.routing.internal.provider.ProviderException;
import io.gatehouse.routing.internal.provider.ProviderStream;
import io.gatehouse.routing.internal.provider.TokenEstimate;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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

    /**
     * The output tokens per choice admission reserves for a request that names no maximum ({@code
     * max_tokens}, {@code max_completion_tokens}, Responses' {@code max_output_tokens}); for a
     * tenant with a budget it is also sent upstream as the cap, so that the reservation is the
     * worst case (docs/gateway.md, "Budgets").
     */
    @Inject
    @ConfigProperty(name = "gatehouse.limits.default-max-output-tokens", defaultValue = "4096")
    long defaultMaxOutput = 4096;

    /** What an image (or another non-text part) counts for the budget: a large one's tokens. */
    static final long TOKENS_PER_IMAGE = 1600;

    private final ResponseCache cache = new ResponseCache(10_000, System::currentTimeMillis);

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public Request read(GatewayRequests.Body body) {
        JsonObject json = body.json();
        GatewayRequests.validateChat(json, GatewayRequests.namesManagedPrompt(json));
        ChatRequest parsed = OpenAiChat.parse(json);
        // a body with prompt_variables is never forwarded (the stages render it)
        ClientBytes bytes = parsed.promptVariables() == null ? body.bytes() : null;
        return new Request(json, parsed, bytes);
    }

    @Override
    public long estimatedInput(List<ChatMessage> messages) {
        return TokenEstimate.ofMessages(messages.stream().map(ChatMessage::text).toList());
    }

    @Override
    public long maxOutput(JsonObject req) {
        ChatRequest.Sampling s = OpenAiChat.sampling(req);
        long max = s.maxOutput() == null ? defaultMaxOutput : s.maxOutput();
        // every one of n choices may use the whole maximum
        long n = s.n() == null ? 1 : Math.max(1, s.n());
        return max * n;
    }

    @Override
    public void capOutput(GatewayExchange ex) {
        ChatRequest r = ex.request();
        if (r.sampling() != null && r.sampling().maxOutput() == null) {
            ex.request(r.withSampling(r.sampling().withMaxCompletionTokens(defaultMaxOutput)));
        }
    }

    /**
     * The input a budget reserves and a stream's running cost counts: every message's text, tool
     * calls (names and arguments) and non-text parts ({@link #TOKENS_PER_IMAGE} each), and the tool
     * definitions, by {@link TokenEstimate#conservative}. Leans high where {@link #estimatedInput}
     * (what a token count answers) is a plain estimate.
     */
    static long budgetInput(ChatRequest r) {
        long n = 3;
        for (ChatMessage m : r.messages()) {
            n += 4 + TokenEstimate.conservative(m.text());
            if (m.parts() != null) {
                n += TOKENS_PER_IMAGE * m.parts().stream().filter(p -> !p.isText()).count();
            }
            if (m.toolCalls() != null) {
                for (ChatMessage.ToolCall c : m.toolCalls()) {
                    n +=
                            TokenEstimate.conservative(c.name())
                                    + TokenEstimate.conservative(c.arguments());
                }
            }
        }
        for (ChatRequest.Tool t : r.tools()) {
            n += TokenEstimate.conservative(t.json().toString());
        }
        return n;
    }

    @Override
    public Sent send(
            Call call, Request request, Route route, List<Candidate> ordered, long estimatedIn)
            throws Failover.Exhausted {
        if (request.stream()) {
            return Sent.stream(stream(call, request, ordered));
        }
        GatewayExchange ex = call.exchange;
        UpstreamOnce upstream = new UpstreamOnce(request, ex);
        // Key: the upstream request as the stages left it (caching routes). Never (neither read nor
        // written) for what only a native provider serves, a test call or an evaluation's call
        boolean cacheable =
                route.cacheTtlSeconds() > 0
                        && call.mayUseAnswerCache()
                        && (request.nativeRequest() == null
                                || request.nativeRequest().onlyNative() == null);
        String cacheKey =
                cacheable
                        ? ResponseCache.key(
                                call.key.tenant(), route.alias(), cacheForm(upstream.get()))
                        : null;
        JsonObject cachedAnswer = cacheKey == null ? null : cached(call, cacheKey);
        ChatAnswer answer = cachedAnswer == null ? null : ChatAnswer.of(cachedAnswer, null);
        if (answer == null) {
            long deadline = attempts.deadline();
            Failover.Outcome<ChatAnswer> out =
                    attempts.run(
                            call,
                            ordered,
                            false,
                            c -> {
                                ProviderCall pc = providerCall(c, request, upstream, deadline);
                                return tracing.attempt(
                                        "chat", c, () -> attempts.adapter(c).answer(pc));
                            });
            answer = out.result();
            passthrough(call, request, upstream.get().chat());
            if (cacheKey != null) {
                cache.put(
                        cacheKey,
                        answer.json(),
                        out.candidate().provider().name(),
                        out.candidate().model().name(),
                        out.candidate().provider().region(),
                        route.cacheTtlSeconds());
            }
        }
        if (answer.nativeJson() != null && request.nativeRequest() != null) {
            // thinking goes back as signed: the output policy sees it, but cannot change it
            for (String t : request.nativeRequest().unchangeableText(answer.nativeJson())) {
                stages.scanOnly(ex, t);
            }
        }
        JsonObject after = stages.afterAnswer(ex, answer.json());
        account(call, answer, after, estimatedIn);
        CallContent.answered(call, after); // the text the client receives, when it is kept
        if (request.dialect() != null) {
            if (answer.nativeJson() != null && request.nativeRequest() != null) {
                return Sent.answer(
                        request.nativeRequest()
                                .answer(answer.nativeJson(), answer.raw(), answer.json(), after));
            }
            if (cachedAnswer != null && request.nativeRequest() != null) {
                call.passthrough = false;
            }
            return Sent.answer(
                    request.dialect()
                            .answer(after, call.inputTokens, call.outputTokens, call.requestId));
        }
        // No stage changed it: the provider's bytes (when kept), else the stages' object.
        return Sent.answer(after == answer.json() && answer.raw() != null ? answer.raw() : after);
    }

    /**
     * One attempt's call, built after the attempt's {@code beforeProviderCall} stages; the adapter
     * renders (or forwards) it once.
     */
    private ProviderCall providerCall(
            Candidate c, Request request, UpstreamOnce upstream, long deadline)
            throws ProviderException {
        Upstream up = upstream.get();
        ProviderCall pc = attempts.providerCall(c, up.chat(), up.bytes(), deadline);
        if (!request.nativeTo(c, up.chat())) {
            return pc;
        }
        // the client's own dialect: its bytes while no stage changed anything, else re-rendered
        boolean unchanged = up.chat() == request.parsed();
        return pc.withNativeBody(
                request.nativeRequest().body(up.chat(), unchanged, c.model().name()));
    }

    /** For the audit event: whether the attempt that answered went in the client's dialect. */
    private static void passthrough(Call call, Request request, ChatRequest asStagesLeft) {
        if (request.nativeRequest() != null && call.candidate != null) {
            call.passthrough = request.nativeTo(call.candidate, asStagesLeft);
        }
    }

    /**
     * {@link #upstream} once per exchange: computed again only when a stage gave the exchange
     * another request or other defaults since (a per-attempt stage may), not on every attempt and
     * again for the cache key.
     */
    static final class UpstreamOnce {
        private final Request request;
        private final GatewayExchange ex;
        private ChatRequest seen;
        private Map<String, JsonValue> seenDefaults;
        private Upstream up;

        UpstreamOnce(Request request, GatewayExchange ex) {
            this.request = request;
            this.ex = ex;
        }

        synchronized Upstream get() {
            if (up == null
                    || ex.request() != seen
                    || !ex.defaultParameters().equals(seenDefaults)) {
                seen = ex.request();
                seenDefaults = Map.copyOf(ex.defaultParameters());
                up = upstream(request, ex);
            }
            return up;
        }
    }

    /**
     * What goes upstream: the request as the stages left it (with a managed prompt's defaults), and
     * the client's bytes only while the exchange still holds the request as parsed (no stage
     * replaced it) and no default applies.
     */
    record Upstream(ChatRequest chat, ClientBytes bytes) {}

    static Upstream upstream(Request request, GatewayExchange ex) {
        boolean unchanged = ex.request() == request.parsed() && ex.defaultParameters().isEmpty();
        return unchanged
                ? new Upstream(request.parsed(), request.bytes())
                : new Upstream(OpenAiChat.withDefaults(ex.request(), ex.defaultParameters()), null);
    }

    /**
     * What the answer cache's key hashes: the client's bytes while they may be forwarded (nothing
     * to compute), else the OpenAI rendering without a model.
     */
    static String cacheForm(Request request, GatewayExchange ex) {
        return cacheForm(upstream(request, ex));
    }

    static String cacheForm(Upstream up) {
        return up.bytes() != null
                ? up.bytes().text()
                : OpenAiChat.render(up.chat(), null).toString();
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
        if (c == null || !call.exchange.providerAllowed(c.target())) { // policy may forbid it
            return null;
        }
        call.candidate = c;
        call.cacheHit = true;
        return hit.get().answer();
    }

    private static void account(Call call, ChatAnswer typed, JsonObject answer, long estimatedIn) {
        if (typed.usage() != null) {
            call.inputTokens = typed.usage().promptTokens();
            call.outputTokens = typed.usage().completionTokens();
        } else {
            call.estimated = true;
            call.inputTokens = estimatedIn;
            long out = 0;
            // the answer as the stages left it (a redacted answer is estimated as redacted)
            if (answer.get("choices") instanceof JsonArray choices) {
                for (JsonValue c : choices) {
                    JsonObject m = c.asJsonObject().getJsonObject("message");
                    if (m != null) {
                        out += TokenEstimate.ofText(text(m.get("content")));
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

    /** An answer message's text: the string, or the text parts joined. */
    private static String text(JsonValue content) {
        if (content instanceof JsonString s) {
            return s.getString();
        }
        if (!(content instanceof JsonArray parts)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (JsonValue p : parts) {
            if (p instanceof JsonObject po && "text".equals(po.getString("type", ""))) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(po.getString("text", ""));
            }
        }
        return sb.toString();
    }

    /**
     * Opens the stream: the first chunk is read inside the failover loop, so until a byte reached
     * the client a failing provider may still be replaced; after it, never.
     */
    private StreamingOutput stream(Call call, Request request, List<Candidate> ordered)
            throws Failover.Exhausted {
        GatewayExchange ex = call.exchange;
        UpstreamOnce upstream = new UpstreamOnce(request, ex);
        long deadline = attempts.deadline();
        Failover.Outcome<SseRelay.Opened> out =
                attempts.run(
                        call,
                        ordered,
                        true,
                        c -> {
                            ProviderCall pc = providerCall(c, request, upstream, deadline);
                            // the attempt's span stays open until the stream ends (SseRelay): the
                            // usage and finish reasons come with the last chunks
                            return tracing.attemptStream(
                                    "chat",
                                    c,
                                    span -> {
                                        ProviderStream s = attempts.adapter(c).stream(pc);
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
        long estimatedIn = budgetInput(ex.request());
        // the request the answering (last) attempt was built from decided how it went
        ChatRequest asStagesLeft = upstream.get().chat();
        passthrough(call, request, asStagesLeft);
        if (request.nativeTo(out.candidate(), asStagesLeft)) {
            return relay.answer(call, out, request.nativeRequest().events(), estimatedIn);
        }
        if (request.dialect() != null) {
            return relay.answer(
                    call, out, request.dialect().events(call.requestId, estimatedIn), estimatedIn);
        }
        boolean clientWantsUsage =
                request.parsed().streamOptions() != null
                        && request.parsed().streamOptions().getBoolean("include_usage", false);
        return relay.answer(call, out, clientWantsUsage, estimatedIn);
    }
}
