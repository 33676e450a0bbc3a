package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.ChangeRequestEntity;
import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.governance.internal.persistence.ReviewEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.ForbiddenException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The evidence check of a publication (issue 23), called by {@link ChangeRequestService#publish}
 * inside its transaction, after it locked the change's row (so no revision can arrive) and the
 * target. It reads the live golden sets binding the change and the change's runs as committed now,
 * and {@link EvidenceRule} judges them against the change's current revision: a run that finishes a
 * moment later was not finished when the publication decided, so it counts as missing, and a pass
 * of another revision never counts.
 */
@ApplicationScoped
public class EvidenceGate {
    @Inject GoldenSetRows sets;
    @Inject EvaluationRows runs;

    /** An override asked for at publication: its reason, already validated. */
    public record EvidenceOverride(String reason) {}

    /** What the publication records about the evidence: audit details, and the override. */
    public record Outcome(Map<String, Object> auditDetails, JsonObject override) {}

    /**
     * The verdict of every live set binding {@code c}, for its current revision, over {@code
     * changeRuns} (its runs, oldest first); a failure only {@code authors} re-ran keeps blocking.
     */
    EvidenceRule.Verdict verdict(
            ChangeRequestEntity c, List<EvaluationRows.Run> changeRuns, Set<String> authors) {
        List<EvidenceRule.BoundSet> bound = new ArrayList<>();
        for (GoldenSetRows.Row r : sets.liveBinding(c.tenantId(), c.kind(), c.target())) {
            bound.add(new EvidenceRule.BoundSet(r.name(), r.version()));
        }
        return EvidenceRule.judge(c.revision(), bound, states(changeRuns), authors);
    }

    /** The runs as {@link EvidenceRule} reads them. */
    static List<EvidenceRule.RunState> states(List<EvaluationRows.Run> changeRuns) {
        List<EvidenceRule.RunState> states = new ArrayList<>();
        for (EvaluationRows.Run r : changeRuns) {
            states.add(
                    new EvidenceRule.RunState(
                            r.id(),
                            r.goldenSet(),
                            r.goldenSetVersion(),
                            r.revision(),
                            r.status(),
                            r.requestedBy()));
        }
        return states;
    }

    /**
     * Throws unless the publication may go on: 409 {@code evidence_missing} (never overridable),
     * 409 {@code evidence_failed} without an override, and for an override 403 {@code own_change}
     * (an author of any revision), 409 {@code override_needs_reviewer} (fewer than one more
     * distinct approval of the current revision than the rule needs, counting only reviewers other
     * than the publisher who approved after the last overridden run finished), 409 {@code
     * override_not_needed} (no failed run to override). Returns what to record.
     */
    Outcome check(
            ChangeRequestEntity c,
            Caller caller,
            boolean required,
            int requiredApprovals,
            List<ReviewEntity> reviews,
            Set<String> authors,
            EvidenceOverride override,
            Instant now) {
        if (!required) {
            if (override != null) {
                throw new ConflictException(
                        "override_not_needed",
                        "No approval rule requires evidence for this change: there is nothing to"
                                + " override; publish it without evidenceOverride");
            }
            return new Outcome(Map.of(), null);
        }
        List<EvaluationRows.Run> changeRuns = runs.ofChange(c.tenantId(), c.id());
        EvidenceRule.Verdict v = verdict(c, changeRuns, authors);
        JsonObject problem =
                Json.createObjectBuilder()
                        .add("revision", c.revision())
                        .add("goldenSets", v.blockingJson())
                        .build();
        if (v.missing()) {
            throw new ConflictException(
                    "evidence_missing",
                    "Cannot publish: the approval rule requires a passed evaluation run of every"
                            + " live golden set binding "
                            + c.kind()
                            + " "
                            + c.target()
                            + " for revision "
                            + c.revision()
                            + "; missing or unfinished: "
                            + v.describe()
                            + ". Run them (POST /api/v1/changes/"
                            + c.id()
                            + "/evaluations) and wait for them to finish; a missing run cannot be"
                            + " overridden",
                    problem);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("evidenceRequired", true);
        List<Map<String, Object>> evidence = new ArrayList<>();
        for (EvidenceRule.SetVerdict s : v.sets()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("goldenSet", s.goldenSet());
            e.put("version", s.version());
            e.put("status", s.status().wireName());
            e.put("runId", s.runId().toString());
            evidence.add(e);
        }
        details.put("evidence", evidence);
        if (v.passed()) {
            if (override != null) {
                throw new ConflictException(
                        "override_not_needed",
                        "Every bound golden set passed for revision "
                                + c.revision()
                                + ": there is nothing to override; publish it without"
                                + " evidenceOverride");
            }
            return new Outcome(details, null);
        }
        // failed, nothing missing
        if (override == null) {
            throw new ConflictException(
                    "evidence_failed",
                    "Cannot publish: evaluation runs of revision "
                            + c.revision()
                            + " failed: "
                            + v.describe()
                            + ". Revise the change, or publish with evidenceOverride {reason} once "
                            + EvidenceRule.approvalsForOverride(requiredApprovals)
                            + " distinct reviewers (one more than the rule needs) approved this"
                            + " revision",
                    problem);
        }
        if (authors.contains(caller.subject())) {
            throw new ForbiddenException(
                    "own_change",
                    "You authored a revision of this change, so you cannot override its failed"
                            + " evidence: an admin who authored none of it must");
        }
        int needed = EvidenceRule.approvalsForOverride(requiredApprovals);
        // the reviewers must have seen the failure: approvals after the last overridden run ended
        Instant failedAt = null;
        for (EvaluationRows.Run r : changeRuns) {
            if (v.failedRunIds().contains(r.id())
                    && r.finishedAt() != null
                    && (failedAt == null || r.finishedAt().isAfter(failedAt))) {
                failedAt = r.finishedAt();
            }
        }
        List<String> approvers =
                ApprovalRule.overrideApprovers(
                        c.revision(), reviews, authors, caller.subject(), failedAt);
        if (approvers.size() < needed) {
            throw new ConflictException(
                    "override_needs_reviewer",
                    "Overriding a failed run needs "
                            + needed
                            + " distinct approvals of revision "
                            + c.revision()
                            + " (one more than the rule's "
                            + requiredApprovals
                            + ") by reviewers other than you, given after the failed run finished"
                            + (failedAt == null ? "" : " (" + failedAt + ")")
                            + "; it has "
                            + approvers.size(),
                    problem);
        }
        JsonArrayBuilder runIds = Json.createArrayBuilder();
        List<String> ids = new ArrayList<>();
        for (UUID id : v.failedRunIds()) {
            runIds.add(id.toString());
            ids.add(id.toString());
        }
        JsonObject recorded =
                Json.createObjectBuilder()
                        .add("reason", override.reason())
                        .add("by", caller.subject())
                        .add("byName", caller.name() == null ? caller.subject() : caller.name())
                        .add("at", now.toString())
                        .add("revision", c.revision())
                        .add("runIds", runIds)
                        .add("approvals", approvers.size())
                        .add("requiredApprovals", requiredApprovals)
                        .build();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("reason", override.reason());
        o.put("runIds", ids);
        o.put("approvals", approvers.size());
        o.put("approvedBy", List.copyOf(approvers));
        o.put("requiredApprovals", requiredApprovals);
        details.put("evidenceOverride", o);
        return new Outcome(details, recorded);
    }
}
