package io.gatehouse.policy.internal;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.policy.internal.detect.Detection;
import io.gatehouse.policy.internal.detect.Detectors;
import io.gatehouse.policy.internal.detect.InjectionDetector;
import io.gatehouse.policy.internal.detect.Redactor;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.engine.Decision;
import io.gatehouse.policy.internal.engine.GuardResult;
import io.gatehouse.policy.internal.engine.PolicyEngine;
import io.gatehouse.policy.internal.engine.PolicyRule;
import io.gatehouse.policy.internal.engine.RequestFacts;
import io.gatehouse.policy.internal.engine.ToolFacts;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.GatewayStage;
import io.gatehouse.routing.stage.GuardModels;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The policy stage of the request path (order 200, after prompt rendering). Input: detect entities
 * and injection in the messages, evaluate the tenant's live policies, then deny, redact the
 * messages, restrict providers or raise the classification. Output: the same for the provider's
 * answer, and per chunk while streaming. Every decision is explained in the request's audit event
 * under {@code policy}; no message content is recorded there, only entity counts and scores.
 */
@ApplicationScoped
public class PolicyStage implements GatewayStage {
    static final String AUDIT_KEY = "policy";

    /** Status of a denial the client sees. */
    static final int DENY_STATUS = 403;

    private PolicySource source;
    private Clock clock = Clock.systemUTC();
    private GuardRunner guards; // null: no guard models (unit tests, benchmarks)
    @Inject PolicyMetrics metrics; // null in unit tests that build the stage by hand

    protected PolicyStage() {}

    /** Without guard models: a policy that reads a guard fails that rule (its onError applies). */
    public PolicyStage(PolicySource source) {
        this.source = source;
    }

    @Inject
    public PolicyStage(PolicySource source, GuardModels models) {
        this(source, models, System::currentTimeMillis);
    }

    PolicyStage(PolicySource source, GuardModels models, java.util.function.LongSupplier millis) {
        this.source = source;
        this.guards =
                new GuardRunner(
                        models, new GuardVerdictCache(GuardRunner.CACHE_PER_TENANT, millis));
    }

    PolicyStage(PolicySource source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    /**
     * What the input stage saw, for the output stage of the same request (same policy versions).
     */
    record InputState(List<CompiledPolicy> policies, RequestFacts facts) {}

    @Override
    public int order() {
        return 200;
    }

    @Override
    public void beforeRouting(GatewayExchange ex) {
        List<CompiledPolicy> policies;
        try {
            policies = source.policiesFor(ex.tenant());
        } catch (RuntimeException e) {
            // No policy could be loaded: nothing proves the request is allowed.
            audit(ex).put("errors", List.of("policies could not be loaded"));
            throw new GatehouseException(
                    503,
                    "policy_unavailable",
                    "Policies are unavailable; the request was not sent");
        }
        PolicyDraft draft = ex.attachment(PolicyDraft.class);
        if (draft != null) {
            policies = draft.in(policies);
        }
        RequestScan scan = RequestScan.of(ex, clock.instant());
        Map<String, Object> audit = audit(ex);
        if (draft != null) {
            audit.put("draftOf", draft.changeId().toString());
        }
        audit.put("entities", RequestScan.summary(scan.facts.entities()));
        audit.put(
                "injection",
                Map.of(
                        "score_pct", Math.round(scan.injection.score() * 100),
                        "signals", scan.injection.signals(),
                        "obfuscated", scan.injection.obfuscated()));
        audit.put("classification_in", ex.classification());
        audit.put("tokens_estimate", scan.facts.tokens());
        if (policies.isEmpty()) {
            return;
        }
        ex.attach(InputState.class, new InputState(policies, scan.facts));
        Map<CompiledPolicy, Map<String, GuardResult>> verdicts = Map.of();
        if (guards != null) {
            List<Map<String, Object>> calls = new ArrayList<>();
            verdicts = guards.run(ex, policies, calls);
            if (!calls.isEmpty()) {
                audit.put("guards", calls);
            }
        }
        PolicyEngine.Evaluation ev =
                PolicyEngine.evaluate(policies, scan.facts, PolicyRule.Stage.INPUT, verdicts);
        Decision d = ev.enforced();
        record(ex, audit, ev, "input");
        if (d.denied()) {
            throw denial(ex, d);
        }
        if (d.redacts()) {
            redactInput(ex, scan, d);
        }
        for (Decision.Restriction r : d.restrictions()) {
            ex.restrictProviders("policy " + r.explanation(), r.allows());
        }
        if (d.classification() >= 0) {
            ex.raiseClassification(d.classification());
        }
        audit.put("classification", ex.classification());
    }

    /**
     * A changed copy of the request where redaction rules matched: message text, tool results (with
     * the rules scoped to the tool they answer) and tool-call arguments (likewise), so that every
     * provider dialect receives the masked version.
     */
    private static void redactInput(GatewayExchange ex, RequestScan scan, Decision d) {
        refuseUnredactableDefinitions(ex, scan, d);
        refuseUnredactableSigned(ex, scan, d);
        List<ChatMessage> msgs = new ArrayList<>(ex.messages());
        List<String> resultOf = RequestScan.resultNames(msgs);
        boolean changed = false;
        for (int i = 0; i < msgs.size(); i++) {
            ChatMessage m = msgs.get(i);
            ChatMessage r = m;
            List<Detection> found = scan.perMessage.get(i);
            if (!found.isEmpty()) {
                Set<String> types =
                        resultOf.get(i) == null ? d.redact() : d.redactFor(resultOf.get(i));
                r = r.withText(Redactor.redact(m.text(), found, types));
            }
            if (m.toolCalls() != null) {
                r = r.withToolCalls(redactCalls(m.toolCalls(), d));
            }
            changed |= r != m;
            msgs.set(i, r);
        }
        if (changed) {
            ex.request(ex.request().withMessages(msgs));
            ex.contentRedacted();
        }
    }

    /**
     * 400 {@code unredactable_tool_definition} when a redaction rule matches inside a tool
     * definition. Definitions are forwarded as the client sent them (each dialect renders its own
     * form of them), so masking them is not offered: sending one unchanged while the audit says
     * {@code redacted} would report a redaction that did not happen.
     */
    private static void refuseUnredactableDefinitions(
            GatewayExchange ex, RequestScan scan, Decision d) {
        List<ChatRequest.Tool> tools = ex.request().tools();
        for (int i = 0; i < tools.size() && i < scan.perTool.size(); i++) {
            String name = tools.get(i).name();
            Set<String> types = d.redactFor(name);
            for (Detection f : scan.perTool.get(i)) {
                if (types.contains(f.type())) {
                    ex.contentWithheld();
                    audit(ex).put("refused", "unredactable_tool_definition");
                    throw new GatehouseException(
                            400,
                            "unredactable_tool_definition",
                            "The definition of tool '"
                                    + name
                                    + "' (description or parameters schema) holds "
                                    + f.type()
                                    + " that policy redacts; Gatehouse does not rewrite tool"
                                    + " definitions: remove it from the definition");
                }
            }
        }
    }

    /**
     * 400 {@code unredactable_thinking} when a redaction rule matches inside signed text (an
     * earlier turn's thinking, {@code GatewayExchange.signedInput}): the provider checks its
     * signature, so a masked copy would be refused upstream and an unmasked one would leave
     * unredacted while the audit says {@code redacted}. Likewise 400 {@code unredactable_refusal}
     * for an assistant's earlier refusal, which chat forwards as sent.
     */
    private static void refuseUnredactableSigned(GatewayExchange ex, RequestScan scan, Decision d) {
        refuseUnredactable(
                ex,
                scan.signed,
                d,
                "unredactable_thinking",
                "An earlier turn's thinking block holds %s that policy redacts; Gatehouse cannot"
                        + " change a signed thinking block: leave that turn's thinking out of the"
                        + " conversation");
        refuseUnredactable(
                ex,
                scan.refusals,
                d,
                "unredactable_refusal",
                "An assistant's earlier refusal holds %s that policy redacts; Gatehouse does not"
                        + " rewrite refusals: leave it out of the conversation");
    }

    private static void refuseUnredactable(
            GatewayExchange ex, List<Detection> found, Decision d, String code, String message) {
        for (Detection f : found) {
            if (d.redact().contains(f.type())) {
                ex.contentWithheld();
                audit(ex).put("refused", code);
                throw new GatehouseException(
                        400, code, message.formatted(f.type()), "messages", Map.of());
            }
        }
    }

    /** The calls with their arguments masked as {@code d} says; equal calls where none matched. */
    static List<ChatMessage.ToolCall> redactCalls(List<ChatMessage.ToolCall> calls, Decision d) {
        List<ChatMessage.ToolCall> out = new ArrayList<>(calls.size());
        for (ChatMessage.ToolCall c : calls) {
            out.add(c.withArguments(ToolText.redact(c.arguments(), d.redactFor(c.name()))));
        }
        return out;
    }

    /** The answer's tool calls as rules see them, each with the findings in its arguments. */
    static List<ToolFacts.Use> uses(List<ChatMessage.ToolCall> calls, List<Detection> all) {
        List<ToolFacts.Use> uses = new ArrayList<>();
        for (ChatMessage.ToolCall c : calls) {
            List<Detection> found = ToolText.scan(c.arguments());
            all.addAll(found);
            uses.add(new ToolFacts.Use(c.name(), RequestScan.stats(found)));
        }
        return uses;
    }

    @Override
    public void afterAnswer(GatewayExchange ex) {
        InputState state = ex.attachment(InputState.class);
        String answer = ex.answerText();
        List<ChatMessage.ToolCall> calls = ex.answerToolCalls();
        if (state == null
                || (answer == null && calls.isEmpty())
                || !hasOutputRules(state.policies())) {
            return;
        }
        List<Detection> found = answer == null ? List.of() : Detectors.scan(answer);
        List<Detection> all = new ArrayList<>(found);
        List<ToolFacts.Use> uses = uses(calls, all);
        List<String> texts = new ArrayList<>();
        texts.add(answer == null ? "" : answer);
        calls.forEach(c -> texts.add(ToolText.text(c.arguments())));
        InjectionDetector.Result inj = InjectionDetector.score(texts);
        RequestFacts facts =
                state.facts()
                        .forOutput(
                                ex.classification(),
                                RequestScan.stats(all),
                                inj.score(),
                                inj.signals(),
                                uses);
        PolicyEngine.Evaluation ev =
                PolicyEngine.evaluate(state.policies(), facts, PolicyRule.Stage.OUTPUT);
        Map<String, Object> audit = audit(ex);
        audit.put("output_entities", RequestScan.summary(facts.entities()));
        record(ex, audit, ev, "output");
        Decision d = ev.enforced();
        if (d.denied()) {
            throw denial(ex, d);
        }
        if (d.redacts()) {
            if (answer != null && !d.redact().isEmpty()) {
                String redacted = Redactor.redact(answer, found, d.redact());
                if (!redacted.equals(answer)) {
                    ex.contentRedacted();
                }
                ex.answerText(redacted);
            }
            if (!calls.isEmpty()) {
                ex.contentRedacted();
                ex.answerToolCalls(redactCalls(calls, d));
            }
        }
    }

    @Override
    public StreamFilter streamFilter(GatewayExchange ex) {
        InputState state = ex.attachment(InputState.class);
        if (state == null || !hasOutputRules(state.policies())) {
            return null;
        }
        return new PolicyStreamFilter(this, ex, state);
    }

    static boolean hasOutputRules(List<CompiledPolicy> policies) {
        for (CompiledPolicy p : policies) {
            for (PolicyRule r : p.document().rules()) {
                if (r.appliesTo(PolicyRule.Stage.OUTPUT)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Writes a stage's decision (and the shadow one) into the audit details; sets the version. */
    void record(
            GatewayExchange ex,
            Map<String, Object> audit,
            PolicyEngine.Evaluation ev,
            String stage) {
        Decision d = ev.enforced();
        // a draft's decisions (a test call through a policy change) are no live policy's: they
        // stay out of the live policy and rule metrics, and are in the call's audit event only
        if (metrics != null && ex.attachment(PolicyDraft.class) == null) {
            metrics.record(ex.tenant(), stage, d);
        }
        if (!d.versions().isEmpty() || audit.get("versions") == null) {
            // the union over both stages: an input-only policy stays in the request's lineage
            // when another policy's output rules run later
            TreeSet<String> union = new TreeSet<>(d.versions());
            if (audit.get("versions") instanceof List<?> earlier) {
                for (Object v : earlier) {
                    union.add(String.valueOf(v));
                }
            }
            List<String> versions = List.copyOf(union);
            audit.put("versions", versions);
            if (!versions.isEmpty()) {
                ex.stageVersion(LineageKeys.POLICY_VERSION, String.join(",", versions));
            }
        }
        audit.put(stage, d.explain());
        Decision s = ev.shadow();
        if (!s.versions().isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> shadow =
                    (Map<String, Object>)
                            audit.computeIfAbsent(
                                    "shadow", k -> new LinkedHashMap<String, Object>());
            shadow.put("versions", s.versions().stream().sorted().toList());
            shadow.put(stage, s.explain());
        }
    }

    /**
     * {@link #denial(Decision)} for a request whose content is refused: the exchange is marked so
     * that no redacted form of it is kept.
     */
    static GatehouseException denial(GatewayExchange ex, Decision d) {
        ex.contentWithheld();
        return denial(d);
    }

    static GatehouseException denial(Decision d) {
        if (d.guardUnavailable()) {
            return new GatehouseException(503, d.denyCode(), d.denyMessage());
        }
        if (d.failedClosed()) {
            return new GatehouseException(500, d.denyCode(), d.denyMessage());
        }
        return new GatehouseException(DENY_STATUS, d.denyCode(), d.denyMessage());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> audit(GatewayExchange ex) {
        return (Map<String, Object>)
                ex.auditDetails()
                        .computeIfAbsent(AUDIT_KEY, k -> new LinkedHashMap<String, Object>());
    }
}
