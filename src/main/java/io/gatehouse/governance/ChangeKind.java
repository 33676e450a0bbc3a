package io.gatehouse.governance;

import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.util.Optional;
import java.util.Set;

/**
 * What governance needs to know about one kind of change (prompt, provider, route, policy, ...).
 * The module that owns the thing implements it as an {@code @ApplicationScoped} bean; governance
 * finds all implementations through CDI and never imports them.
 */
public interface ChangeKind {
    /** The {@code kind} value of change requests, e.g. {@code prompt}. */
    String kind();

    /**
     * Checks proposed content and returns it normalized for storage: secrets sealed (see {@link
     * #secretFields()}), defaults filled. Throws {@code ValidationException} naming the field.
     */
    JsonObject validate(TenantId tenant, String target, JsonObject content);

    /** What is live now for the target (content with secrets masked), if anything. */
    Optional<LiveVersion> live(TenantId tenant, String target);

    /**
     * The version that is live now as committed in the database, read past every cache. Publishing
     * (and rollback) call it while holding the target's lock, so two publishes of one target on two
     * instances cannot both pass the "based on what is live" check; {@link #live} may answer from
     * an instance's cache and is only good for showing and diffing.
     */
    Optional<String> committedVersion(TenantId tenant, String target);

    /**
     * How risky applying {@code proposed} over {@code live} is; HIGH needs two distinct reviewers.
     * HIGH whenever the change moves where data may go or what a policy can match on (a provider's
     * region, clearance or models, a route's destinations or operation, data retention such as an
     * answer cache, a prompt's route): classify by listing the harmless fields, not the dangerous
     * ones.
     */
    RiskClass risk(TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live);

    /**
     * Makes approved content live, inside the caller's JTA transaction (so the publish and its
     * audit event commit together). Returns the new live version's id.
     */
    String apply(TenantId tenant, String target, JsonObject content, ChangeContext context);

    /**
     * Top-level content fields that hold secrets: diffs say only "changed", responses never show
     * them.
     */
    default Set<String> secretFields() {
        return Set.of();
    }

    /**
     * The audit detail key under which gateway request events name the live version of this kind
     * (one of {@code audit.LineageKeys}), or empty when requests do not record it. A publish or
     * rollback event then carries {@link #lineageVersion} under this key, so that the lineage graph
     * joins requests to the change that made their version live. Governance asks the kind instead
     * of testing kind names.
     */
    default Optional<String> lineageKey() {
        return Optional.empty();
    }

    /**
     * How gateway events name {@code version} of {@code target}, as returned by {@link #apply}. By
     * default the version id itself.
     */
    default String lineageVersion(String target, String version) {
        return version;
    }

    /**
     * Whether this kind offers a test call through a draft ({@link #testCall}); governance answers
     * 400 {@code test_call_unsupported} for a kind that does not.
     */
    default boolean offersTestCall() {
        return false;
    }

    /**
     * Runs one call through the real gateway path with {@code call.content()} applied to that call
     * only (never to live traffic). Only kinds that {@link #offersTestCall} implement it.
     */
    default DraftTestCall.Answer testCall(DraftTestCall call) {
        throw new UnsupportedOperationException(kind() + " offers no test call");
    }

    /**
     * Whether a golden set may bind this kind's targets (issue 23): {@link #evaluate} runs a case
     * against a candidate's content or against what is live.
     */
    default boolean offersEvaluation() {
        return false;
    }

    /**
     * Runs one golden-set case through the real gateway path ({@code
     * routing.stage.EvaluationCalls}) with {@code call.candidate()} applied to that call only, or
     * against what is live when it is null. Throws {@code ValidationException} for a case the kind
     * cannot run (e.g. a policy case without a model). Only kinds that {@link #offersEvaluation}
     * implement it.
     */
    default EvaluationAnswer evaluate(EvaluationCall call) {
        throw new UnsupportedOperationException(kind() + " offers no evaluation");
    }

    /**
     * Evidence this kind computes by itself for proposed content (issue 23), stored with the
     * revision on submit, revise and rebase and shown in the change's {@code evidence}: {@code
     * {"type": "<type>", ...}} (the policy kind's traffic replay: type {@code replay}). Empty when
     * the kind has none. Runs after the transition committed, outside its transaction; a failure is
     * recorded as an {@code error} entry and never undoes or blocks the transition. {@code by}
     * names the transition that asked for it, so that what the evidence reads is attributed to the
     * person who caused it.
     */
    default Optional<JsonObject> automaticEvidence(
            TenantId tenant, String target, JsonObject content, EvidenceTrigger by) {
        return Optional.empty();
    }

    /**
     * The transition an automatic evidence is computed for.
     *
     * @param changeId the change
     * @param revision its revision whose content the evidence is about
     * @param actor the subject of the person who submitted, revised or rebased it
     * @param requestId the server's id of that person's request
     */
    record EvidenceTrigger(java.util.UUID changeId, int revision, String actor, String requestId) {}
}
