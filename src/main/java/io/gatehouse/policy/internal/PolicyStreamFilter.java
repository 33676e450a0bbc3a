package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.detect.Detection;
import io.gatehouse.policy.internal.detect.Detectors;
import io.gatehouse.policy.internal.detect.Redactor;
import io.gatehouse.policy.internal.engine.Decision;
import io.gatehouse.policy.internal.engine.PolicyEngine;
import io.gatehouse.policy.internal.engine.PolicyRule;
import io.gatehouse.policy.internal.engine.RequestFacts;
import io.gatehouse.policy.internal.engine.RequestFacts.EntityStat;
import io.gatehouse.policy.internal.engine.ToolFacts;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Output policy on a streamed answer. Each chunk is appended to a pending buffer; everything but a
 * look-behind tail is released, redacted. The tail (the last {@link #LOOK_BEHIND} characters, moved
 * back to a word start, and any finding that touches the end) waits for the next chunk, so an
 * entity split across two chunks is still seen whole. Output rules are evaluated on every chunk
 * over the entities released so far plus the pending ones; a deny cuts the stream with a {@code
 * GatehouseException} that routing turns into an error event.
 */
final class PolicyStreamFilter implements StreamFilter {
    static final int LOOK_BEHIND = 96;

    /**
     * A tail without any whitespace is released anyway past this size (e.g. a long base64 blob).
     */
    static final int MAX_PENDING = 4096;

    private final PolicyStage stage;
    private final GatewayExchange ex;
    private final PolicyStage.InputState state;
    private final StringBuilder pending = new StringBuilder();
    private Map<String, EntityStat> released = Map.of();
    // the answer's complete tool calls so far (routing holds each until complete) and their
    // findings
    private final List<ToolFacts.Use> calls = new ArrayList<>();
    private Map<String, EntityStat> callEntities = Map.of();
    // The last evaluation and what it was made of: rules see nothing else that changes during a
    // stream, so while classification and entity counts stay the same, so does the decision.
    private Map<String, EntityStat> lastEntities;
    private int lastClassification;
    private int lastCalls;
    private RequestFacts lastFacts;
    private PolicyEngine.Evaluation lastEvaluation;

    PolicyStreamFilter(PolicyStage stage, GatewayExchange ex, PolicyStage.InputState state) {
        this.stage = stage;
        this.ex = ex;
        this.state = state;
    }

    @Override
    public String onChunk(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        pending.append(text);
        return release(false);
    }

    @Override
    public String onEnd() {
        return release(true);
    }

    @Override
    public boolean checksToolCalls() {
        return true;
    }

    /**
     * A complete tool call of the answer (routing held its fragments): output rules see it with the
     * text released so far; a deny cuts the stream, a redaction masks its arguments.
     */
    @Override
    public ChatMessage.ToolCall onToolCall(ChatMessage.ToolCall call) {
        List<Detection> found = new ArrayList<>();
        calls.addAll(PolicyStage.uses(List.of(call), found));
        callEntities = RequestScan.plus(callEntities, RequestScan.stats(found));
        Map<String, EntityStat> entities = RequestScan.plus(released, callEntities);
        RequestFacts facts =
                state.facts().forOutput(ex.classification(), entities, 0.0, List.of(), calls);
        PolicyEngine.Evaluation ev =
                PolicyEngine.evaluate(state.policies(), facts, PolicyRule.Stage.OUTPUT);
        lastEvaluation = null; // the next text chunk evaluates afresh
        Map<String, Object> audit = PolicyStage.audit(ex);
        audit.put("output_entities", RequestScan.summary(facts.entities()));
        audit.put("streamed", true);
        Decision d = ev.enforced();
        if (d.denied() || !d.matched().isEmpty() || !ev.shadow().matched().isEmpty()) {
            stage.record(ex, audit, ev, "output");
        }
        if (d.denied()) {
            throw PolicyStage.denial(ex, d);
        }
        if (!d.redacts()) {
            return call;
        }
        ex.contentRedacted();
        return PolicyStage.redactCalls(List.of(call), d).get(0);
    }

    private String release(boolean end) {
        String buf = pending.toString();
        List<Detection> found = Detectors.scan(buf);
        Map<String, EntityStat> entities =
                RequestScan.plus(
                        RequestScan.plus(released, RequestScan.stats(found)), callEntities);
        RequestFacts facts;
        PolicyEngine.Evaluation ev;
        if (lastEvaluation != null
                && lastClassification == ex.classification()
                && lastCalls == calls.size()
                && lastEntities.equals(entities)) {
            facts = lastFacts;
            ev = lastEvaluation;
        } else {
            facts = state.facts().forOutput(ex.classification(), entities, 0.0, List.of(), calls);
            ev = PolicyEngine.evaluate(state.policies(), facts, PolicyRule.Stage.OUTPUT);
            lastCalls = calls.size();
            lastEntities = entities;
            lastClassification = ex.classification();
            lastFacts = facts;
            lastEvaluation = ev;
        }
        Map<String, Object> audit = PolicyStage.audit(ex);
        audit.put("output_entities", RequestScan.summary(facts.entities()));
        audit.put("streamed", true);
        Decision d = ev.enforced();
        if (d.denied() || end || !d.matched().isEmpty() || !ev.shadow().matched().isEmpty()) {
            stage.record(ex, audit, ev, "output");
        }
        if (d.denied()) {
            pending.setLength(0);
            throw PolicyStage.denial(ex, d);
        }
        int boundary = end ? buf.length() : safeBoundary(buf, found);
        List<Detection> out = new ArrayList<>();
        for (Detection f : found) {
            if (f.end() <= boundary) {
                out.add(f);
            }
        }
        String plain = buf.substring(0, boundary);
        String emit = Redactor.redact(plain, out, d.redact());
        if (!emit.equals(plain)) {
            ex.contentRedacted();
        }
        released = RequestScan.plus(released, RequestScan.stats(out));
        pending.delete(0, boundary);
        return emit;
    }

    static int safeBoundary(String buf, List<Detection> found) {
        int b = Math.max(0, buf.length() - LOOK_BEHIND);
        // Do not cut a word (a token, an address) in two: back to the start of the word at the
        // boundary,
        // and over digit groups separated by spaces or dashes (card numbers, IBANs, phone numbers).
        while (b > 0 && !Character.isWhitespace(buf.charAt(b - 1))) {
            b--;
        }
        while (b >= 2
                && (buf.charAt(b - 1) == ' ' || buf.charAt(b - 1) == '-')
                && Character.isLetterOrDigit(buf.charAt(b - 2))
                && b < buf.length()
                && Character.isDigit(buf.charAt(b))) {
            b--;
            while (b > 0 && !Character.isWhitespace(buf.charAt(b - 1))) {
                b--;
            }
        }
        // A finding that reaches into the tail (or touches the end: it may go on) is held whole.
        for (Detection f : found) {
            if (f.start() < b && f.end() > b || f.end() >= buf.length() && f.start() < b) {
                b = f.start();
            }
        }
        if (b == 0 && buf.length() > MAX_PENDING) {
            b = buf.length() - LOOK_BEHIND;
        }
        return b;
    }
}
