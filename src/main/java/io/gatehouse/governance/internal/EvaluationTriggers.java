package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.governance.internal.persistence.ChangeRequestEntity;
import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ConflictException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * When evaluation runs are queued (issue 23): in the same transaction as a change's submit, revise
 * or rebase (the transition's synchronous event), one run per live golden set of the tenant that
 * binds the change's kind and target; and on demand ({@code POST
 * /api/v1/changes/{id}/evaluations}). Once the transaction commits this instance looks for work at
 * once ({@link EvaluationJobs#kick}).
 */
@ApplicationScoped
public class EvaluationTriggers {
    static final Set<String> TRIGGERS = Set.of("submit", "revise", "rebase");

    @Inject EvaluationRows rows;
    @Inject GoldenSetRows sets;
    @Inject ChangeViews views;
    @Inject EvaluationJobs jobs;
    @Inject AuditRecorder audit;

    /** Inside the transition's transaction: its runs commit with it or not at all. */
    void onTransition(@Observes ChangeTransition t) {
        if (TRIGGERS.contains(t.action())) {
            enqueue(
                    t.tenant(),
                    t.changeId(),
                    t.revision(),
                    t.kind(),
                    t.target(),
                    t.action(),
                    t.actor(),
                    t.requestId());
        }
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ChangeTransition t) {
        if (TRIGGERS.contains(t.action())) {
            jobs.kick();
        }
    }

    /**
     * Queues a run of every live set binding the change, now (author, reviewer or admin; 404 for
     * another tenant's change; 409 {@code no_golden_set} when none binds it, {@code
     * change_not_evaluable} once it is no longer open); answers the runs queued, and for a set
     * whose run of the revision is queued or running already, that run (nothing queued twice).
     */
    @Transactional
    public List<UUID> onDemand(Caller caller, String requestId, UUID id) {
        ChangeRequestService.requireAny(caller, Role.AUTHOR, Role.REVIEWER, Role.ADMIN);
        GoldenSets.requireTenant(caller);
        ChangeRequestEntity c = views.find(caller, id);
        ChangeState state = ChangeState.fromWireName(c.state()).orElseThrow();
        if (!ChangeTestCalls.TESTABLE.contains(state)) {
            throw new ConflictException(
                    "change_not_evaluable",
                    "The change is "
                            + state.wireName()
                            + ": an evaluation runs on a change not yet published (draft, in review,"
                            + " changes requested or approved)");
        }
        List<GoldenSetRows.Row> bound =
                sets.liveBinding(caller.tenant().value(), c.kind(), c.target());
        if (bound.isEmpty()) {
            throw new ConflictException(
                    "no_golden_set",
                    "No live golden set of the tenant binds " + c.kind() + " " + c.target());
        }
        // one run at a time per revision and set (V73): a set whose run of this revision is
        // queued or running already answers that run, so two requests at once queue one run
        List<EvaluationRows.Queued> runs =
                enqueue(
                        caller.tenant(),
                        c.id(),
                        c.revision(),
                        c.kind(),
                        c.target(),
                        "on_demand",
                        caller.subject(),
                        requestId,
                        bound);
        List<UUID> ids = runs.stream().map(EvaluationRows.Queued::id).toList();
        // who asked for the runs, in the transaction that queues them (the runs' own start and
        // finish events name the evaluation actor)
        audit.recordInTransaction(
                AuditEvent.by(caller, "evaluation.run.request")
                        .target("change", c.id())
                        .detail(LineageKeys.CHANGE_ID, c.id().toString())
                        .detail("revision", c.revision())
                        .detail("runIds", ids.stream().map(UUID::toString).toList())
                        .detail("goldenSets", bound.stream().map(GoldenSetRows.Row::name).toList())
                        .detail(
                                "alreadyQueued",
                                runs.stream()
                                        .filter(q -> !q.created())
                                        .map(q -> q.id().toString())
                                        .toList())
                        .requestId(requestId)
                        .build());
        return ids;
    }

    /** After an on-demand request committed: look for the work now. */
    public void kick() {
        jobs.kick();
    }

    private List<EvaluationRows.Queued> enqueue(
            TenantId tenant,
            UUID changeId,
            int revision,
            String kind,
            String target,
            String trigger,
            String actor,
            String requestId) {
        if (tenant == null) {
            return List.of();
        }
        return enqueue(
                tenant,
                changeId,
                revision,
                kind,
                target,
                trigger,
                actor,
                requestId,
                sets.liveBinding(tenant.value(), kind, target));
    }

    /**
     * A run per set, or the one of the same revision and set already queued or running (a rebase
     * that keeps the revision, a request racing the submit's run: nothing is queued twice).
     */
    private List<EvaluationRows.Queued> enqueue(
            TenantId tenant,
            UUID changeId,
            int revision,
            String kind,
            String target,
            String trigger,
            String actor,
            String requestId,
            List<GoldenSetRows.Row> bound) {
        List<EvaluationRows.Queued> out = new ArrayList<>();
        for (GoldenSetRows.Row set : bound) {
            out.add(
                    rows.enqueue(
                            UUID.randomUUID(),
                            tenant.value(),
                            changeId,
                            revision,
                            set.name(),
                            set.version(),
                            kind,
                            target,
                            trigger,
                            actor,
                            requestId));
        }
        return out;
    }
}
