package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.EvaluationGateway;
import io.gatehouse.governance.EvaluationOf;
import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one claimed evaluation run (issue 23): every case of the golden set's version against the
 * change's revision (side {@code candidate}: {@link ChangeKind#evaluate} with its content) and
 * against what is live (side {@code live}: content null; skipped when nothing is live yet), then
 * the case's expectations ({@link Expectations}), each result recorded at once. Cases already
 * recorded are skipped, so a run claimed again after its instance died resumes where it stopped.
 * Between cases it asks whether it still holds the lease ({@code stillOwned}): a run whose lease
 * was lost stops without writing its status, the instance holding it now finishes it. The final
 * status is written only by the lease's owner ({@link EvaluationRows#finish}). The claim, lease and
 * scheduling are {@link EvaluationJobs}'s.
 *
 * <p>A call that cannot be made now, the case's own or its judge's or embedding's, postpones the
 * run without recording the case ({@link Postponed}): the evaluation share spent for the minute
 * (after the steps' retries) for {@value #POSTPONE_SECONDS} s, the tenant suspended for {@value
 * #SUSPENDED_POSTPONE_SECONDS} s. Neither is the candidate's fault, so neither is an error.
 *
 * <p>Long on purpose: the run, its postponement, its summary and its finish event (also the finish
 * event of a run the claim cap ended, {@link #interrupted}) share the same recorded rows and the
 * same event shape; split, the shape of the two finish events would drift apart.
 */
@ApplicationScoped
public class EvaluationRunner {
    private static final Logger LOG = Logger.getLogger(EvaluationRunner.class.getName());

    /** Error codes of a spent budget: the run cannot complete and ends {@code error}. */
    static final Set<String> BUDGET_SPENT =
            Set.of("evaluation_budget_exceeded", "insufficient_quota", "budget_exceeded");

    static final String ACTOR = "system:evaluation";

    /** How long a rate-limited run waits before it is claimed again. */
    static final long POSTPONE_SECONDS = 30;

    /** How long the run of a suspended tenant waits before it is claimed again. */
    static final long SUSPENDED_POSTPONE_SECONDS = 60;

    /** The gateway's refusal of a suspended tenant's call (403). */
    static final String SUSPENDED = "tenant_suspended";

    /**
     * A call the run cannot make now: the tenant's evaluation share is spent for the minute (429
     * {@code evaluation_rate_limited}, after the steps' retries) or the tenant is suspended (403
     * {@code tenant_suspended}). The run is given back for later ({@link EvaluationRows#postpone}:
     * the claim not counted) and nothing is recorded for the case: neither an error nor a fail.
     */
    static final class Postponed extends RuntimeException {
        final long seconds;

        Postponed(String code, long seconds) {
            super(code, null, false, false);
            this.seconds = seconds;
        }
    }

    /** Throws {@link Postponed} when a call's answer means "not now", whichever step made it. */
    static void postponeIf(int status, String errorCode) {
        if (status == 429 && EvaluationSteps.RATE_LIMITED.equals(errorCode)) {
            throw new Postponed(errorCode, POSTPONE_SECONDS);
        }
        if (status == 403 && SUSPENDED.equals(errorCode)) {
            throw new Postponed(errorCode, SUSPENDED_POSTPONE_SECONDS);
        }
    }

    @Inject EvaluationRows rows;
    @Inject GoldenSetRows sets;
    @Inject ChangeKinds kinds;
    @Inject EvaluationSteps steps;
    @Inject AuditRecorder audit;
    @Inject CanaryRunner canaries;

    /** Runs (or resumes) {@code run} for {@code owner}; true when this call wrote its status. */
    public boolean run(EvaluationRows.Run run, String owner, BooleanSupplier stillOwned) {
        if (CanaryRunner.TRIGGER.equals(run.trigger())) {
            return canaries.run(run, owner, stillOwned); // a drift canary's scheduled run
        }
        TenantId tenant = new TenantId(run.tenantId());
        if (run.claims() == 1) {
            audit.record(event(run, "evaluation.run.start").detail("status", "running").build());
        }
        String error = null;
        boolean budgetSpent = false;
        boolean hasLive = false;
        double minPassRate = 1;
        List<String> caseIds = List.of();
        try {
            GoldenSetRows.Row setRow =
                    sets.version(run.tenantId(), run.goldenSet(), run.goldenSetVersion())
                            .orElseThrow(() -> new IllegalStateException("golden set missing"));
            GoldenSetContent set =
                    GoldenSetContent.parse(JsonInput.readObject(setRow.content()), k -> true);
            minPassRate = set.minPassRate();
            caseIds = set.cases().stream().map(GoldenSetContent.Case::id).toList();
            JsonObject candidate =
                    JsonInput.readObject(
                            rows.revisionContent(run.changeId(), run.revision())
                                    .orElseThrow(
                                            () -> new IllegalStateException("revision missing")));
            ChangeKind kind = kinds.named(run.boundKind());
            hasLive = kind.live(tenant, run.boundTarget()).isPresent();
            Set<String> recorded = new java.util.HashSet<>();
            for (EvaluationRows.Result r : rows.results(run.tenantId(), run.id())) {
                recorded.add(r.caseId() + "|" + r.side());
            }
            cases:
            for (GoldenSetContent.Case c : set.cases()) {
                for (String side : hasLive ? List.of("candidate", "live") : List.of("candidate")) {
                    if (!stillOwned.getAsBoolean()) {
                        LOG.info(
                                "Evaluation run "
                                        + run.id()
                                        + " lost its lease; left to its owner");
                        return false;
                    }
                    if (recorded.contains(c.id() + "|" + side)) {
                        continue;
                    }
                    EvaluationRows.Result r;
                    try {
                        r =
                                runCase(
                                        run,
                                        tenant,
                                        kind,
                                        c,
                                        side,
                                        side.equals("candidate") ? candidate : null);
                    } catch (Postponed p) {
                        // the case's, judge's or embedding's call cannot be made now (the share
                        // is spent, the tenant suspended): record nothing, resume later
                        rows.postpone(run.id(), owner, p.seconds);
                        LOG.info(
                                "Evaluation run "
                                        + run.id()
                                        + " postponed "
                                        + p.seconds
                                        + " s: "
                                        + p.getMessage());
                        return false;
                    }
                    if (!rows.record(r, owner)) {
                        // the lease was lost (another instance holds the run): stop calling
                        return false;
                    }
                    if (r.error() != null && BUDGET_SPENT.stream().anyMatch(r.error()::contains)) {
                        budgetSpent = true;
                        error = "The evaluation budget is spent: " + r.error();
                        break cases;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Evaluation run " + run.id() + " could not complete", e);
            error = "The run could not complete (the server log has the details under its id)";
        }
        Map<String, String> candidateOutcomes = new LinkedHashMap<>();
        JsonObject summary = summary(run, caseIds, hasLive, candidateOutcomes);
        String status =
                error != null
                        ? "error"
                        : RunVerdict.status(
                                RunVerdict.Side.of(candidateOutcomes), minPassRate, budgetSpent);
        if (!rows.finish(run.id(), owner, status, summary.toString(), error)) {
            return false;
        }
        audit.record(finishEvent(run, status, summary, error).build());
        return true;
    }

    /**
     * The run's summary from its recorded results; a case of {@code caseIds} without a candidate
     * result (the run could not reach it) counts, as an error. Fills {@code candidateOutcomes}.
     */
    private JsonObject summary(
            EvaluationRows.Run run,
            List<String> caseIds,
            boolean hasLive,
            Map<String, String> candidateOutcomes) {
        Map<String, String> liveOutcomes = hasLive ? new LinkedHashMap<>() : null;
        for (EvaluationRows.Result r : rows.results(run.tenantId(), run.id())) {
            if (r.side().equals("candidate")) {
                candidateOutcomes.put(r.caseId(), r.outcome());
            } else if (liveOutcomes != null) {
                liveOutcomes.put(r.caseId(), r.outcome());
            }
        }
        for (String id : caseIds) {
            candidateOutcomes.putIfAbsent(id, "error");
        }
        return RunVerdict.summary(candidateOutcomes, liveOutcomes);
    }

    /**
     * The {@code evaluation.run.finish} event of a run that {@link EvaluationRows#endInterrupted}
     * ended as {@code error} (claimed {@link EvaluationRows#MAX_CLAIMS} times, its instances kept
     * dying): the shape of a normal finish, with the reason. Called once per run, by the instance
     * whose statement ended it.
     */
    public void interrupted(EvaluationRows.Run run) {
        if (CanaryRunner.TRIGGER.equals(run.trigger())) {
            canaries.interrupted(run);
            return;
        }
        List<String> caseIds = List.of();
        try {
            GoldenSetRows.Row setRow =
                    sets.version(run.tenantId(), run.goldenSet(), run.goldenSetVersion())
                            .orElseThrow(() -> new IllegalStateException("golden set missing"));
            caseIds =
                    GoldenSetContent.parse(JsonInput.readObject(setRow.content()), k -> true)
                            .cases()
                            .stream()
                            .map(GoldenSetContent.Case::id)
                            .toList();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Interrupted run " + run.id() + ": its set's cases unread", e);
        }
        boolean hasLive =
                rows.results(run.tenantId(), run.id()).stream()
                        .anyMatch(r -> r.side().equals("live"));
        JsonObject summary = summary(run, caseIds, hasLive, new LinkedHashMap<>());
        audit.record(
                finishEvent(run, "error", summary, run.error())
                        .detail("reason", "interrupted")
                        .detail("claims", run.claims())
                        .build());
    }

    private AuditEvent.Builder finishEvent(
            EvaluationRows.Run run, String status, JsonObject summary, String error) {
        AuditEvent.Builder e =
                event(run, "evaluation.run.finish")
                        .detail("status", status)
                        .detail(
                                "candidatePassRate",
                                summary.getJsonObject("candidate")
                                        .getJsonNumber("passRate")
                                        .doubleValue())
                        .detail("differing", summary.getJsonArray("differing").size());
        if (summary.get("live") instanceof JsonObject live) {
            e.detail("livePassRate", live.getJsonNumber("passRate").doubleValue());
        }
        if ("error".equals(status)) {
            e.outcome(AuditEvent.Outcome.ERROR);
            e.detail("error", error);
        }
        return e;
    }

    private AuditEvent.Builder event(EvaluationRows.Run run, String action) {
        return AuditEvent.of(new TenantId(run.tenantId()), "system", ACTOR, action)
                .target("evaluation_run", run.id())
                .detail(LineageKeys.CHANGE_ID, run.changeId().toString())
                .detail("runId", run.id().toString())
                .detail("goldenSet", run.goldenSet())
                .detail("version", run.goldenSetVersion())
                .detail("revision", run.revision())
                .detail("trigger", run.trigger());
    }

    /** One case on one side: the call, its expectations, the row to record. */
    EvaluationRows.Result runCase(
            EvaluationRows.Run run,
            TenantId tenant,
            ChangeKind kind,
            GoldenSetContent.Case c,
            String side,
            JsonObject candidate) {
        EvaluationOf of = new EvaluationOf(run.id(), c.id(), side, run.changeId(), run.revision());
        long started = System.nanoTime();
        EvaluationAnswer answer;
        try {
            answer =
                    steps.evaluate(
                            kind,
                            new EvaluationCall(
                                    tenant,
                                    null,
                                    run.boundTarget(),
                                    candidate,
                                    c.variables(),
                                    c.messages(),
                                    c.model(),
                                    of));
        } catch (EvaluationSteps.RateLimited limited) {
            answer = (EvaluationAnswer) limited.answer();
        } catch (RuntimeException e) {
            return errorRow(run, c, side, started, describe(e));
        }
        postponeIf(answer.status(), answer.errorCode());
        Expectations.Outcome o =
                Expectations.evaluate(answer, c.expect(), calls(tenant, run, c.id()));
        String error = o.error();
        if (answer.status() != 200 && answer.errorCode() != null && error != null) {
            error = error + (answer.errorMessage() == null ? "" : ": " + answer.errorMessage());
        }
        return new EvaluationRows.Result(
                run.id(),
                c.id(),
                side,
                run.tenantId(),
                o.outcome(),
                answer.text() == null ? null : sha256(answer.text()),
                o.checksJson().toString(),
                answer.status(),
                answer.policy(),
                truncate(error),
                answer.latencyMs() > 0
                        ? answer.latencyMs()
                        : (System.nanoTime() - started) / 1_000_000,
                answer.inputTokens(),
                answer.outputTokens(),
                answer.costMicros(),
                answer.requestId(),
                null);
    }

    Expectations.Calls calls(TenantId tenant, EvaluationRows.Run run, String caseId) {
        return new Expectations.Calls() {
            @Override
            public EvaluationAnswer judge(JsonObject body) {
                EvaluationOf of =
                        new EvaluationOf(run.id(), caseId, "judge", run.changeId(), run.revision());
                EvaluationAnswer a;
                try {
                    a = steps.judge(tenant, body, of);
                } catch (EvaluationSteps.RateLimited limited) {
                    a = (EvaluationAnswer) limited.answer();
                } catch (RuntimeException e) {
                    return failed(describe(e));
                }
                // still limited after the retries (or the tenant suspended): the run waits
                postponeIf(a.status(), a.errorCode());
                return a;
            }

            @Override
            public EvaluationGateway.Embeddings embed(String route, List<String> inputs) {
                EvaluationOf of =
                        new EvaluationOf(
                                run.id(), caseId, "embedding", run.changeId(), run.revision());
                EvaluationGateway.Embeddings a;
                try {
                    a = steps.embed(tenant, route, inputs, of);
                } catch (EvaluationSteps.RateLimited limited) {
                    a = (EvaluationGateway.Embeddings) limited.answer();
                } catch (RuntimeException e) {
                    return new EvaluationGateway.Embeddings(
                            500, List.of(), 0, null, "evaluation_step_failed", describe(e));
                }
                postponeIf(a.status(), a.errorCode());
                return a;
            }
        };
    }

    private static EvaluationAnswer failed(String why) {
        return new EvaluationAnswer(
                500, null, null, null, null, null, 0, 0, 0, 0, null, "evaluation_step_failed", why);
    }

    private static EvaluationRows.Result errorRow(
            EvaluationRows.Run run,
            GoldenSetContent.Case c,
            String side,
            long started,
            String why) {
        return new EvaluationRows.Result(
                run.id(),
                c.id(),
                side,
                run.tenantId(),
                "error",
                null,
                "[]",
                0,
                null,
                truncate(why),
                (System.nanoTime() - started) / 1_000_000,
                0,
                0,
                0,
                null,
                null);
    }

    /** What a step's exception says, without a stack trace (a timeout, a full bulkhead, a 400). */
    static String describe(Throwable e) {
        if (e instanceof io.gatehouse.shared.error.GatehouseException g) {
            // a refusal meant for people (a case the kind cannot run, e.g. variables off schema)
            return g.getMessage();
        }
        LOG.log(Level.FINE, "Evaluation step failed", e);
        return "the evaluation step failed (" + e.getClass().getSimpleName() + ")";
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 2000);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
