package io.gatehouse.governance.internal;

import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.internal.persistence.ChangeEvidenceRows;
import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Evidence a change's kind computes by itself (issue 23, {@link ChangeKind#automaticEvidence}): a
 * policy change's traffic replay. On submit, revise and rebase, once the transition has committed,
 * a managed thread computes it for that revision's content and stores it ({@code
 * governance_change_evidence}); the change's {@code evidence} shows it as an entry of its type. It
 * never runs inside the transition's transaction (the bench may take seconds and must not hold the
 * change's lock) and a failure is stored as an {@code error} entry, never a failed transition. An
 * instance that stops between the commit and the computation leaves no entry for that transition;
 * the next submit, revise or rebase computes it again.
 */
@ApplicationScoped
public class AutomaticEvidence {
    private static final Logger LOG = Logger.getLogger(AutomaticEvidence.class.getName());
    static final int MAX_ERROR = 2000;

    @Inject ChangeKinds kinds;
    @Inject EvaluationRows revisions;
    @Inject ChangeEvidenceRows rows;
    @Resource ManagedExecutorService executor;

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ChangeTransition t) {
        if (!EvaluationTriggers.TRIGGERS.contains(t.action()) || t.tenant() == null) {
            return;
        }
        try {
            executor.submit(() -> compute(t));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "No thread for the evidence of change " + t.changeId(), e);
        }
    }

    /** Computes and stores the evidence of the transition's revision; never throws. */
    void compute(ChangeTransition t) {
        ChangeKind k;
        try {
            k = kinds.named(t.kind());
        } catch (RuntimeException e) {
            return;
        }
        try {
            Optional<String> content = revisions.revisionContent(t.changeId(), t.revision());
            if (content.isEmpty()) {
                return;
            }
            Optional<JsonObject> e;
            try {
                e =
                        k.automaticEvidence(
                                t.tenant(),
                                t.target(),
                                JsonInput.readObject(content.get()),
                                new ChangeKind.EvidenceTrigger(
                                        t.changeId(), t.revision(), t.actor(), t.requestId()));
            } catch (RuntimeException ex) {
                store(t, "automatic", "error", null, message(ex));
                return;
            }
            if (e.isEmpty()) {
                return;
            }
            JsonObject evidence = e.get();
            String type =
                    evidence.get("type") instanceof JsonString s
                                    && s.getString().matches("[a-z_]{1,32}")
                            ? s.getString()
                            : "automatic";
            boolean error = "error".equals(evidence.getString("status", "ok"));
            store(
                    t,
                    type,
                    error ? "error" : "ok",
                    evidence.toString(),
                    error ? evidence.getString("error", "error") : null);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "Could not record the evidence of change " + t.changeId(), ex);
        }
    }

    private void store(
            ChangeTransition t, String type, String status, String summary, String error) {
        rows.insert(
                t.tenant().value(),
                t.changeId(),
                t.revision(),
                type,
                t.action(),
                status,
                summary,
                error == null ? null : truncate(error));
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String truncate(String s) {
        return s.length() > MAX_ERROR ? s.substring(0, MAX_ERROR) : s;
    }

    /**
     * The change's computed evidence as entries of its {@code evidence}: {@code {type, revision,
     * trigger, status, computedAt, ...what the kind reported}} (an error: {@code error}), oldest
     * first.
     */
    public List<JsonObject> forChange(TenantId tenant, UUID changeId) {
        return rows.ofChange(tenant.value(), changeId).stream()
                .map(AutomaticEvidence::entry)
                .toList();
    }

    static JsonObject entry(ChangeEvidenceRows.Row r) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        if (r.summary() != null) {
            JsonInput.readObject(r.summary()).forEach(b::add);
        }
        b.add("type", r.type())
                .add("revision", r.revision())
                .add("trigger", r.trigger())
                .add("status", r.status())
                .add("computedAt", r.createdAt().toString());
        if (r.error() != null) {
            b.add("error", r.error());
        }
        return b.build();
    }
}
