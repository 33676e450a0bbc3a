package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Prices;
import io.gatehouse.routing.internal.provider.ProviderException;
import io.gatehouse.routing.internal.provider.ProviderStream;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.shared.error.GatehouseException;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Relays an open provider stream to the client as server-sent events: each choice's text through
 * the stages' stream filters, usage taken from the provider's last chunk (or estimated), one flush
 * per burst of chunks. When the stream ends, however it ends (an {@link Error} included), the call
 * is recorded once ({@link CallRecord#close}), before the client's last event ({@code [DONE]} or an
 * error event) when there is one, and the provider stream and its permit are given back. A stream
 * the container never writes (a failure between the pipeline and the body writer) is closed at the
 * request's end by {@link UnwrittenStreams}: recorded once (499 {@code stream_not_written}),
 * settled, its provider stream and permit given back. A stream whose running cost outgrows its
 * budget reservation, with no room left to extend it, ends with the dialect's error ({@link
 * CallRecord#budgetAllows}; docs/gateway.md, "Budgets").
 *
 * <p>Long on purpose: every way a stream ends (normally, cut by the provider, the client, a stage's
 * refusal or the budget, an internal failure, never written) shares the same state (usage so far,
 * the filters' held text and tool calls, the provider stream and its permit) and must reach the one
 * record exactly once.
 */
@ApplicationScoped
public class SseRelay {
    private static final JsonProvider JSON = JsonProvider.provider(); // see Stages
    private static final Logger LOG = Logger.getLogger(SseRelay.class.getName());

    @Inject Stages stages;
    @Inject CallRecord record;
    @Inject UnwrittenStreams unwritten;

    /** What a provider can make the relay hold of one choice's tool calls (docs/policy.md). */
    @Inject
    @ConfigProperty(name = "gatehouse.gateway.held-tool-call-max-chars", defaultValue = "262144")
    int heldToolCallMaxChars = HeldToolCalls.MAX_CHARS_PER_CHOICE;

    /** An open provider stream, its first chunk, and its attempt's span (open until the end). */
    record Opened(ProviderStream stream, Optional<JsonObject> first, Span span) {}

    /**
     * The stream as the client's answer: relayed when the container writes it, and closed at the
     * request's end if it never does.
     */
    StreamingOutput answer(
            Call call, Failover.Outcome<Opened> out, boolean clientWantsUsage, long estimatedIn) {
        return answer(call, out, new OpenAiEvents(clientWantsUsage), estimatedIn);
    }

    /** The same, written in a client dialect's events. */
    StreamingOutput answer(
            Call call, Failover.Outcome<Opened> out, StreamEvents events, long estimatedIn) {
        AtomicBoolean taken = new AtomicBoolean();
        unwritten.add(
                () -> {
                    if (taken.compareAndSet(false, true)) {
                        closeUnwritten(call, out, estimatedIn);
                    }
                });
        return os -> {
            if (taken.compareAndSet(false, true)) {
                relay(os, call, out, events, estimatedIn);
            }
        };
    }

    /**
     * A stream whose output was never written: the call's one record (the input estimated, no
     * output reached anyone), its settlement, the provider stream closed and its permit back.
     */
    void closeUnwritten(Call call, Failover.Outcome<Opened> out, long estimatedIn) {
        try {
            if (!call.recorded) {
                call.failed(499, "stream_not_written");
                try {
                    brokenOff(call, estimatedIn, new OutputMeter(), out.result().stream());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Usage of stream " + call.requestId + " unknown", e);
                }
                recordQuietly(call);
            }
        } finally {
            try {
                out.result().stream().close();
                GatewayTracing.streamEnded(
                        out.result().span(), null, List.of(), "stream_not_written");
            } finally {
                out.release();
            }
        }
    }

    void relay(
            OutputStream os,
            Call call,
            Failover.Outcome<Opened> out,
            boolean clientWantsUsage,
            long estimatedIn)
            throws IOException {
        relay(os, call, out, new OpenAiEvents(clientWantsUsage), estimatedIn);
    }

    void relay(
            OutputStream os,
            Call call,
            Failover.Outcome<Opened> out,
            StreamEvents events,
            long estimatedIn)
            throws IOException {
        GatewayExchange ex = call.exchange;
        ProviderStream stream = out.result().stream();
        Map<Integer, List<StreamFilter>> filters = new LinkedHashMap<>();
        // filter chain key -> index of its choice seen and not yet finished
        Map<Integer, Integer> open = new LinkedHashMap<>();
        Set<Integer> finished = new HashSet<>();
        HeldToolCalls held = new HeldToolCalls(heldToolCallMaxChars);
        ThinkingScan thinking = new ThinkingScan(ex);
        // chunks waiting until the thinking scan has seen all thinking text up to them
        Deque<Waiting> waiting = new ArrayDeque<>();
        JsonObject usageChunk = null;
        JsonObject lastChunk = null;
        // the output as the provider sent it, before the filters: what the budget counts
        OutputMeter meter = new OutputMeter();
        // for the attempt's span: finish reasons by choice index, and why the stream broke off
        Map<Integer, String> finishReasons = new TreeMap<>();
        String spanError = null;
        String errorMessage = null; // the client's error event, when the stream failed
        try {
            try {
                // the first choice's filters, made before any chunk: a stream that cannot map
                // every event to what the relay holds must know at once when tool calls are held
                if (HeldToolCalls.checked(
                        filters.computeIfAbsent(0, i -> stages.streamFilters(ex)))) {
                    stream.toolCallsChecked();
                }
                Optional<JsonObject> next = out.result().first();
                while (next.isPresent()) {
                    JsonObject chunk = next.get();
                    JsonObject received = chunk;
                    lastChunk = chunk;
                    if (chunk.get("choices") instanceof JsonArray cs) {
                        for (JsonValue cv : cs) {
                            if (cv instanceof JsonObject co
                                    && co.get("finish_reason") instanceof JsonString fr) {
                                finishReasons.put(co.getInt("index", 0), fr.getString());
                            }
                        }
                    }
                    if (chunk.get("usage") instanceof JsonObject u
                            && u.containsKey("prompt_tokens")) {
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
                    meter.add(chunk);
                    List<JsonObject> toWrite =
                            filterChunk(
                                    chunk,
                                    ex,
                                    stream.oneAnswer(),
                                    filters,
                                    open,
                                    finished,
                                    held,
                                    thinking);
                    // the running cost (estimated from the deltas, thinking included) must fit in
                    // the reservation or in what is left of the budgets: else this chunk is not
                    // delivered
                    if (!record.budgetAllows(call, runningCost(call, estimatedIn, meter, stream))) {
                        throw new BudgetSpent();
                    }
                    for (JsonObject w : toWrite) {
                        // an event no filter changed goes out as the provider sent it
                        String raw = w == received ? stream.raw(w) : null;
                        waiting.add(new Waiting(w, raw, thinking.seen.length()));
                    }
                    writeScanned(os, events, call, waiting, thinking.released);
                    // One flush (one network write) for chunks that arrived together; the first
                    // goes
                    // at once.
                    if (first || !stream.hasBuffered()) {
                        os.flush();
                    }
                    next = stream.next();
                }
                thinking.end();
                writeScanned(os, events, call, waiting, thinking.released);
                // Release whatever filters still hold for choices that never sent a finish reason.
                for (var e : open.entrySet()) {
                    List<StreamFilter> fs = filters.get(e.getKey());
                    String tail = drain(fs);
                    if (!tail.isEmpty()) {
                        JsonObject tailChunk = contentChunk(lastChunk, e.getValue(), tail, null);
                        events.chunk(os, tailChunk, null);
                        CallContent.sent(call, tailChunk);
                    }
                    JsonObject calls = held.release(ex, lastChunk, e.getValue(), fs);
                    if (calls != null) {
                        events.chunk(os, calls, null);
                    }
                }
                if (usageChunk == null) {
                    call.inputTokens = 0;
                    brokenOff(call, estimatedIn, meter, stream);
                }
                call.costMicros =
                        Prices.costMicros(
                                call.candidate.model(), call.inputTokens, call.outputTokens);
                // the settled cost (the provider's usage) must fit too: else no normal end
                if (!record.budgetAllows(call, call.costMicros)) {
                    throw new BudgetSpent();
                }
                events.finish(os, lastChunk, call.inputTokens, call.outputTokens, call.estimated);
                os.flush(); // the answer is out before the audit commit; only [DONE] waits for it
                call.status = 200;
                out.health().breaker().onSuccess();
            } catch (BudgetSpent e) {
                spanError = "budget_exhausted";
                // The provider is fine: the tenant's budget has no room for more. The stream ends
                // with the dialect's error, settled for what the provider produced.
                brokenOff(call, estimatedIn, meter, stream);
                call.budgetCut = true;
                call.failed(429, BUDGET_SPENT);
                errorMessage =
                        "The tenant's cost budget is spent: the stream was ended before its end";
            } catch (ProviderException e) {
                spanError = e.kind().name().toLowerCase();
                // Cut mid-stream: too late to fail over; tell the client in the stream and record
                // it.
                if (e.tripsBreaker()) {
                    out.health().breaker().onFailure();
                }
                brokenOff(call, estimatedIn, meter, stream);
                boolean timeout = e.kind() == ProviderException.Kind.TIMEOUT;
                call.failed(
                        timeout ? 504 : 502,
                        timeout ? "upstream_timeout" : "upstream_stream_error");
                errorMessage = "The provider's stream failed: " + e.getMessage();
            } catch (IOException e) {
                spanError = "client_closed_request";
                // The client went away: stop the provider call (finally) and record what was used.
                brokenOff(call, estimatedIn, meter, stream);
                call.failed(499, "client_closed_request");
            } catch (GatehouseException e) {
                // a stage cut the stream (an output policy's deny): its code, not an internal error
                spanError = e.code();
                brokenOff(call, estimatedIn, meter, stream);
                call.failed(e.status(), e.code());
                errorMessage = e.getMessage();
            } catch (RuntimeException e) {
                spanError = e.getClass().getSimpleName();
                LOG.log(Level.SEVERE, "Stream " + call.requestId + " failed", e);
                brokenOff(call, estimatedIn, meter, stream);
                call.failed(500, "internal_error");
                errorMessage = "Internal error; quote request id " + call.requestId;
            }
            try {
                // The request's one record: durable before the last event reaches the client.
                RuntimeException notRecorded = recordQuietly(call);
                if (notRecorded != null && call.status == 200) {
                    spanError = notRecorded.getClass().getSimpleName();
                    // the code a JSON answer would have had (audit unavailable: 503)
                    if (notRecorded instanceof GatehouseException g) {
                        events.error(os, g.status(), g.code(), g.getMessage());
                    } else {
                        events.error(
                                os,
                                500,
                                "internal_error",
                                "Internal error; quote request id " + call.requestId);
                    }
                    os.flush();
                } else if (call.status == 200) {
                    events.done(os);
                    os.flush();
                } else if (errorMessage != null) {
                    events.error(os, call.status, call.errorCode, errorMessage);
                    os.flush();
                }
            } catch (IOException e) {
                // the client went away after the record: nothing left to tell it
                if (spanError == null) {
                    spanError = "client_closed_request";
                }
            }
        } finally {
            if (!call.recorded) {
                // An Error (a filter's StackOverflowError), or a failure inside a handler above:
                // the stream still gets its one record and settlement, and gives back its provider
                // connection and permit below.
                spanError = spanError == null ? "internal_error" : spanError;
                try {
                    brokenOff(call, estimatedIn, meter, stream);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Usage of stream " + call.requestId + " unknown", e);
                }
                call.failed(500, "internal_error");
                recordQuietly(call);
            }
            stream.close();
            GatewayTracing.streamEnded(
                    out.result().span(),
                    usageChunk,
                    List.copyOf(finishReasons.values()),
                    spanError);
            out.release();
        }
    }

    /**
     * Usage of a stream that broke off (or never reported it): what the provider reported, else
     * what the stream has seen so far (the input from its start, every delta's output), else the
     * meter's count of what the provider sent ({@link OutputMeter}).
     */
    private static void brokenOff(
            Call call, long estimatedIn, OutputMeter meter, ProviderStream stream) {
        if (call.inputTokens == 0) {
            Optional<ProviderStream.PartialUsage> partial = stream.partialUsage();
            call.estimated = true;
            call.inputTokens =
                    partial.map(ProviderStream.PartialUsage::inputTokens)
                            .filter(n -> n >= 0)
                            .orElse(estimatedIn);
            call.outputTokens =
                    Math.max(
                            meter.tokens(),
                            partial.map(ProviderStream.PartialUsage::outputTokens).orElse(0L));
        }
        call.costMicros =
                Prices.costMicros(call.candidate.model(), call.inputTokens, call.outputTokens);
    }

    /** The error code of a stream its budget ended: the one admission refuses with. */
    static final String BUDGET_SPENT = "insufficient_quota";

    /** The tenant's budgets have no room for the stream's next chunk (or its settled cost). */
    private static final class BudgetSpent extends RuntimeException {
        BudgetSpent() {
            super(null, null, false, false);
        }
    }

    /**
     * What the stream has cost so far, estimated from what the provider sent ({@link OutputMeter})
     * at the candidate's price: cheap enough for every chunk. The provider's own usage arrives only
     * at the end.
     */
    private static long runningCost(
            Call call, long estimatedIn, OutputMeter meter, ProviderStream stream) {
        // a native stream also counts what carries no choice (tool input, signatures)
        long out =
                Math.max(
                        meter.tokens(),
                        stream.partialUsage()
                                .map(ProviderStream.PartialUsage::outputTokens)
                                .orElse(0L));
        return Prices.costMicros(call.candidate.model(), estimatedIn, out);
    }

    /** Records the call; a failed audit write cannot become an HTTP status any more. */
    private RuntimeException recordQuietly(Call call) {
        try {
            record.close(call);
            return null;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Could not record stream " + call.requestId, e);
            return e;
        }
    }

    /** A chunk to write once the thinking scan has released {@code thinkingUpTo} characters. */
    private record Waiting(JsonObject chunk, String raw, int thinkingUpTo) {}

    /** Writes the waiting chunks, in order, whose thinking text the scan has released. */
    private static void writeScanned(
            OutputStream os, StreamEvents events, Call call, Deque<Waiting> waiting, int released)
            throws IOException {
        while (!waiting.isEmpty() && waiting.peekFirst().thinkingUpTo() <= released) {
            Waiting h = waiting.removeFirst();
            events.chunk(os, h.chunk(), h.raw());
            CallContent.sent(call, h.chunk());
            if (call.ttftMs == null) {
                call.ttftMs = call.elapsedMs();
            }
        }
    }

    /**
     * The output policy over an answer's thinking text ({@code delta.thinking}), scan only: the
     * text goes to the client as the provider sent it (its signature covers it), so a stage that
     * would change it (a redaction) refuses the answer as a deny does. The chunks wait until the
     * filters released their text, so an entity split across deltas is seen whole before any of it
     * goes out.
     */
    private final class ThinkingScan {
        private final GatewayExchange ex;
        private List<StreamFilter> fs;
        final StringBuilder seen = new StringBuilder();
        int released;

        ThinkingScan(GatewayExchange ex) {
            this.ex = ex;
        }

        void feed(String text) {
            if (fs == null) {
                fs = stages.streamFilters(ex);
            }
            seen.append(text);
            String out = text;
            for (StreamFilter f : fs) {
                out = f.onChunk(out);
            }
            check(out);
        }

        void end() {
            if (fs != null) {
                check(drain(fs));
            }
        }

        private void check(String out) {
            int to = released + out.length();
            if (to > seen.length() || !seen.substring(released, to).equals(out)) {
                throw new GatehouseException(
                        403, Stages.THINKING_POLICY_MATCH, Stages.THINKING_POLICY_MESSAGE);
            }
            released = to;
        }
    }

    private List<JsonObject> filterChunk(
            JsonObject chunk,
            GatewayExchange ex,
            boolean oneAnswer,
            Map<Integer, List<StreamFilter>> filters,
            Map<Integer, Integer> open,
            Set<Integer> finished,
            HeldToolCalls held,
            ThinkingScan thinking) {
        if (!(chunk.get("choices") instanceof JsonArray choices) || choices.isEmpty()) {
            return List.of(chunk);
        }
        List<JsonObject> before = new ArrayList<>();
        JsonArrayBuilder nc = JSON.createArrayBuilder();
        boolean changed = false;
        int kept = 0;
        for (JsonValue cv : choices) {
            JsonObject choice = cv.asJsonObject();
            int index = choice.getInt("index", 0);
            boolean finishing =
                    choice.containsKey("finish_reason")
                            && choice.get("finish_reason") != JsonValue.NULL;
            JsonObject delta = choice.getJsonObject("delta");
            if (delta != null && delta.get("thinking") instanceof JsonString th) {
                thinking.feed(th.getString());
                if (finishing) {
                    thinking.end();
                }
                nc.add(choice);
                kept++;
                continue;
            }
            // one chain per answer: entity counts and thresholds span all its parts
            int key = oneAnswer ? 0 : index;
            List<StreamFilter> fs = filters.computeIfAbsent(key, i -> stages.streamFilters(ex));
            if (!finished.contains(index)) {
                open.put(key, index);
            }
            if (delta != null && delta.get("content") instanceof JsonString cs) {
                String t = cs.getString();
                for (StreamFilter f : fs) {
                    t = f.onChunk(t);
                }
                if (!t.equals(cs.getString())) {
                    changed = true;
                    delta = JSON.createObjectBuilder(delta).add("content", t).build();
                    choice = JSON.createObjectBuilder(choice).add("delta", delta).build();
                }
            }
            if (delta != null && delta.get("tool_calls") instanceof JsonArray tcs) {
                if (HeldToolCalls.checked(fs)) {
                    // held until the call is complete (the choice finishes): a filter checks it
                    // whole, and the client gets it in one delta
                    held.add(ex, index, tcs);
                    changed = true;
                    delta = JSON.createObjectBuilder(delta).remove("tool_calls").build();
                    choice = JSON.createObjectBuilder(choice).add("delta", delta).build();
                    if (delta.isEmpty() && !finishing) {
                        continue; // nothing else in this choice's delta
                    }
                } else {
                    held.count(ex, index, tcs);
                }
            }
            if (finishing && finished.add(index)) {
                open.remove(key);
                String tail = drain(fs);
                if (!tail.isEmpty()) {
                    before.add(contentChunk(chunk, index, tail, null));
                }
                JsonObject calls = held.release(ex, chunk, index, fs);
                if (calls != null) {
                    before.add(calls);
                }
            }
            nc.add(choice);
            kept++;
        }
        if (kept > 0) {
            before.add(
                    changed ? JSON.createObjectBuilder(chunk).add("choices", nc).build() : chunk);
        }
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

    static JsonObjectBuilder base(JsonObject like) {
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
}
