package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.EvaluationGateway;
import io.gatehouse.governance.EvaluationOf;
import io.gatehouse.governance.internal.persistence.CanaryRows;
import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one scheduled drift-canary run (issue 23, trigger {@code schedule}; claimed, leased and
 * resumed by {@link EvaluationJobs} like every evaluation run): each case of the golden set's
 * version against each watched live target ({@link CanarySettings}: the canary's routes, else the
 * bindings' live sides), through the same evaluation steps, labelled as evaluation traffic of the
 * run (side {@code live}, no change) and admitted under the tenant's evaluation share. Each answer
 * is recorded at once (a resumed run skips what is recorded). Once the lease's owner has written
 * the run's status it records the baseline of cases that had none (the first run's answers), the
 * drift measures per route and model ({@link CanaryMeasures}), and turns each threshold's drift
 * state: a measure that crosses its threshold writes {@code evaluation.drift} to the tenant's audit
 * trail and counts in {@code gatehouse_canary_drift_total}; one that comes back writes {@code
 * evaluation.drift.recovered}. The state is turned by one statement per measure, so a crossing is
 * reported once, not on every run while it stays crossed, whichever instance runs.
 *
 * <p>Long on purpose: the run, its measures and its drift events are one sequence over the same
 * run's rows (what is recorded, the baseline it is measured against, what the finish wrote), kept
 * together so that the order that makes them once-only reads in one place.
 */
@ApplicationScoped
public class CanaryRunner {
    private static final Logger LOG = Logger.getLogger(CanaryRunner.class.getName());
    static final String TRIGGER = "schedule";
    static final String ROUTE_WATCH = "route:";

    @Inject EvaluationRows runs;
    @Inject CanaryRows rows;
    @Inject GoldenSetRows sets;
    @Inject ChangeKinds kinds;
    @Inject EvaluationSteps steps;
    @Inject EvaluationRunner evaluations;
    @Inject AuditRecorder audit;
    @Inject CanaryMetrics metrics;
    @Inject CanaryRetention retention;

    /** What a canary watches: {@code route:<alias>} or a binding's {@code <kind>:<target>}. */
    static List<String> watches(GoldenSetContent set, CanarySettings canary) {
        if (canary != null && !canary.routes().isEmpty()) {
            return canary.routes().stream().map(r -> ROUTE_WATCH + r).toList();
        }
        return set.binds().stream().map(GoldenSetContent.Binding::key).toList();
    }

    /** Runs (or resumes) {@code run} for {@code owner}; true when this call wrote its status. */
    public boolean run(EvaluationRows.Run run, String owner, BooleanSupplier stillOwned) {
        TenantId tenant = new TenantId(run.tenantId());
        Instant due = rows.scheduledFor(run.id());
        if (run.claims() == 1) {
            audit.record(
                    event(run, due, "evaluation.run.start").detail("status", "running").build());
        }
        String error = null;
        boolean budgetSpent = false;
        double minPassRate = 1;
        CanarySettings canary = null;
        try {
            GoldenSetRows.Row setRow =
                    sets.version(run.tenantId(), run.goldenSet(), run.goldenSetVersion())
                            .orElseThrow(() -> new IllegalStateException("golden set missing"));
            JsonObject content = JsonInput.readObject(setRow.content());
            GoldenSetContent set = GoldenSetContent.parse(content, k -> true);
            canary = CanarySettings.of(content);
            minPassRate = set.minPassRate();
            Set<String> recorded = new HashSet<>();
            for (CanaryRows.Result r : rows.results(run.tenantId(), run.id())) {
                recorded.add(r.watch() + "|" + r.caseId());
            }
            watches:
            for (String watch : watches(set, canary)) {
                for (GoldenSetContent.Case c : set.cases()) {
                    if (!stillOwned.getAsBoolean()) {
                        LOG.info("Canary run " + run.id() + " lost its lease; left to its owner");
                        return false;
                    }
                    if (recorded.contains(watch + "|" + c.id())) {
                        continue;
                    }
                    CanaryRows.Result r;
                    try {
                        r = runCase(run, tenant, watch, c);
                    } catch (EvaluationRunner.Postponed p) {
                        // rate limited (or the tenant suspended): not the route's drift, so not
                        // recorded as an error counting in the rates; the run resumes later
                        runs.postpone(run.id(), owner, p.seconds);
                        LOG.info("Canary run " + run.id() + " postponed: " + p.getMessage());
                        return false;
                    }
                    rows.record(r);
                    if (r.error() != null
                            && EvaluationRunner.BUDGET_SPENT.stream()
                                    .anyMatch(r.error()::contains)) {
                        budgetSpent = true;
                        error = "The evaluation budget is spent: " + r.error();
                        break watches;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Canary run " + run.id() + " could not complete", e);
            error = "The run could not complete: " + EvaluationRunner.describe(e);
        }
        List<CanaryRows.Result> results = rows.results(run.tenantId(), run.id());
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (CanaryRows.Result r : results) {
            outcomes.put(r.watch() + "/" + r.caseId(), r.outcome());
        }
        RunVerdict.Side side = RunVerdict.Side.of(outcomes);
        String status = error != null ? "error" : RunVerdict.status(side, minPassRate, budgetSpent);
        Map<CanaryMeasures.Key, CanaryMeasures.Measures> measures = Map.of();
        if (error == null) {
            try {
                measures = measure(run, tenant, canary, results);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Canary run " + run.id() + ": measures failed", e);
            }
        }
        JsonArrayBuilder ma = Json.createArrayBuilder();
        measures.forEach(
                (k, m) ->
                        ma.add(
                                Json.createObjectBuilder(m.toJson())
                                        .add("route", k.route())
                                        .add("model", k.model())));
        JsonObject summary =
                Json.createObjectBuilder()
                        .add("candidate", JsonValue.NULL)
                        .add("live", side.toJson())
                        .add("differing", JsonValue.EMPTY_JSON_ARRAY)
                        .add("measures", ma)
                        .build();
        if (!runs.finish(run.id(), owner, status, summary.toString(), error)) {
            return false;
        }
        AuditEvent.Builder finish =
                event(run, due, "evaluation.run.finish")
                        .detail("status", status)
                        .detail("livePassRate", side.passRate());
        if (error != null) {
            finish.outcome(AuditEvent.Outcome.ERROR).detail("error", error);
        }
        audit.record(finish.build());
        try {
            if (error == null) {
                afterFinish(run, due, canary, measures);
            }
        } finally {
            retention.afterRun(run.tenantId(), run.id()); // after the baseline took its answers
        }
        return true;
    }

    /** Baseline, measures and drift of a run this instance finished. */
    private void afterFinish(
            EvaluationRows.Run run,
            Instant due,
            CanarySettings canary,
            Map<CanaryMeasures.Key, CanaryMeasures.Measures> measures) {
        rows.seedBaseline(run.tenantId(), run.goldenSet(), run.id(), CanaryScheduler.ACTOR);
        Map<String, Double> thresholds = canary == null ? Map.of() : canary.thresholds();
        UUID baselineRun = baselineRun(run);
        Map<String, CanaryMeasures.Measures> baselineMeasures = new HashMap<>();
        if (baselineRun != null && !baselineRun.equals(run.id())) {
            for (CanaryRows.Measures m : rows.ofRun(baselineRun)) {
                baselineMeasures.put(
                        m.route() + "|" + m.model(),
                        CanaryMeasures.Measures.fromJson(m.measures()));
            }
        }
        for (var e : measures.entrySet()) {
            CanaryMeasures.Key k = e.getKey();
            rows.insertMeasures(
                    new CanaryRows.Measures(
                            run.id(),
                            run.tenantId(),
                            run.goldenSet(),
                            k.route(),
                            k.model(),
                            due,
                            e.getValue().toJson().toString()));
        }
        // the gauges and the drift counters (at 0) of a new route or model exist before a crossing
        try {
            metrics.refresh();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Canary gauges refresh at their next tick", e);
        }
        for (var e : measures.entrySet()) {
            CanaryMeasures.Key k = e.getKey();
            for (CanaryMeasures.Crossing x : CanaryMeasures.check(e.getValue(), thresholds)) {
                var turn =
                        rows.turn(
                                run.tenantId(),
                                run.goldenSet(),
                                k.route(),
                                k.model(),
                                x.threshold().measure(),
                                x.crossed(),
                                x.value(),
                                x.limit(),
                                run.id(),
                                due);
                if (turn.isEmpty() || !turn.get().turned()) {
                    continue;
                }
                CanaryMeasures.Measures base = baselineMeasures.get(k.route() + "|" + k.model());
                Double baseValue = base == null ? null : base.get(x.threshold().measure());
                AuditEvent.Builder b =
                        AuditEvent.of(
                                        new TenantId(run.tenantId()),
                                        "system",
                                        CanaryScheduler.ACTOR,
                                        x.crossed()
                                                ? "evaluation.drift"
                                                : "evaluation.drift.recovered")
                                .target("golden_set", run.goldenSet())
                                .detail("goldenSet", run.goldenSet())
                                .detail("version", run.goldenSetVersion())
                                .detail("measure", x.threshold().measure())
                                .detail("threshold", x.threshold().field())
                                .detail("limit", x.limit())
                                .detail("value", x.value())
                                .detail("route", k.route())
                                .detail("model", k.model())
                                .detail("runId", run.id().toString())
                                .detail("scheduledFor", due.toString());
                // the measure's value in the baseline's run (null: no baseline run measured yet)
                b.detail("baseline", baseValue == null ? "none" : baseValue);
                if (baselineRun != null) {
                    b.detail("baselineRunId", baselineRun.toString());
                }
                audit.record(b.build());
                if (x.crossed()) {
                    metrics.drift(
                            run.tenantId(),
                            run.goldenSet(),
                            k.route(),
                            k.model(),
                            x.threshold().measure());
                }
            }
        }
    }

    /** The run most of the set's baseline answers come from. */
    private UUID baselineRun(EvaluationRows.Run run) {
        Map<UUID, Integer> count = new HashMap<>();
        for (CanaryRows.Baseline b : rows.baseline(run.tenantId(), run.goldenSet())) {
            count.merge(b.runId(), 1, Integer::sum);
        }
        return count.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(null);
    }

    /**
     * The run's measures per route and model, against the baseline (a case without one is compared
     * with its own answer: the first run's distance is 0).
     */
    Map<CanaryMeasures.Key, CanaryMeasures.Measures> measure(
            EvaluationRows.Run run,
            TenantId tenant,
            CanarySettings canary,
            List<CanaryRows.Result> results) {
        Map<String, String> baseline = new HashMap<>();
        for (CanaryRows.Baseline b : rows.baseline(run.tenantId(), run.goldenSet())) {
            baseline.put(b.watch() + "|" + b.caseId(), b.answer());
        }
        for (CanaryRows.Result r : results) {
            if (r.status() == 200 && r.answer() != null) {
                baseline.putIfAbsent(r.watch() + "|" + r.caseId(), r.answer());
            }
        }
        Map<String, Double> distances = new HashMap<>();
        String embeddings = canary == null ? null : canary.embeddings();
        Map<String, List<CanaryRows.Result>> byWatch = new LinkedHashMap<>();
        for (CanaryRows.Result r : results) {
            String b = baseline.get(r.watch() + "|" + r.caseId());
            if (r.answer() == null || b == null) {
                continue;
            }
            if (embeddings == null) {
                distances.put(
                        r.watch() + "|" + r.caseId(), CanaryMeasures.editDistance(b, r.answer()));
            } else {
                byWatch.computeIfAbsent(r.watch(), w -> new ArrayList<>()).add(r);
            }
        }
        for (var e : byWatch.entrySet()) {
            List<String> inputs = new ArrayList<>();
            for (CanaryRows.Result r : e.getValue()) {
                inputs.add(baseline.get(r.watch() + "|" + r.caseId()));
                inputs.add(r.answer());
            }
            EvaluationOf of =
                    new EvaluationOf(run.id(), e.getValue().get(0).caseId(), "embedding", null, 0);
            EvaluationGateway.Embeddings vectors;
            try {
                vectors = steps.embed(tenant, embeddings, inputs, of);
            } catch (EvaluationSteps.RateLimited limited) {
                vectors = (EvaluationGateway.Embeddings) limited.answer();
            } catch (RuntimeException x) {
                LOG.log(Level.FINE, "Canary distance not embedded", x);
                vectors = null;
            }
            if (vectors == null
                    || vectors.status() != 200
                    || vectors.vectors().size() != inputs.size()) {
                // no distance for this target this time: an error in the measures (NaN), not 0
                e.getValue().forEach(r -> distances.put(r.watch() + "|" + r.caseId(), Double.NaN));
                continue;
            }
            for (int i = 0; i < e.getValue().size(); i++) {
                CanaryRows.Result r = e.getValue().get(i);
                distances.put(
                        r.watch() + "|" + r.caseId(),
                        CanaryMeasures.cosineDistance(
                                vectors.vectors().get(2 * i), vectors.vectors().get(2 * i + 1)));
            }
        }
        List<CanaryMeasures.Observation> observations = new ArrayList<>();
        for (CanaryRows.Result r : results) {
            String key = r.watch() + "|" + r.caseId();
            observations.add(
                    new CanaryMeasures.Observation(
                            r.route(),
                            r.model(),
                            r.caseId(),
                            r.outcome(),
                            r.status() == 200 ? r.answer() : null,
                            r.status() == 200 ? baseline.get(key) : null,
                            distances.get(key),
                            r.latencyMs(),
                            r.costMicros()));
        }
        return CanaryMeasures.of(observations);
    }

    /** One case sent to one watched target: the call, its expectations, the row to record. */
    CanaryRows.Result runCase(
            EvaluationRows.Run run, TenantId tenant, String watch, GoldenSetContent.Case c) {
        EvaluationOf of = new EvaluationOf(run.id(), c.id(), "live", null, 0);
        long started = System.nanoTime();
        String routeWatched = watch.startsWith(ROUTE_WATCH) ? watch.substring(6) : null;
        EvaluationAnswer answer;
        try {
            if (routeWatched != null) {
                // a plain chat over the watched route (the judge's step: the gateway's chat)
                answer =
                        steps.judge(
                                tenant,
                                Json.createObjectBuilder()
                                        .add("model", routeWatched)
                                        .add("messages", c.messages())
                                        .build(),
                                of);
            } else {
                int colon = watch.indexOf(':');
                ChangeKind kind = kinds.named(watch.substring(0, colon));
                answer =
                        steps.evaluate(
                                kind,
                                new EvaluationCall(
                                        tenant,
                                        null,
                                        watch.substring(colon + 1),
                                        null,
                                        c.variables(),
                                        c.messages(),
                                        c.model(),
                                        of));
            }
        } catch (EvaluationSteps.RateLimited limited) {
            answer = (EvaluationAnswer) limited.answer();
        } catch (RuntimeException e) {
            return new CanaryRows.Result(
                    run.id(),
                    c.id(),
                    watch,
                    run.tenantId(),
                    routeWatched != null ? routeWatched : "none",
                    "none",
                    "error",
                    0,
                    null,
                    truncate(EvaluationRunner.describe(e)),
                    (System.nanoTime() - started) / 1_000_000,
                    0,
                    null);
        }
        // rate limited after the retries, or the tenant suspended: the run waits (not an error)
        EvaluationRunner.postponeIf(answer.status(), answer.errorCode());
        Expectations.Outcome o =
                Expectations.evaluate(answer, c.expect(), evaluations.calls(tenant, run, c.id()));
        String error = o.error();
        if (answer.status() != 200 && answer.errorCode() != null && error != null) {
            error = error + (answer.errorMessage() == null ? "" : ": " + answer.errorMessage());
        }
        String route =
                answer.route() != null
                        ? answer.route()
                        : routeWatched != null ? routeWatched : "none";
        return new CanaryRows.Result(
                run.id(),
                c.id(),
                watch,
                run.tenantId(),
                route,
                answer.model() != null ? answer.model() : "none",
                o.outcome(),
                answer.status(),
                answer.status() == 200 ? answer.text() : null,
                truncate(error),
                answer.latencyMs() > 0
                        ? answer.latencyMs()
                        : (System.nanoTime() - started) / 1_000_000,
                answer.costMicros(),
                answer.requestId());
    }

    /**
     * The finish event of a canary run the claim cap ended ({@link EvaluationRunner#interrupted}):
     * a normal finish's shape, status error, the reason. No measures: the run did not complete.
     */
    void interrupted(EvaluationRows.Run run) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (CanaryRows.Result r : rows.results(run.tenantId(), run.id())) {
            outcomes.put(r.watch() + "/" + r.caseId(), r.outcome());
        }
        audit.record(
                event(run, rows.scheduledFor(run.id()), "evaluation.run.finish")
                        .detail("status", "error")
                        .detail("livePassRate", RunVerdict.Side.of(outcomes).passRate())
                        .outcome(AuditEvent.Outcome.ERROR)
                        .detail("error", run.error())
                        .detail("reason", "interrupted")
                        .detail("claims", run.claims())
                        .build());
    }

    private AuditEvent.Builder event(EvaluationRows.Run run, Instant due, String action) {
        return AuditEvent.of(new TenantId(run.tenantId()), "system", EvaluationRunner.ACTOR, action)
                .target("evaluation_run", run.id())
                .detail("runId", run.id().toString())
                .detail("goldenSet", run.goldenSet())
                .detail("version", run.goldenSetVersion())
                .detail("trigger", run.trigger())
                .detail("scheduledFor", String.valueOf(due));
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 2000);
    }
}
