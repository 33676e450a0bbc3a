package io.gatehouse.policy.internal;

import io.gatehouse.audit.RetainedRequests;
import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.DraftTestCall;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.engine.PolicyParser;
import io.gatehouse.policy.internal.persistence.JpaPolicyVersions;
import io.gatehouse.policy.internal.persistence.PolicyVersionEntity;
import io.gatehouse.routing.stage.EvaluationCalls;
import io.gatehouse.routing.stage.OverriddenCalls;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.routing.stage.TestCallOf;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Policies as a kind of governed change ({@code "kind": "policy"}, target = the policy's name).
 * Validation compiles every CEL expression; a relaxation is HIGH risk (two reviewers). A change
 * made without a tenant (a platform administrator) publishes a global policy.
 */
@ApplicationScoped
public class PolicyChangeKind implements ChangeKind {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._\\-]{0,63}");

    @Inject JpaPolicyVersions versions;
    @Inject ChangeFeed feed;
    @Inject OverriddenCalls calls;
    @Inject EvaluationCalls evaluations;
    @Inject PolicyTestBench bench;
    @Inject RetainedRequests retained;

    @Override
    public String kind() {
        return "policy";
    }

    /**
     * Gateway request events name the {@value io.gatehouse.audit.LineageKeys#POLICY_VERSION} they
     * used.
     */
    @Override
    public Optional<String> lineageKey() {
        return Optional.of(io.gatehouse.audit.LineageKeys.POLICY_VERSION);
    }

    @Override
    public JsonObject validate(TenantId tenant, String target, JsonObject content) {
        if (target == null || !NAME.matcher(target).matches()) {
            throw new ValidationException("target", "A policy name must match " + NAME.pattern());
        }
        return PolicyParser.normalize(content);
    }

    @Override
    public Optional<LiveVersion> live(TenantId tenant, String target) {
        return versions.live(tenant == null ? null : tenant.value(), target)
                .map(v -> new LiveVersion(v.label(), JsonInput.readObject(v.content())));
    }

    @Override
    public Optional<String> committedVersion(TenantId tenant, String target) {
        return versions.liveLabel(tenant == null ? null : tenant.value(), target);
    }

    @Override
    public RiskClass risk(
            TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live) {
        return relaxes(
                        PolicyParser.normalize(proposed),
                        live.map(LiveVersion::content).orElse(null))
                ? RiskClass.HIGH
                : RiskClass.LOW;
    }

    /**
     * True when the proposal could let through something the live version stops: a live rule
     * removed or changed, enforcement turned into shadow, fail-closed turned into fail-open, a live
     * guard removed or changed, or a new allow rule (it ends its policy early). Adding restrictive
     * rules (and guards for them) is not a relaxation.
     */
    static boolean relaxes(JsonObject proposed, JsonObject live) {
        boolean anyAllow =
                proposed.getJsonArray("rules").stream()
                        .anyMatch(r -> r.asJsonObject().getString("action").equals("allow"));
        if (live == null) {
            return anyAllow || proposed.getString("mode").equals("shadow");
        }
        if (live.getString("mode", "enforce").equals("enforce")
                && proposed.getString("mode").equals("shadow")) {
            return true;
        }
        if (live.getString("onError", "fail_closed").equals("fail_closed")
                && proposed.getString("onError").equals("fail_open")) {
            return true;
        }
        // A live guard removed or reconfigured (another route, onError deny -> allow, a longer
        // text limit...) can change what its rules let through.
        JsonObject liveGuards = live.getJsonObject("guards");
        if (liveGuards != null) {
            JsonObject proposedGuards = proposed.getJsonObject("guards");
            for (var g : liveGuards.entrySet()) {
                if (proposedGuards == null
                        || !g.getValue().equals(proposedGuards.get(g.getKey()))) {
                    return true;
                }
            }
        }
        Map<String, JsonValue> proposedRules = new HashMap<>();
        proposed.getJsonArray("rules")
                .forEach(r -> proposedRules.put(r.asJsonObject().getString("id"), r));
        for (JsonValue r : live.getJsonArray("rules")) {
            JsonObject lr = r.asJsonObject();
            JsonValue same = proposedRules.get(lr.getString("id"));
            if (same == null || !same.equals(lr)) {
                return true;
            }
        }
        // Order matters (allow and deny end a policy): live rules must keep their relative order.
        var liveIds =
                live.getJsonArray("rules").stream()
                        .map(r -> r.asJsonObject().getString("id"))
                        .toList();
        var keptOrder =
                proposed.getJsonArray("rules").stream()
                        .map(r -> r.asJsonObject().getString("id"))
                        .filter(liveIds::contains)
                        .toList();
        if (!keptOrder.equals(liveIds)) {
            return true;
        }
        for (JsonValue r : proposed.getJsonArray("rules")) {
            JsonObject pr = r.asJsonObject();
            if (!liveIds.contains(pr.getString("id")) && pr.getString("action").equals("allow")) {
                return true;
            }
        }
        return false;
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
        JsonObject normalized = PolicyParser.normalize(content);
        UUID t = tenant == null ? null : tenant.value();
        PolicyVersionEntity v =
                versions.publish(
                        t,
                        target,
                        normalized.toString(),
                        normalized.getString("mode"),
                        context.changeId(),
                        context.publisher().subject(),
                        context.rollback());
        feed.publish(PolicyCache.TOPIC, tenant, target);
        return v.label();
    }

    @Override
    public boolean offersTestCall() {
        return true;
    }

    /**
     * The call's messages sent to {@code model} (a route alias or {@code prompt:<name>@<label>})
     * through the gateway with the draft ({@link PolicyDraft}) in place of the tenant's live policy
     * of its name, for this call only: what the draft would deny, redact or restrict shows in the
     * answer. Global drafts (no tenant) are not offered: a person's call is their tenant's.
     */
    @Override
    public DraftTestCall.Answer testCall(DraftTestCall call) {
        requireModel(call.model());
        requireMessages(call.messages());
        OverriddenCalls.Result r =
                calls.chat(
                        call.caller(),
                        call.requestId(),
                        body(call.model(), call.messages(), call.variables()),
                        draftOverride(
                                call.target(), call.changeId(), call.revision(), call.content()),
                        new TestCallOf(call.changeId(), call.revision(), call.contentSha256()));
        return new DraftTestCall.Answer(
                r.status(),
                r.text(),
                r.route(),
                r.provider(),
                r.model(),
                r.inputTokens(),
                r.outputTokens(),
                r.costMicros(),
                r.requestId(),
                r.errorCode(),
                r.errorMessage());
    }

    /** The system actor of the automatic evidence's audited read of retained content. */
    static final String EVIDENCE_ACTOR = "policy.evidence";

    /** Rows of the replay kept with a revision (the bench reports at most 50). */
    static final int REPLAY_ROWS_KEPT = 20;

    /**
     * A policy change's evidence (issue 23): the test bench's replay of the tenant's recent traffic
     * ({@link PolicyTestBench#DEFAULT_TRAFFIC} requests) under the live policies and with the
     * proposed content in place of the live policy of its name, over the content the tenant retains
     * where it keeps some (as the bench a person runs: the same loop, the same audited read, {@code
     * audit.content.read} purpose {@code policy.replay}, read by the system actor {@value
     * #EVIDENCE_ACTOR} and recorded as the read of the person whose submit, revise or rebase caused
     * it, with that request's id and the change's id) and over the recorded summaries elsewhere:
     * {@code {"type": "replay", "status": "ok", "considered", "changed", "overContent",
     * "summaryOnly", "traffic"}} with the first {@value #REPLAY_ROWS_KEPT} changed rows, or {@code
     * "status": "error"} and the reason when the bench could not replay (time limit, a draft it
     * cannot compile, the read not audited). Global policies (no tenant) have no traffic of their
     * own: none.
     */
    @Override
    public Optional<JsonObject> automaticEvidence(
            TenantId tenant, String target, JsonObject content, EvidenceTrigger by) {
        if (tenant == null) {
            return Optional.empty();
        }
        JsonObjectBuilder out = Json.createObjectBuilder().add("type", "replay");
        Caller system = Caller.system(EVIDENCE_ACTOR, tenant);
        RetainedRequests.Read read =
                by == null
                        ? new RetainedRequests.Read("policy.replay", null)
                        : new RetainedRequests.Read("policy.replay", by.requestId())
                                .onBehalfOf(by.actor(), by.changeId().toString());
        try {
            JsonObject report =
                    bench.run(
                            tenant,
                            Json.createObjectBuilder()
                                    .add("name", target)
                                    .add("policy", content)
                                    .add(
                                            "traffic",
                                            Json.createObjectBuilder()
                                                    .add("limit", PolicyTestBench.DEFAULT_TRAFFIC))
                                    .build(),
                            limit -> retained.recent(system, limit, read));
            JsonObject traffic = report.getJsonObject("traffic");
            var rows = Json.createArrayBuilder();
            var changes = traffic.getJsonArray("changes");
            for (int i = 0; i < Math.min(REPLAY_ROWS_KEPT, changes.size()); i++) {
                rows.add(changes.get(i));
            }
            int considered = traffic.getInt("considered");
            out.add("status", "ok")
                    .add("considered", considered)
                    .add("changed", traffic.getInt("changed"))
                    .add("overContent", traffic.getInt("overContent", 0))
                    .add("summaryOnly", traffic.getInt("summaryOnly", considered))
                    .add("traffic", Json.createObjectBuilder(traffic).add("changes", rows).build());
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            out.add("status", "error")
                    .add("error", why.length() > 500 ? why.substring(0, 500) : why);
        }
        return Optional.of(out.build());
    }

    @Override
    public boolean offersEvaluation() {
        return true;
    }

    /**
     * A golden-set case (issue 23) shaped like the test call: the case's messages sent to its model
     * with the candidate in place of the tenant's live policy of its name ({@link PolicyDraft},
     * labelled with the change and revision), or, for the live side, without an override.
     */
    @Override
    public EvaluationAnswer evaluate(EvaluationCall call) {
        requireModel(call.model());
        JsonObject body = body(call.model(), call.messages(), call.variables());
        StageOverrides overrides =
                call.candidate() == null
                        ? new StageOverrides()
                        : draftOverride(
                                call.target(),
                                call.of().changeId(),
                                call.of().revision(),
                                call.candidate());
        return evaluations.chat(call.tenant(), call.requestId(), body, overrides, call.of());
    }

    private static void requireModel(String model) {
        if (model == null) {
            throw new ValidationException(
                    "model", "model is required: the route alias (or prompt) to send the call to");
        }
    }

    /** A policy's test call sends the person's messages: without them it tests nothing. */
    private static void requireMessages(JsonArray messages) {
        if (messages == null) {
            throw new ValidationException(
                    "messages",
                    "messages must be a non-empty array of {role, content}: a policy draft is"
                            + " tested on the messages it would see");
        }
    }

    /** The chat body of a test call or an evaluation. */
    static JsonObject body(String model, JsonArray messages, JsonObject variables) {
        JsonObjectBuilder body =
                Json.createObjectBuilder().add("model", model).add("messages", messages);
        if (variables != null) {
            body.add("prompt_variables", variables);
        }
        return body.build();
    }

    /** The draft compiled and attached to the one exchange, labelled with its change. */
    private static StageOverrides draftOverride(
            String target, UUID changeId, int revision, JsonObject content) {
        CompiledPolicy draft =
                CompiledPolicy.compile(
                        target,
                        PolicyDraft.versionLabel(target, changeId, revision),
                        false,
                        PolicyParser.normalize(content));
        return new StageOverrides().with(PolicyDraft.class, new PolicyDraft(changeId, draft));
    }
}
