package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.EvidenceStatusRows;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A change's evidence in one word, for the change list (issue 23): over the evaluation runs of its
 * current revision, the latest run of each golden set counts; {@code running} while any of them is
 * queued or running, else {@code failed} when any failed, else {@code error} when any ended in
 * error, else {@code passed}; {@code none} without a run of the current revision. The automatic
 * evidence (a policy change's replay) is no verdict and does not count.
 */
@ApplicationScoped
public class EvidenceStatus {
    public static final String NONE = "none";

    @Inject EvidenceStatusRows rows;

    /** By change id: the status of its current revision ({@code revisions}: id to revision). */
    public Map<UUID, String> of(TenantId tenant, Map<UUID, Integer> revisions) {
        Map<UUID, String> out = new HashMap<>();
        if (tenant == null || revisions.isEmpty()) {
            return out;
        }
        Map<UUID, Map<String, String>> latest = new HashMap<>();
        for (EvidenceStatusRows.RunStatus r : rows.ofChanges(tenant.value(), revisions.keySet())) {
            Integer current = revisions.get(r.changeId());
            if (current != null && current == r.revision()) {
                latest.computeIfAbsent(r.changeId(), k -> new LinkedHashMap<>())
                        .put(r.goldenSet(), r.status());
            }
        }
        latest.forEach((change, bySet) -> out.put(change, verdict(List.copyOf(bySet.values()))));
        return out;
    }

    /** The one word for the latest runs' statuses (one per golden set). */
    static String verdict(List<String> statuses) {
        if (statuses.isEmpty()) {
            return NONE;
        }
        if (statuses.stream().anyMatch(s -> s.equals("queued") || s.equals("running"))) {
            return "running";
        }
        if (statuses.contains("failed")) {
            return "failed";
        }
        if (statuses.contains("error")) {
            return "error";
        }
        return "passed";
    }
}
