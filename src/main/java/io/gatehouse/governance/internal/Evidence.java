package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The evidence of a change (issue 23): one entry per evaluation run, as {@code GET
 * /api/v1/changes/{id}} shows it ({@code runId, goldenSet, goldenSetVersion, revision, trigger,
 * requestedBy, status, candidate, live, differing, startedAt, finishedAt}, and for a failed run
 * {@code blocking} and {@code supersededBy}: {@link EvidenceRule#supersededFailures}), and a run
 * with its per-case results ({@code GET /api/v1/evaluations/{runId}}). A queued run shows as {@code
 * running}; a run not yet finished shows the counts of the cases recorded so far. {@link
 * #forChange} is the service method publishing rules build on.
 */
@ApplicationScoped
public class Evidence {
    @Inject EvaluationRows rows;

    /**
     * The change's runs, oldest first; only those of {@code revision} unless it is null. A failed
     * run carries {@code supersededBy} (the later run someone outside {@code authors}, the change's
     * authors, asked for; null when none) and {@code blocking} (no such run: it keeps blocking the
     * publication of its revision until overridden).
     */
    public List<JsonObject> forChange(
            TenantId tenant, UUID changeId, Integer revision, Set<String> authors) {
        List<EvaluationRows.Run> all = rows.ofChange(tenant.value(), changeId);
        Map<UUID, UUID> superseded =
                EvidenceRule.supersededFailures(EvidenceGate.states(all), authors);
        List<JsonObject> out = new ArrayList<>();
        for (EvaluationRows.Run r : all) {
            if (revision == null || r.revision() == revision) {
                JsonObjectBuilder b = Json.createObjectBuilder(entry(r));
                if (r.status().equals("failed")) {
                    UUID by = superseded.get(r.id());
                    put(b, "supersededBy", by);
                    b.add("blocking", by == null);
                }
                out.add(b.build());
            }
        }
        return out;
    }

    /**
     * One run of the caller's tenant with its results (author, reviewer, admin or auditor; 404 for
     * any other tenant's run).
     */
    public JsonObject run(Caller caller, UUID runId) {
        ChangeRequestService.requireAny(
                caller, Role.AUTHOR, Role.REVIEWER, Role.ADMIN, Role.AUDITOR);
        GoldenSets.requireTenant(caller);
        EvaluationRows.Run r =
                rows.find(caller.tenant().value(), runId)
                        .orElseThrow(
                                () ->
                                        new NotFoundException(
                                                "evaluation_not_found", "No such evaluation run"));
        JsonObjectBuilder b = Json.createObjectBuilder(entry(r));
        put(b, "changeId", r.changeId()); // null for a drift canary's scheduled run
        b.add(
                "bound",
                Json.createObjectBuilder()
                        .add("kind", r.boundKind())
                        .add("target", r.boundTarget()));
        if (r.error() != null) {
            b.add("error", r.error());
        }
        JsonArrayBuilder results = Json.createArrayBuilder();
        for (EvaluationRows.Result x : rows.results(r.tenantId(), r.id())) {
            JsonObjectBuilder rb =
                    Json.createObjectBuilder()
                            .add("caseId", x.caseId())
                            .add("side", x.side())
                            .add("outcome", x.outcome())
                            .add("status", x.status())
                            .add("checks", JsonInput.readArray(x.scores()))
                            .add("latencyMs", x.latencyMs())
                            .add("inputTokens", x.inputTokens())
                            .add("outputTokens", x.outputTokens())
                            .add("costMicros", x.costMicros());
            put(rb, "outputSha256", x.outputSha256());
            put(rb, "policy", x.policy());
            put(rb, "error", x.error());
            put(rb, "requestId", x.requestId());
            rb.add("recordedAt", x.recordedAt().toString());
            results.add(rb);
        }
        b.add("results", results);
        return b.build();
    }

    /** The evidence entry of one run. */
    JsonObject entry(EvaluationRows.Run r) {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("type", "evaluation")
                        .add("runId", r.id().toString())
                        .add("goldenSet", r.goldenSet())
                        .add("goldenSetVersion", r.goldenSetVersion())
                        .add("revision", r.revision())
                        .add("trigger", r.trigger())
                        .add("status", r.status().equals("queued") ? "running" : r.status());
        put(b, "requestedBy", r.requestedBy());
        JsonObject summary;
        if (r.summary() != null) {
            summary = JsonInput.readObject(r.summary());
        } else {
            Map<String, String> candidate = new LinkedHashMap<>();
            Map<String, String> live = new LinkedHashMap<>();
            for (EvaluationRows.Result x : rows.results(r.tenantId(), r.id())) {
                (x.side().equals("candidate") ? candidate : live).put(x.caseId(), x.outcome());
            }
            summary = RunVerdict.summary(candidate, live.isEmpty() ? null : live);
        }
        b.add("candidate", summary.get("candidate"));
        b.add("live", summary.getOrDefault("live", JsonValue.NULL));
        b.add("differing", summary.get("differing"));
        put(b, "startedAt", r.startedAt());
        put(b, "finishedAt", r.finishedAt());
        return b.build();
    }

    private static void put(JsonObjectBuilder b, String k, Object v) {
        if (v == null) {
            b.addNull(k);
        } else if (v instanceof Instant i) {
            b.add(k, i.toString());
        } else {
            b.add(k, v.toString());
        }
    }
}
