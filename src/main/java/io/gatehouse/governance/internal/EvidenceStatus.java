package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.EvidenceStatusRows;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A change's evidence in one word, for the change list (issue 23), judged as the publish gate
 * judges it ({@link EvidenceRule#judge} over the live golden sets that bind the change's kind and
 * target, each set's live version, the change's current revision; review 23 finding 9):
 *
 * <ul>
 *   <li>{@code none}: no live golden set binds the change (nothing to evaluate);
 *   <li>{@code missing}: some bound set has no run of its live version against the current revision
 *       (a set published or republished after the change's runs): publishing would answer {@code
 *       evidence_missing} until it is run;
 *   <li>{@code running}: some set's latest run is queued or running;
 *   <li>{@code error}: some set's latest run ended in error (also {@code evidence_missing});
 *   <li>{@code failed}: some set's latest run failed and none is missing ({@code evidence_failed},
 *       overridable);
 *   <li>{@code passed}: every bound set's latest run passed.
 * </ul>
 *
 * The automatic evidence (a policy change's replay) is no verdict and does not count. Two
 * statements for a whole page ({@link EvidenceStatusRows}).
 */
@ApplicationScoped
public class EvidenceStatus {
    public static final String NONE = "none";

    @Inject EvidenceStatusRows rows;

    /**
     * A listed change: its current revision, what it changes, and its authors (a failed run only
     * they re-ran keeps blocking, as at publish).
     */
    public record Listed(
            UUID id, int revision, String kind, String target, java.util.Set<String> authors) {}

    /** By change id: the status of its current revision. */
    public Map<UUID, String> of(TenantId tenant, Collection<Listed> changes) {
        Map<UUID, String> out = new HashMap<>();
        if (tenant == null || changes.isEmpty()) {
            return out;
        }
        List<EvidenceStatusRows.LiveSet> live = rows.liveSets(tenant.value());
        Map<UUID, List<EvidenceRule.RunState>> runs = new HashMap<>();
        List<UUID> ids = changes.stream().map(Listed::id).toList();
        for (EvidenceStatusRows.RunStatus r : rows.ofChanges(tenant.value(), ids)) {
            runs.computeIfAbsent(r.changeId(), k -> new ArrayList<>())
                    .add(
                            new EvidenceRule.RunState(
                                    r.id(),
                                    r.goldenSet(),
                                    r.goldenSetVersion(),
                                    r.revision(),
                                    r.status(),
                                    r.requestedBy()));
        }
        for (Listed c : changes) {
            String binding = c.kind() + ":" + c.target();
            List<EvidenceRule.BoundSet> bound = new ArrayList<>();
            for (EvidenceStatusRows.LiveSet s : live) {
                if (s.binds().contains(binding)) {
                    bound.add(new EvidenceRule.BoundSet(s.name(), s.version()));
                }
            }
            out.put(
                    c.id(),
                    word(
                            EvidenceRule.judge(
                                    c.revision(),
                                    bound,
                                    runs.getOrDefault(c.id(), List.of()),
                                    c.authors())));
        }
        return out;
    }

    /** The one word for the gate's verdict. */
    static String word(EvidenceRule.Verdict v) {
        if (v.sets().isEmpty()) {
            return NONE;
        }
        List<EvidenceRule.SetStatus> s =
                v.sets().stream().map(EvidenceRule.SetVerdict::status).toList();
        if (s.contains(EvidenceRule.SetStatus.NO_RUN)) {
            return "missing";
        }
        if (s.contains(EvidenceRule.SetStatus.RUNNING)) {
            return "running";
        }
        if (s.contains(EvidenceRule.SetStatus.ERROR)) {
            return "error";
        }
        if (s.contains(EvidenceRule.SetStatus.FAILED)) {
            return "failed";
        }
        return "passed";
    }
}
