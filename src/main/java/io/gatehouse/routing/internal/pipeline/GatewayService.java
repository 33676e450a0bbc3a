package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.GatewayUsage;
import io.gatehouse.edge.Admission;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.UsageLimits;
import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.CatalogCache;
import io.gatehouse.routing.internal.catalog.CatalogSnapshot;
import io.gatehouse.routing.internal.catalog.Prices;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.ProviderAdapters;
import io.gatehouse.routing.internal.provider.ProviderCall;
import io.gatehouse.routing.internal.provider.ProviderException;
import io.gatehouse.routing.internal.provider.ProviderStream;
import io.gatehouse.routing.internal.provider.TokenEstimate;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.internal.resilience.ProviderHealthRegistry;
import io.gatehouse.routing.internal.resilience.RetryBudget;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.GatewayStage;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.error.ErrorBodies;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One gateway call end to end: validate, run the stages, pick the route's candidates, admit against
 * limits, call providers with failover, run the answer stages, account tokens and cost, and record
 * the request's single audit event before the client gets the answer (or the stream's last event).
 */
@ApplicationScoped
public class GatewayService {
    // Json.createXxx() looks the provider up on every call (in Liberty: a ServiceLoader scan and a
    // failing Class.forName with its exception) and gets a new buffer pool each time; one lookup
    // per class keeps that off the per-request and per-chunk path (see docs/benchmarks.md).
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(GatewayService.class.getName());

    @Inject CatalogCache catalog;
    @Inject ProviderAdapters adapters;
    @Inject AuditRecorder audit;
    @Inject SecretBox secrets;
    @Inject @Any Instance<GatewayStage> stageBeans;
    @Inject UsageLimits limits;
    @Inject GatewayMetrics metrics;
    @Inject GuardCalls guards;
    @Inject GatewayTracing tracing;

    @Inject
    @ConfigProperty(name = "gatehouse.gateway.request-timeout-ms", defaultValue = "120000")
    long requestTimeoutMs;

    // Breakers report to metrics (read lazily: the field initializer runs before injection).
    private final ProviderHealthRegistry health =
            new ProviderHealthRegistry(System::currentTimeMillis, (p, b) -> metrics.watch(p, b));
    private final Failover failover = new Failover(health);
    private final Map<TenantId, RetryBudget> budgets = new ConcurrentHashMap<>();
    private final ResponseCache cache = new ResponseCache(10_000, System::currentTimeMillis);
    private volatile List<GatewayStage> stages;

    /** What the resource sends: a JSON answer or an event stream, with headers. */
    public record Answer(Object entity, boolean stream, Map<String, String> headers) {}

    /** Per-request accounting and context. */
    private static final class Call {
        final ClientKey key;
        final String requestId; // the server's id: lineage, canary bucketing
        final String clientRequestId; // the client's X-Request-Id, if safe: recorded, nothing else
        final String operation;
        final long startNanos = System.nanoTime();
        // the trace this request belongs to when tracing is on: recorded in its audit event
        final String traceId = GatewayTracing.currentTraceId();
        String requestedModel;
        String alias;
        String route; // the alias once it named a configured route: a bounded metrics label
        GatewayExchange exchange;
        Admission admission;
        Candidate candidate;
        List<Failover.AttemptRecord> attempts = List.of();
        int status = 200;
        String errorCode;
        long inputTokens;
        long outputTokens;
        boolean estimated;
        long costMicros;
        long providerLatencyMs;
        Long ttftMs;
        boolean cacheHit;
        boolean streamed;
        boolean recorded;
        boolean settled;

        Call(ClientKey key, String requestId, String clientRequestId, String operation) {
            this.key = key;
            this.requestId = requestId;
            this.clientRequestId = clientRequestId;
            this.operation = operation;
        }

        long elapsedMs() {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }
    }

    private List<GatewayStage> stages() {
        List<GatewayStage> s = stages;
        if (s == null) {
            List<GatewayStage> all = new ArrayList<>();
            stageBeans.forEach(all::add);
            all.sort(Comparator.comparingInt(GatewayStage::order));
            stages = s = List.copyOf(all);
        }
        return s;
    }

    // ---------------------------------------------------------------- chat

    public Answer chat(
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        Call call = new Call(key, requestId, clientRequestId, "chat");
        try {
            GatewayRequests.Body parsed = GatewayRequests.read(bodyText);
            JsonObject req = parsed.json();
            call.requestedModel = req.get("model") instanceof JsonString s ? s.getString() : null;
            parsed.requireStorable(); // after noting the model: the refusal is audited with it,
            // escaped
            GatewayRequests.validateChat(req);
            boolean stream = req.getBoolean("stream", false);
            call.streamed = stream;
            IdentityHashMap<ChatMessage, JsonObject> originals = new IdentityHashMap<>();
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonValue v : req.getJsonArray("messages")) {
                JsonObject m = v.asJsonObject();
                ChatMessage cm =
                        new ChatMessage(
                                m.getString("role"), GatewayRequests.text(m.get("content")), false);
                originals.put(cm, m);
                messages.add(cm);
            }
            GatewayExchange ex =
                    new GatewayExchange(
                            key.tenant(),
                            key.id().toString(),
                            requestId,
                            "chat",
                            call.requestedModel,
                            req.get("prompt_variables") instanceof JsonObject pv ? pv : null,
                            messages,
                            GatewayRequests.stageHeaders(headers));
            call.exchange = ex;
            tracing.eachStage(stages(), "before_routing", ex, st -> st.beforeRouting(ex));
            CatalogSnapshot snap = catalog.snapshot(key.tenant());
            Route route = resolveRoute(call, snap, ex.model(), "chat");
            List<Candidate> candidates = candidates(call, snap, route, req, "chat");
            long estimatedIn =
                    TokenEstimate.ofMessages(
                            ex.messages().stream().map(ChatMessage::text).toList());
            long maxOut =
                    req.containsKey("max_completion_tokens")
                            ? req.getJsonNumber("max_completion_tokens").longValue()
                            : req.containsKey("max_tokens")
                                    ? req.getJsonNumber("max_tokens").longValue()
                                    : 256;
            admit(call, estimatedIn + maxOut, maxCost(candidates, estimatedIn, maxOut));
            List<Candidate> ordered = order(route, candidates);
            if (stream) {
                return streamChat(call, route, ordered, req, originals);
            }
            // The cache key is the upstream request as the stages left it (built only for caching
            // routes).
            String cacheKey =
                    route.cacheTtlSeconds() > 0
                            ? ResponseCache.key(
                                    key.tenant(),
                                    route.alias(),
                                    GatewayRequests.upstreamChat(
                                            req,
                                            ex.messages(),
                                            originals,
                                            false,
                                            ex.defaultParameters()))
                            : null;
            JsonObject answer;
            Optional<ResponseCache.Entry> hit =
                    cacheKey == null ? Optional.empty() : cache.get(cacheKey);
            if (hit.isPresent()) {
                call.cacheHit = true;
                answer = hit.get().answer();
                Provider p = snap.providers().get(hit.get().provider());
                call.candidate =
                        p == null
                                ? null
                                : p.model(hit.get().model())
                                        .map(m -> new Candidate(p, m, 0, 0))
                                        .orElse(null);
                if (call.candidate == null) {
                    call.cacheHit = false;
                    hit = Optional.empty();
                }
            }
            if (hit.isEmpty()) {
                long deadline = System.nanoTime() + requestTimeoutMs * 1_000_000;
                Failover.Outcome<JsonObject> out =
                        failover.run(
                                ordered,
                                budget(key.tenant()),
                                false,
                                c -> {
                                    tracing.eachStage(
                                            stages(),
                                            "before_provider_call",
                                            ex,
                                            st -> st.beforeProviderCall(ex, c.target()));
                                    JsonObject body =
                                            GatewayRequests.upstreamChat(
                                                    req,
                                                    ex.messages(),
                                                    originals,
                                                    false,
                                                    ex.defaultParameters());
                                    return tracing.attempt(
                                            "chat",
                                            c,
                                            () ->
                                                    adapters.forKind(c.provider().kind())
                                                            .chat(providerCall(c, body, deadline)));
                                });
                call.attempts = out.attempts();
                call.candidate = out.candidate();
                call.providerLatencyMs = out.providerLatencyMs();
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
            } else {
                answer = hit.get().answer();
            }
            answer = afterAnswer(ex, answer);
            accountChat(call, answer, estimatedIn);
            call.status = 200;
            finish(call);
            return new Answer(answer, false, responseHeaders(call));
        } catch (Failover.Exhausted e) {
            call.attempts = e.attempts();
            throw fail(call, mapExhausted(e));
        } catch (GatehouseException e) {
            throw fail(call, e);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Gateway request " + requestId + " failed", e);
            throw fail(
                    call,
                    new GatehouseException(
                            500,
                            "internal_error",
                            "Internal error; quote request id " + requestId));
        }
    }

    private JsonObject afterAnswer(GatewayExchange ex, JsonObject answer) {
        if (stages().isEmpty() || !(answer.get("choices") instanceof JsonArray choices)) {
            return answer;
        }
        JsonArrayBuilder nc = JSON.createArrayBuilder();
        boolean changed = false;
        for (JsonValue cv : choices) {
            JsonObject choice = cv.asJsonObject();
            JsonObject msg = choice.getJsonObject("message");
            if (msg != null && msg.get("content") instanceof JsonString cs) {
                ex.answerText(cs.getString());
                tracing.eachStage(stages(), "after_answer", ex, st -> st.afterAnswer(ex));
                if (!cs.getString().equals(ex.answerText())) {
                    changed = true;
                    choice =
                            JSON.createObjectBuilder(choice)
                                    .add(
                                            "message",
                                            JSON.createObjectBuilder(msg)
                                                    .add(
                                                            "content",
                                                            ex.answerText() == null
                                                                    ? JsonValue.NULL
                                                                    : JSON.createValue(
                                                                            ex.answerText())))
                                    .build();
                }
            }
            nc.add(choice);
        }
        return changed ? JSON.createObjectBuilder(answer).add("choices", nc).build() : answer;
    }

    private void accountChat(Call call, JsonObject answer, long estimatedIn) {
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

    // ---------------------------------------------------------------- streaming

    /** An open provider stream, its first chunk, and its attempt's span (open until the end). */
    private record Opened(
            ProviderStream stream,
            Optional<JsonObject> first,
            io.opentelemetry.api.trace.Span span) {}

    private Answer streamChat(
            Call call,
            Route route,
            List<Candidate> ordered,
            JsonObject req,
            IdentityHashMap<ChatMessage, JsonObject> originals)
            throws Failover.Exhausted {
        GatewayExchange ex = call.exchange;
        long deadline = System.nanoTime() + requestTimeoutMs * 1_000_000;
        // The first chunk is read inside the failover loop: until a byte reached the client, a
        // failing
        // provider may still be replaced; after it, never.
        Failover.Outcome<Opened> out =
                failover.run(
                        ordered,
                        budget(call.key.tenant()),
                        true,
                        c -> {
                            tracing.eachStage(
                                    stages(),
                                    "before_provider_call",
                                    ex,
                                    st -> st.beforeProviderCall(ex, c.target()));
                            JsonObject body =
                                    GatewayRequests.upstreamChat(
                                            req,
                                            ex.messages(),
                                            originals,
                                            true,
                                            ex.defaultParameters());
                            // the attempt's span stays open until the stream ends (pump): the
                            // usage and finish reasons come with the last chunks
                            return tracing.attemptStream(
                                    "chat",
                                    c,
                                    span -> {
                                        ProviderStream s =
                                                adapters.forKind(c.provider().kind()).stream(
                                                        providerCall(c, body, deadline));
                                        try {
                                            Opened opened = new Opened(s, s.next(), span);
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
        call.attempts = out.attempts();
        call.candidate = out.candidate();
        call.providerLatencyMs = out.providerLatencyMs();
        boolean clientWantsUsage =
                req.get("stream_options") instanceof JsonObject so
                        && so.getBoolean("include_usage", false);
        long estimatedIn =
                TokenEstimate.ofMessages(ex.messages().stream().map(ChatMessage::text).toList());
        StreamingOutput body = os -> pump(os, call, out, ex, clientWantsUsage, estimatedIn);
        Map<String, String> headers = responseHeaders(call);
        headers.put("Cache-Control", "no-cache");
        headers.put("X-Accel-Buffering", "no");
        return new Answer(body, true, headers);
    }

    private void pump(
            OutputStream os,
            Call call,
            Failover.Outcome<Opened> out,
            GatewayExchange ex,
            boolean clientWantsUsage,
            long estimatedIn)
            throws IOException {
        ProviderStream stream = out.result().stream();
        Map<Integer, List<StreamFilter>> filters = new LinkedHashMap<>();
        Set<Integer> finished = new HashSet<>();
        JsonObject usageChunk = null;
        JsonObject lastChunk = null;
        StringBuilder outText = new StringBuilder();
        // for the attempt's span: finish reasons by choice index, and why the stream broke off
        Map<Integer, String> finishReasons = new java.util.TreeMap<>();
        String spanError = null;
        try {
            Optional<JsonObject> next = out.result().first();
            while (next.isPresent()) {
                JsonObject chunk = next.get();
                lastChunk = chunk;
                if (chunk.get("choices") instanceof JsonArray cs) {
                    for (JsonValue cv : cs) {
                        if (cv instanceof JsonObject co
                                && co.get("finish_reason") instanceof JsonString fr) {
                            finishReasons.put(co.getInt("index", 0), fr.getString());
                        }
                    }
                }
                if (chunk.get("usage") instanceof JsonObject u && u.containsKey("prompt_tokens")) {
                    call.inputTokens = u.getJsonNumber("prompt_tokens").longValue();
                    call.outputTokens =
                            u.containsKey("completion_tokens")
                                    ? u.getJsonNumber("completion_tokens").longValue()
                                    : 0;
                    usageChunk = chunk;
                    if (!(chunk.get("choices") instanceof JsonArray c) || c.isEmpty()) {
                        next = stream.next();
                        continue; // written at the end, if the client asked for it
                    }
                    chunk = JSON.createObjectBuilder(chunk).remove("usage").build();
                }
                boolean first = call.ttftMs == null;
                for (JsonObject w : filterChunk(chunk, ex, filters, finished, outText)) {
                    send(os, w.toString());
                    if (call.ttftMs == null) {
                        call.ttftMs = call.elapsedMs();
                    }
                }
                // One flush (one network write) for chunks that arrived together; the first goes at
                // once.
                if (first || !stream.hasBuffered()) {
                    os.flush();
                }
                next = stream.next();
            }
            // Release whatever filters still hold for choices that never sent a finish reason.
            for (var e : filters.entrySet()) {
                if (!finished.contains(e.getKey())) {
                    String tail = drain(e.getValue());
                    if (!tail.isEmpty()) {
                        outText.append(tail);
                        send(os, contentChunk(lastChunk, e.getKey(), tail, null).toString());
                    }
                }
            }
            if (usageChunk == null) {
                call.estimated = true;
                call.inputTokens = estimatedIn;
                call.outputTokens = TokenEstimate.ofText(outText.toString());
            }
            if (clientWantsUsage) {
                send(os, usageChunkFor(lastChunk, call).toString());
            }
            os.flush(); // the answer is out before the audit commit; only [DONE] waits for it
            call.costMicros =
                    Prices.costMicros(call.candidate.model(), call.inputTokens, call.outputTokens);
            call.status = 200;
            out.health().breaker().onSuccess();
            finish(call); // durable before the last event reaches the client
            write(os, "[DONE]");
        } catch (ProviderException e) {
            spanError = e.kind().name().toLowerCase();
            // Cut mid-stream: too late to fail over; tell the client in the stream and record it.
            if (e.tripsBreaker()) {
                out.health().breaker().onFailure();
            }
            streamFailure(call, estimatedIn, outText);
            call.status = e.kind() == ProviderException.Kind.TIMEOUT ? 504 : 502;
            call.errorCode =
                    e.kind() == ProviderException.Kind.TIMEOUT
                            ? "upstream_timeout"
                            : "upstream_stream_error";
            recordQuietly(call);
            write(
                    os,
                    ErrorBodies.openAi(
                            call.status,
                            call.errorCode,
                            "The provider's stream failed: " + e.getMessage(),
                            null));
        } catch (IOException e) {
            spanError = "client_closed_request";
            // The client went away: stop the provider call (finally) and record what was used.
            streamFailure(call, estimatedIn, outText);
            call.status = 499;
            call.errorCode = "client_closed_request";
            recordQuietly(call);
        } catch (RuntimeException e) {
            spanError = e.getClass().getSimpleName();
            LOG.log(Level.SEVERE, "Stream " + call.requestId + " failed", e);
            streamFailure(call, estimatedIn, outText);
            if (call.status == 200 && !call.recorded) {
                call.status = 500;
                call.errorCode = "internal_error";
                recordQuietly(call);
            }
            try {
                write(
                        os,
                        ErrorBodies.openAi(
                                call.status >= 400 ? call.status : 500,
                                call.errorCode == null ? "internal_error" : call.errorCode,
                                "Internal error; quote request id " + call.requestId,
                                null));
            } catch (IOException ignored) {
                // client gone too
            }
        } finally {
            stream.close();
            GatewayTracing.streamEnded(
                    out.result().span(),
                    usageChunk,
                    List.copyOf(finishReasons.values()),
                    spanError);
            out.release();
            settle(call);
        }
    }

    private void streamFailure(Call call, long estimatedIn, StringBuilder outText) {
        if (call.inputTokens == 0) {
            call.estimated = true;
            call.inputTokens = estimatedIn;
            call.outputTokens = TokenEstimate.ofText(outText.toString());
        }
        call.costMicros =
                Prices.costMicros(call.candidate.model(), call.inputTokens, call.outputTokens);
    }

    private void recordQuietly(Call call) {
        try {
            finish(call);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Could not record stream " + call.requestId, e);
        }
    }

    private List<JsonObject> filterChunk(
            JsonObject chunk,
            GatewayExchange ex,
            Map<Integer, List<StreamFilter>> filters,
            Set<Integer> finished,
            StringBuilder outText) {
        if (!(chunk.get("choices") instanceof JsonArray choices) || choices.isEmpty()) {
            return List.of(chunk);
        }
        List<JsonObject> before = new ArrayList<>();
        JsonArrayBuilder nc = JSON.createArrayBuilder();
        boolean changed = false;
        for (JsonValue cv : choices) {
            JsonObject choice = cv.asJsonObject();
            int index = choice.getInt("index", 0);
            List<StreamFilter> fs =
                    filters.computeIfAbsent(
                            index,
                            i -> {
                                List<StreamFilter> l = new ArrayList<>();
                                for (GatewayStage s : stages()) {
                                    StreamFilter f = s.streamFilter(ex);
                                    if (f != null) {
                                        l.add(f);
                                    }
                                }
                                return l;
                            });
            JsonObject delta = choice.getJsonObject("delta");
            if (delta != null && delta.get("content") instanceof JsonString cs) {
                String t = cs.getString();
                for (StreamFilter f : fs) {
                    t = f.onChunk(t);
                }
                outText.append(t);
                if (!t.equals(cs.getString())) {
                    changed = true;
                    choice =
                            JSON.createObjectBuilder(choice)
                                    .add("delta", JSON.createObjectBuilder(delta).add("content", t))
                                    .build();
                }
            }
            boolean finishing =
                    choice.containsKey("finish_reason")
                            && choice.get("finish_reason") != JsonValue.NULL;
            if (finishing && finished.add(index)) {
                String tail = drain(fs);
                if (!tail.isEmpty()) {
                    outText.append(tail);
                    before.add(contentChunk(chunk, index, tail, null));
                }
            }
            nc.add(choice);
        }
        before.add(changed ? JSON.createObjectBuilder(chunk).add("choices", nc).build() : chunk);
        return before;
    }

    /**
     * Ends a choice's filters: each filter's held-back text passes through the filters after it.
     */
    private static String drain(List<StreamFilter> fs) {
        String carry = "";
        for (StreamFilter f : fs) {
            carry = (carry.isEmpty() ? "" : f.onChunk(carry)) + f.onEnd();
        }
        return carry;
    }

    private static JsonObject contentChunk(JsonObject like, int index, String text, String finish) {
        JsonObjectBuilder choice =
                JSON.createObjectBuilder()
                        .add("index", index)
                        .add("delta", JSON.createObjectBuilder().add("content", text));
        if (finish == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finish);
        }
        return base(like).add("choices", JSON.createArrayBuilder().add(choice)).build();
    }

    private static JsonObject usageChunkFor(JsonObject like, Call call) {
        return base(like)
                .add("choices", JsonValue.EMPTY_JSON_ARRAY)
                .add(
                        "usage",
                        JSON.createObjectBuilder()
                                .add("prompt_tokens", call.inputTokens)
                                .add("completion_tokens", call.outputTokens)
                                .add("total_tokens", call.inputTokens + call.outputTokens))
                .build();
    }

    private static JsonObjectBuilder base(JsonObject like) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        b.add("id", like == null ? "chatcmpl" : like.getString("id", "chatcmpl"));
        b.add("object", "chat.completion.chunk");
        b.add(
                "created",
                like != null && like.containsKey("created")
                        ? like.getJsonNumber("created").longValue()
                        : System.currentTimeMillis() / 1000);
        b.add("model", like == null ? "" : like.getString("model", ""));
        return b;
    }

    private static void write(OutputStream os, String data) throws IOException {
        send(os, data);
        os.flush();
    }

    /** One server-sent event, not flushed yet. */
    private static void send(OutputStream os, String data) throws IOException {
        os.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- embeddings

    public Answer embeddings(
            String bodyText,
            ClientKey key,
            String requestId,
            String clientRequestId,
            Map<String, String> headers) {
        Call call = new Call(key, requestId, clientRequestId, "embeddings");
        try {
            GatewayRequests.Body parsed = GatewayRequests.read(bodyText);
            JsonObject req = parsed.json();
            call.requestedModel = req.get("model") instanceof JsonString s ? s.getString() : null;
            parsed.requireStorable();
            List<String> inputs = GatewayRequests.validateEmbeddings(req);
            List<ChatMessage> messages = new ArrayList<>();
            inputs.forEach(t -> messages.add(new ChatMessage("user", t, false)));
            GatewayExchange ex =
                    new GatewayExchange(
                            key.tenant(),
                            key.id().toString(),
                            requestId,
                            "embeddings",
                            call.requestedModel,
                            null,
                            messages,
                            GatewayRequests.stageHeaders(headers));
            call.exchange = ex;
            tracing.eachStage(stages(), "before_routing", ex, st -> st.beforeRouting(ex));
            CatalogSnapshot snap = catalog.snapshot(key.tenant());
            Route route = resolveRoute(call, snap, ex.model(), "embeddings");
            List<Candidate> candidates = candidates(call, snap, route, req, "embeddings");
            long estimated =
                    ex.messages().stream().mapToLong(m -> TokenEstimate.ofText(m.text())).sum();
            admit(call, estimated, maxCost(candidates, estimated, 0));
            long deadline = System.nanoTime() + requestTimeoutMs * 1_000_000;
            Failover.Outcome<JsonObject> out =
                    failover.run(
                            order(route, candidates),
                            budget(key.tenant()),
                            false,
                            c -> {
                                tracing.eachStage(
                                        stages(),
                                        "before_provider_call",
                                        ex,
                                        st -> st.beforeProviderCall(ex, c.target()));
                                JsonObject body =
                                        GatewayRequests.upstreamEmbeddings(req, ex.messages());
                                return tracing.attempt(
                                        "embeddings",
                                        c,
                                        () ->
                                                adapters.forKind(c.provider().kind())
                                                        .embed(providerCall(c, body, deadline)));
                            });
            call.attempts = out.attempts();
            call.candidate = out.candidate();
            call.providerLatencyMs = out.providerLatencyMs();
            JsonObject answer = out.result();
            if (answer.get("usage") instanceof JsonObject u && u.containsKey("prompt_tokens")) {
                call.inputTokens = u.getJsonNumber("prompt_tokens").longValue();
            } else {
                call.estimated = true;
                call.inputTokens = estimated;
            }
            call.costMicros = Prices.costMicros(call.candidate.model(), call.inputTokens, 0);
            call.status = 200;
            finish(call);
            return new Answer(answer, false, responseHeaders(call));
        } catch (Failover.Exhausted e) {
            call.attempts = e.attempts();
            throw fail(call, mapExhausted(e));
        } catch (GatehouseException e) {
            throw fail(call, e);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Gateway request " + requestId + " failed", e);
            throw fail(
                    call,
                    new GatehouseException(
                            500,
                            "internal_error",
                            "Internal error; quote request id " + requestId));
        }
    }

    // ---------------------------------------------------------------- models

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

    // ---------------------------------------------------------------- shared steps

    private Route resolveRoute(Call call, CatalogSnapshot snap, String alias, String operation) {
        call.alias = alias;
        Route route =
                snap.route(alias)
                        .orElseThrow(
                                () ->
                                        new GatehouseException(
                                                404,
                                                "model_not_found",
                                                "The model '"
                                                        + alias
                                                        + "' does not exist or you do not have access to it",
                                                "model",
                                                Map.of()));
        call.route = route.alias();
        if (!call.key.mayUse(alias)) {
            throw new GatehouseException(
                    403,
                    "model_not_allowed",
                    "This API key may not use the model '" + alias + "'",
                    "model",
                    Map.of());
        }
        if (!route.operation().equals(operation)) {
            throw new ValidationException(
                    "model_not_supported",
                    "model",
                    "The model '" + alias + "' serves " + route.operation() + ", not " + operation);
        }
        return route;
    }

    private List<Candidate> candidates(
            Call call, CatalogSnapshot snap, Route route, JsonObject req, String operation) {
        Set<String> needed = new HashSet<>(route.requiredCapabilities());
        needed.addAll(GatewayRequests.requiredCapabilities(req, operation));
        List<Candidate> all = snap.candidates(route);
        List<Candidate> capable =
                all.stream().filter(c -> c.model().capabilities().containsAll(needed)).toList();
        if (capable.isEmpty() && !all.isEmpty()) {
            throw new ValidationException(
                    "model_capability_missing",
                    "model",
                    "No target of '"
                            + route.alias()
                            + "' supports what this request needs: "
                            + needed);
        }
        List<Candidate> allowed =
                capable.stream().filter(c -> call.exchange.providerAllowed(c.target())).toList();
        if (allowed.isEmpty() && !capable.isEmpty()) {
            List<String> why = new ArrayList<>(call.exchange.providerRestrictions());
            if (call.exchange.classification() > 0) {
                why.add("classification " + call.exchange.classification());
            }
            throw new ForbiddenException(
                    "no_provider_allowed",
                    "No provider of '"
                            + route.alias()
                            + "' is allowed for this request: "
                            + String.join("; ", why));
        }
        if (allowed.isEmpty()) {
            throw new GatehouseException(
                    503,
                    "no_provider_available",
                    "The model '" + route.alias() + "' has no provider configured");
        }
        return allowed;
    }

    private List<Candidate> order(Route route, List<Candidate> candidates) {
        return RouteStrategies.order(
                route.strategy(),
                candidates,
                c -> health.latencyMs(c.provider()),
                ThreadLocalRandom.current());
    }

    private RetryBudget budget(TenantId tenant) {
        return budgets.computeIfAbsent(
                tenant, t -> new RetryBudget(0.2, 10, 10_000, System::currentTimeMillis));
    }

    /** The failover shared by every provider call, so that guards share the circuit breakers. */
    Failover failover() {
        return failover;
    }

    ProviderCall providerCall(Candidate c, JsonObject body, long deadlineNanos)
            throws ProviderException {
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (remaining <= 0) {
            throw new ProviderException(ProviderException.Kind.TIMEOUT, "request deadline passed");
        }
        long timeout = Math.min(c.provider().timeoutMs(), remaining);
        String credential = null;
        Provider p = c.provider();
        if (p.sealedCredential() != null) {
            credential =
                    new String(
                            secrets.open(
                                    p.sealedCredential(),
                                    Provider.credentialContext(p.tenant(), p.name())),
                            StandardCharsets.UTF_8);
        }
        return new ProviderCall(
                p,
                c.model(),
                GatewayRequests.withModel(body, c.model().name()),
                Duration.ofMillis(timeout),
                credential);
    }

    private void admit(Call call, long estimatedTokens, long estimatedCostMicros) {
        call.admission = limits.admit(call.key, estimatedTokens, estimatedCostMicros);
    }

    /** What the call may cost at most: priced at the dearest candidate failover may reach. */
    static long maxCost(List<Candidate> candidates, long inputTokens, long outputTokens) {
        long max = 0;
        for (Candidate c : candidates) {
            max = Math.max(max, Prices.costMicros(c.model(), inputTokens, outputTokens));
        }
        return max;
    }

    private void settle(Call call) {
        if (call.settled) {
            return;
        }
        GuardCalls.Usage guard = guards.usage(call.exchange);
        if (call.admission == null && guard.costMicros() + guard.inputTokens() > 0) {
            // Refused before admission (e.g. a policy deny) after guard calls: their cost still
            // counts against the tenant's budget.
            try {
                call.admission = limits.admit(call.key, 0, 0);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Guard usage of " + call.requestId + " not admitted", e);
            }
        }
        if (call.admission != null) {
            call.settled = true;
            try {
                limits.settle(
                        call.admission,
                        call.inputTokens
                                + call.outputTokens
                                + guard.inputTokens()
                                + guard.outputTokens(),
                        call.costMicros + guard.costMicros());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not settle usage of " + call.requestId, e);
            }
        }
    }

    static GatehouseException mapExhausted(Failover.Exhausted e) {
        ProviderException last = e.last();
        if (last == null) {
            return new GatehouseException(
                    503,
                    "no_provider_available",
                    "All providers of this model are unavailable right now (circuit open or at capacity)");
        }
        return switch (last.kind()) {
            case CLIENT ->
                    new GatehouseException(
                            400, "upstream_rejected_request", last.getMessage(), null, Map.of());
            case TIMEOUT ->
                    new GatehouseException(
                            504, "upstream_timeout", "The provider did not answer in time");
            case RATE_LIMITED ->
                    new GatehouseException(
                            429,
                            "upstream_rate_limited",
                            "The provider is rate limiting; retry later",
                            null,
                            last.retryAfterMillis() == null
                                    ? Map.of()
                                    : Map.of(
                                            "Retry-After",
                                            String.valueOf(
                                                    (last.retryAfterMillis() + 999) / 1000)));
            case MALFORMED ->
                    new GatehouseException(
                            502,
                            "upstream_malformed_response",
                            "The provider sent a malformed answer");
            default ->
                    new GatehouseException(
                            502,
                            "upstream_unavailable",
                            "The provider failed: " + last.getMessage());
        };
    }

    private GatehouseException fail(Call call, GatehouseException e) {
        call.status = e.status();
        call.errorCode = e.code();
        try {
            finish(call);
        } finally {
            settle(call);
        }
        Map<String, String> headers = new LinkedHashMap<>(responseHeaders(call));
        headers.putAll(e.headers());
        return new GatehouseException(e.status(), e.code(), e.getMessage(), e.param(), headers);
    }

    private Map<String, String> responseHeaders(Call call) {
        Map<String, String> h = new LinkedHashMap<>();
        if (call.admission != null) {
            h.putAll(call.admission.headers());
        }
        if (call.alias != null) {
            h.put("x-gatehouse-route", call.alias);
        }
        if (call.candidate != null) {
            h.put("x-gatehouse-provider", call.candidate.provider().name());
            h.put("x-gatehouse-model", call.candidate.model().name());
        }
        if (call.cacheHit) {
            h.put("x-gatehouse-cache", "hit");
        }
        if (call.exchange != null) {
            h.putAll(call.exchange.responseHeaders());
        }
        return h;
    }

    /**
     * Operators see provider trouble in the log: one line per request that had a failed attempt
     * (names, results and statuses only; the line carries the request id as {@code ext_requestId}).
     */
    private static void logFailedAttempts(Call call) {
        if (call.attempts.stream().allMatch(a -> "ok".equals(a.result()))) {
            return;
        }
        StringBuilder sb = new StringBuilder("Provider attempts for route ").append(call.route);
        for (Failover.AttemptRecord a : call.attempts) {
            sb.append("; ").append(a.provider()).append('/').append(a.model()).append(": ");
            sb.append(a.result());
            if (a.status() > 0) {
                sb.append(" (HTTP ").append(a.status()).append(')');
            }
        }
        LOG.info(sb.toString());
    }

    /** Records the request's one audit event (durable on return) and settles its admission. */
    private void finish(Call call) {
        if (call.recorded) {
            return;
        }
        call.recorded = true;
        if (call.status < 400 || call.status == 499) {
            settle(call);
        }
        GatewayExchange ex = call.exchange;
        AuditEvent.Outcome outcome =
                call.status < 400
                        ? AuditEvent.Outcome.SUCCESS
                        : call.status == 403
                                        || (call.errorCode != null
                                                && call.errorCode.startsWith("policy"))
                                ? AuditEvent.Outcome.DENIED
                                : call.status >= 500
                                        ? AuditEvent.Outcome.ERROR
                                        : AuditEvent.Outcome.FAILURE;
        AuditEvent.Builder b =
                AuditEvent.of(
                                call.key.tenant(),
                                "api_key",
                                call.key.id().toString(),
                                "gateway.request")
                        .target("route", call.alias != null ? call.alias : call.requestedModel)
                        .outcome(outcome)
                        .requestId(call.requestId)
                        .detail("operation", call.operation)
                        .detail("stream", call.streamed);
        if (call.clientRequestId != null) {
            b.detail(RequestIds.CLIENT_DETAIL, call.clientRequestId);
        }
        if (call.traceId != null) {
            b.detail("trace.id", call.traceId);
        }
        if (call.requestedModel != null && !call.requestedModel.equals(call.alias)) {
            b.detail("requestedModel", call.requestedModel);
        }
        if (call.errorCode != null) {
            b.detail("error", call.errorCode);
        }
        if (!call.attempts.isEmpty()) {
            b.detail(
                    "attempts", call.attempts.stream().map(Failover.AttemptRecord::toMap).toList());
            logFailedAttempts(call);
        }
        GuardCalls.Usage guard = guards.usage(ex);
        if (ex != null) {
            b.details(ex.auditDetails());
            if (guard.calls() > 0) {
                b.detail("guard_traffic", guard.toMap());
            }
        }
        Candidate c = call.candidate;
        b.usage(
                new GatewayUsage(
                        call.key.id().toString(),
                        call.alias,
                        c == null ? null : c.provider().name(),
                        c == null ? null : c.model().name(),
                        c == null ? null : c.provider().region(),
                        call.status,
                        call.inputTokens,
                        call.outputTokens,
                        call.estimated,
                        // Guard traffic is part of what the request cost (budgets are read from
                        // this); its tokens stay apart, in details.guard_traffic.
                        call.costMicros + guard.costMicros(),
                        call.elapsedMs(),
                        call.providerLatencyMs,
                        call.ttftMs,
                        call.cacheHit,
                        call.streamed,
                        ex == null ? null : ex.promptVersion(),
                        ex == null ? null : ex.policyVersion()));
        int status = call.status;
        try {
            audit.record(b.build());
        } catch (GatehouseException e) {
            status = e.status(); // what the client gets instead (audit unavailable: 503)
            throw e;
        } finally {
            metrics.record(
                    new GatewayMetrics.Finished(
                            call.key.tenant(),
                            call.route,
                            c == null ? null : c.provider().name(),
                            status,
                            System.nanoTime() - call.startNanos,
                            call.ttftMs,
                            call.inputTokens,
                            call.outputTokens,
                            call.costMicros,
                            call.cacheHit,
                            call.attempts));
        }
    }
}
