package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.governance.internal.persistence.CanaryRows;
import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The read side of a golden set's drift canary and its baseline (issue 23): {@code GET
 * /api/v1/golden-sets/{name}/canary} (the recent runs' measures for charts, the drift states, the
 * baseline; author, reviewer, auditor or admin) and {@code POST .../baseline} (an admin takes a
 * finished run's answers as the baseline the next runs are compared with, audited as {@code
 * evaluation.baseline.record}). Another tenant's set is 404, like one that does not exist.
 */
@ApplicationScoped
public class Canaries {
    static final int DEFAULT_RUNS = 50;
    static final int MAX_RUNS = 500;

    @Inject GoldenSetRows sets;
    @Inject CanaryRows rows;
    @Inject AuditRecorder audit;

    public JsonObject series(Caller caller, String name, Integer limit) {
        ChangeRequestService.requireAny(
                caller, Role.AUTHOR, Role.REVIEWER, Role.AUDITOR, Role.ADMIN);
        GoldenSetRows.Row set = liveSet(caller, name);
        int n = limit == null ? DEFAULT_RUNS : limit;
        if (n < 1 || n > MAX_RUNS) {
            throw new ValidationException("limit", "limit is from 1 to " + MAX_RUNS);
        }
        UUID tenant = caller.tenant().value();
        CanarySettings canary = CanarySettings.of(JsonInput.readObject(set.content()));
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("goldenSet", set.name())
                        .add("version", set.version());
        if (canary == null) {
            b.addNull("canary");
        } else {
            JsonObjectBuilder c =
                    Json.createObjectBuilder()
                            .add("everyMinutes", canary.everyMinutes())
                            .add("routes", Json.createArrayBuilder(canary.routes()));
            if (canary.embeddings() == null) {
                c.addNull("embeddings");
            } else {
                c.add("embeddings", canary.embeddings());
            }
            c.add("distance", canary.embeddings() == null ? "edit" : "embedding");
            JsonObjectBuilder t = Json.createObjectBuilder();
            canary.thresholds().forEach(t::add);
            b.add("canary", c.add("thresholds", t));
        }
        List<CanaryRows.Baseline> baseline = rows.baseline(tenant, set.name());
        if (baseline.isEmpty()) {
            b.addNull("baseline");
        } else {
            Map<UUID, Integer> byRun = new HashMap<>();
            java.time.Instant at = baseline.get(0).at();
            for (CanaryRows.Baseline x : baseline) {
                byRun.merge(x.runId(), 1, Integer::sum);
                at = x.at().isAfter(at) ? x.at() : at;
            }
            JsonArrayBuilder runs = Json.createArrayBuilder();
            byRun.keySet().stream().map(UUID::toString).sorted().forEach(runs::add);
            b.add(
                    "baseline",
                    Json.createObjectBuilder()
                            .add("runs", runs)
                            .add("answers", baseline.size())
                            .add("recordedAt", at.toString()));
        }
        JsonArrayBuilder drift = Json.createArrayBuilder();
        for (CanaryRows.Drift d : rows.drift(tenant, set.name())) {
            JsonObjectBuilder x =
                    Json.createObjectBuilder()
                            .add("route", d.route())
                            .add("model", d.model())
                            .add("measure", d.measure())
                            .add("crossed", d.crossed())
                            .add("threshold", d.threshold())
                            .add("runId", d.runId().toString())
                            .add("since", d.since().toString());
            if (d.value() == null) {
                x.addNull("value");
            } else {
                x.add("value", d.value());
            }
            drift.add(x);
        }
        b.add("drift", drift);
        Map<UUID, List<JsonObject>> measures = new LinkedHashMap<>();
        for (CanaryRows.Measures m : rows.series(tenant, set.name(), n)) {
            measures.computeIfAbsent(m.runId(), k -> new ArrayList<>())
                    .add(
                            Json.createObjectBuilder(JsonInput.readObject(m.measures()))
                                    .add("route", m.route())
                                    .add("model", m.model())
                                    .build());
        }
        JsonArrayBuilder runs = Json.createArrayBuilder();
        for (CanaryRows.RunRow r : rows.runs(tenant, set.name(), n)) {
            JsonObjectBuilder x =
                    Json.createObjectBuilder()
                            .add("runId", r.id().toString())
                            .add("version", r.goldenSetVersion())
                            .add("status", r.status().equals("queued") ? "running" : r.status())
                            .add("scheduledFor", r.scheduledFor().toString());
            put(x, "startedAt", r.startedAt());
            put(x, "finishedAt", r.finishedAt());
            if (r.error() != null) {
                x.add("error", r.error());
            }
            JsonArrayBuilder ms = Json.createArrayBuilder();
            measures.getOrDefault(r.id(), List.of()).forEach(ms::add);
            runs.add(x.add("measures", ms));
        }
        return b.add("runs", runs).build();
    }

    /**
     * Takes the answers of {@code runId} (or of the set's newest finished run) as the set's
     * baseline, replacing the one it had (admin; 404 for a run that is not a finished scheduled run
     * of the set, 409 {@code no_canary_run} when none has finished).
     */
    @Transactional
    public JsonObject recordBaseline(Caller caller, String name, String runId, String requestId) {
        ChangeRequestService.requireAny(caller, Role.ADMIN);
        GoldenSetRows.Row set = liveSet(caller, name);
        UUID tenant = caller.tenant().value();
        UUID run;
        if (runId == null) {
            run =
                    rows.lastFinished(tenant, set.name())
                            .orElseThrow(
                                    () ->
                                            new ConflictException(
                                                    "no_canary_run",
                                                    "No scheduled run of this golden set has"
                                                            + " finished yet; its first run"
                                                            + " records the baseline"));
        } else {
            UUID id;
            try {
                id = UUID.fromString(runId);
            } catch (IllegalArgumentException e) {
                throw new ValidationException("runId", "runId must be a run's id (a UUID)");
            }
            if (!rows.isFinishedRunOf(tenant, set.name(), id)) {
                throw new NotFoundException(
                        "evaluation_not_found",
                        "No finished scheduled run of this golden set has that id");
            }
            run = id;
        }
        // a run whose answers the tenant's retention did not keep (none, hashed, redacted: V74)
        // has nothing to take: the baseline stays as it is rather than being emptied
        boolean kept = rows.keptAnswers(tenant, run) > 0;
        int replaced = kept ? rows.clearBaseline(tenant, set.name()) : 0;
        int answers = kept ? rows.seedBaseline(tenant, set.name(), run, caller.subject()) : 0;
        audit.record(
                AuditEvent.by(caller, "evaluation.baseline.record")
                        .target("golden_set", set.name())
                        .requestId(requestId)
                        .detail("goldenSet", set.name())
                        .detail("runId", run.toString())
                        .detail("answers", answers)
                        .detail("replaced", replaced)
                        .build());
        return Json.createObjectBuilder()
                .add("goldenSet", set.name())
                .add("runId", run.toString())
                .add("answers", answers)
                .add("replaced", replaced)
                .build();
    }

    private GoldenSetRows.Row liveSet(Caller caller, String name) {
        if (caller.tenant() == null) {
            throw new NotFoundException("golden_set_not_found", "Golden sets belong to a tenant");
        }
        return sets.live(caller.tenant().value(), name)
                .orElseThrow(
                        () -> new NotFoundException("golden_set_not_found", "No such golden set"));
    }

    private static void put(JsonObjectBuilder b, String k, java.time.Instant v) {
        if (v == null) {
            b.addNull(k);
        } else {
            b.add(k, v.toString());
        }
    }
}
