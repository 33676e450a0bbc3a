package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runner's part of the durable job: resume skips recorded cases, a lost lease stops without a
 * status, only the owner's finish counts (and is audited), a spent budget ends the run {@code
 * error}, both sides run when something is live. The SQL half (claim SKIP LOCKED, lease, ON
 * CONFLICT) is exercised against PostgreSQL by EvaluationResumeIT.
 */
class EvaluationRunnerTest {
    static final UUID TENANT = UUID.randomUUID();
    static final UUID CHANGE = UUID.randomUUID();

    static final String SET =
            "{\"binds\":[{\"kind\":\"prompt\",\"target\":\"p\"}],\"minPassRate\":0.5,\"cases\":["
                    + kase("a")
                    + ","
                    + kase("b")
                    + ","
                    + kase("c")
                    + "]}";

    static String kase(String id) {
        return "{\"id\":\""
                + id
                + "\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\""
                + id
                + "\"}]},\"expect\":[{\"type\":\"contains\",\"value\":\"ok\"}]}";
    }

    final List<EvaluationRows.Result> recorded = new ArrayList<>();
    final List<String> finished = new ArrayList<>();
    final List<AuditEvent> events = new ArrayList<>();
    final List<String> called = new ArrayList<>();
    boolean finishWins = true;
    String holder = "me";
    final List<String> postponed = new ArrayList<>();
    String rateLimitedOn = null;
    boolean live = false;
    String budgetSpentOn = null;
    EvaluationRunner runner;

    final class FakeRuns extends EvaluationRows {
        @Override
        public Optional<String> revisionContent(UUID changeId, int revision) {
            return Optional.of("{\"route\":\"candidate\"}");
        }

        @Override
        public List<Result> results(UUID tenant, UUID run) {
            return List.copyOf(recorded);
        }

        @Override
        public boolean record(Result r, String owner) {
            if (!owner.equals(holder)) {
                return false;
            }
            if (recorded.stream()
                    .anyMatch(x -> x.caseId().equals(r.caseId()) && x.side().equals(r.side()))) {
                return false;
            }
            recorded.add(r);
            return true;
        }

        @Override
        public boolean postpone(UUID run, String owner, long seconds) {
            postponed.add(owner + " " + seconds);
            return true;
        }

        @Override
        public boolean finish(UUID run, String owner, String status, String summary, String error) {
            if (finishWins) {
                finished.add(status + " " + summary);
            }
            return finishWins;
        }
    }

    String set = SET;
    EvaluationAnswer judgeAnswer = null;

    final class FakeSets extends GoldenSetRows {
        @Override
        public Optional<Row> version(UUID tenant, String name, int version) {
            return Optional.of(new Row(tenant, name, version, set, CHANGE, "x", Instant.now()));
        }
    }

    final class Kind implements ChangeKind {
        public String kind() {
            return "prompt";
        }

        public JsonObject validate(TenantId tenant, String target, JsonObject content) {
            return content;
        }

        public Optional<LiveVersion> live(TenantId tenant, String target) {
            return live
                    ? Optional.of(new LiveVersion("1", jakarta.json.JsonValue.EMPTY_JSON_OBJECT))
                    : Optional.empty();
        }

        public Optional<String> committedVersion(TenantId tenant, String target) {
            return Optional.empty();
        }

        public RiskClass risk(TenantId t, String target, JsonObject p, Optional<LiveVersion> l) {
            return RiskClass.LOW;
        }

        public String apply(TenantId t, String target, JsonObject c, ChangeContext x) {
            return "1";
        }
    }

    @BeforeEach
    void wire() {
        runner = new EvaluationRunner();
        runner.rows = new FakeRuns();
        runner.sets = new FakeSets();
        Kind kind = new Kind();
        runner.kinds =
                new ChangeKinds() {
                    @Override
                    ChangeKind named(String name) {
                        return kind;
                    }
                };
        runner.steps =
                new EvaluationSteps() {
                    @Override
                    public EvaluationAnswer judge(
                            TenantId tenant,
                            JsonObject body,
                            io.gatehouse.governance.EvaluationOf of) {
                        called.add(of.caseId() + "|judge");
                        return judgeAnswer;
                    }

                    @Override
                    public EvaluationAnswer evaluate(ChangeKind k, EvaluationCall call) {
                        String side = call.candidate() == null ? "live" : "candidate";
                        called.add(call.of().caseId() + "|" + side);
                        if (call.of().caseId().equals(rateLimitedOn)) {
                            return new EvaluationAnswer(
                                    429,
                                    null,
                                    "allowed",
                                    null,
                                    null,
                                    null,
                                    0,
                                    0,
                                    0,
                                    1,
                                    "req",
                                    "evaluation_rate_limited",
                                    "share spent");
                        }
                        if (call.of().caseId().equals(budgetSpentOn)) {
                            return new EvaluationAnswer(
                                    429,
                                    null,
                                    "allowed",
                                    null,
                                    null,
                                    null,
                                    0,
                                    0,
                                    0,
                                    1,
                                    "req",
                                    "evaluation_budget_exceeded",
                                    "spent");
                        }
                        // the candidate breaks case b; live passes everything
                        String text =
                                side.equals("candidate") && call.of().caseId().equals("b")
                                        ? "no"
                                        : "ok";
                        return new EvaluationAnswer(
                                200,
                                text,
                                "allowed",
                                "r",
                                "p",
                                "m",
                                1,
                                2,
                                3,
                                4,
                                "req_" + call.of().caseId(),
                                null,
                                null);
                    }
                };
        runner.audit =
                new AuditRecorder() {
                    @Override
                    public void record(AuditEvent event) {
                        events.add(event);
                    }

                    @Override
                    public void recordInTransaction(AuditEvent event) {
                        events.add(event);
                    }
                };
    }

    static EvaluationRows.Run run(int claims) {
        return new EvaluationRows.Run(
                UUID.randomUUID(),
                TENANT,
                CHANGE,
                2,
                "set",
                1,
                "prompt",
                "p",
                "submit",
                "author",
                "running",
                "me",
                Instant.now(),
                claims,
                null,
                null,
                Instant.now(),
                Instant.now(),
                null);
    }

    static EvaluationRows.Result done(UUID run, String caseId) {
        return new EvaluationRows.Result(
                run,
                caseId,
                "candidate",
                TENANT,
                "pass",
                null,
                "[]",
                200,
                "allowed",
                null,
                1,
                0,
                0,
                0,
                null,
                Instant.now());
    }

    @Test
    void aFreshRunRecordsEveryCaseAndFinishesOnce() {
        assertThat(runner.run(run(1), "me", () -> true)).isTrue();
        assertThat(called).containsExactly("a|candidate", "b|candidate", "c|candidate");
        assertThat(recorded).hasSize(3);
        assertThat(finished).hasSize(1);
        // 2 of 3 reach 0.5
        assertThat(finished.get(0)).startsWith("passed ");
        assertThat(events)
                .extracting(AuditEvent::action)
                .containsExactly("evaluation.run.start", "evaluation.run.finish");
        AuditEvent finish = events.get(1);
        assertThat(finish.details())
                .containsEntry("changeId", CHANGE.toString())
                .containsEntry("goldenSet", "set")
                .containsEntry("version", 1)
                .containsEntry("revision", 2)
                .containsEntry("status", "passed");
        assertThat(recorded.get(0).outputSha256()).hasSize(64);
        assertThat(recorded.get(0).requestId()).isEqualTo("req_a");
    }

    @Test
    void aResumedRunSkipsTheCasesAlreadyRecordedAndAuditsNoSecondStart() {
        EvaluationRows.Run r = run(2);
        recorded.add(done(r.id(), "a"));
        assertThat(runner.run(r, "me", () -> true)).isTrue();
        assertThat(called).containsExactly("b|candidate", "c|candidate");
        assertThat(recorded)
                .extracting(EvaluationRows.Result::caseId)
                .containsExactly("a", "b", "c");
        assertThat(events).extracting(AuditEvent::action).containsExactly("evaluation.run.finish");
    }

    @Test
    void aLostLeaseStopsWithoutWritingAStatus() {
        AtomicInteger checks = new AtomicInteger();
        assertThat(runner.run(run(1), "me", () -> checks.incrementAndGet() <= 1)).isFalse();
        assertThat(called).containsExactly("a|candidate");
        assertThat(finished).isEmpty();
        assertThat(events).extracting(AuditEvent::action).containsExactly("evaluation.run.start");
    }

    @Test
    void onlyTheOwnersFinishCountsAndIsAudited() {
        finishWins = false;
        assertThat(runner.run(run(1), "me", () -> true)).isFalse();
        assertThat(events).extracting(AuditEvent::action).containsExactly("evaluation.run.start");
    }

    @Test
    void aSpentBudgetEndsTheRunAsError() {
        budgetSpentOn = "b";
        assertThat(runner.run(run(1), "me", () -> true)).isTrue();
        assertThat(called).containsExactly("a|candidate", "b|candidate");
        assertThat(finished.get(0)).startsWith("error ");
        assertThat(recorded.get(1).outcome()).isEqualTo("error");
    }

    @Test
    void bothSidesRunWhenSomethingIsLiveAndTheDifferingCaseIsListed() {
        live = true;
        assertThat(runner.run(run(1), "me", () -> true)).isTrue();
        assertThat(called)
                .containsExactly(
                        "a|candidate", "a|live", "b|candidate", "b|live", "c|candidate", "c|live");
        assertThat(finished.get(0))
                .contains("{\"caseId\":\"b\",\"candidate\":\"fail\",\"live\":\"pass\"}");
    }

    @Test
    void aRateLimitedCaseIsNotRecordedAndTheRunIsPostponed() {
        rateLimitedOn = "b";
        assertThat(runner.run(run(1), "me", () -> true)).isFalse();
        assertThat(recorded).extracting(EvaluationRows.Result::caseId).containsExactly("a");
        assertThat(postponed).containsExactly("me " + EvaluationRunner.POSTPONE_SECONDS);
        assertThat(finished).isEmpty();
    }

    @Test
    void aRunnerWhoseRecordIsRefusedStopsCalling() {
        holder = "someone else";
        assertThat(runner.run(run(1), "me", () -> true)).isFalse();
        assertThat(called).containsExactly("a|candidate");
        assertThat(finished).isEmpty();
    }

    @Test
    void theCasesOfTheSetAreTheDenominator() {
        // a case without a result counts as an error
        budgetSpentOn = "a";
        assertThat(runner.run(run(1), "me", () -> true)).isTrue();
        assertThat(finished.get(0)).contains("\"errors\":3");
    }

    static EvaluationAnswer refused(int status, String code) {
        return new EvaluationAnswer(
                status, null, null, null, null, null, 0, 0, 0, 1, "req", code, "not now");
    }

    /** Case b has a judge. */
    void judgedSet() {
        set =
                SET.replace(
                        "\"b\"}]},\"expect\":[{\"type\":\"contains\",\"value\":\"ok\"}]",
                        "\"b\"}]},\"expect\":[{\"type\":\"judge\",\"route\":\"j\","
                                + "\"rubric\":\"r\",\"threshold\":0.5}]");
        assertThat(set).contains("judge");
    }

    @Test
    void aJudgeStillRateLimitedAfterItsRetriesPostponesTheRunAndRecordsNothingForTheCase() {
        judgedSet();
        judgeAnswer = refused(429, "evaluation_rate_limited");
        assertThat(runner.run(run(1), "me", () -> true)).isFalse();
        assertThat(called).containsExactly("a|candidate", "b|candidate", "b|judge");
        assertThat(recorded).extracting(EvaluationRows.Result::caseId).containsExactly("a");
        assertThat(postponed).containsExactly("me " + EvaluationRunner.POSTPONE_SECONDS);
        assertThat(finished).isEmpty();
    }

    @Test
    void aJudgeThatFailsOtherwiseIsStillTheCasesError() {
        judgedSet();
        judgeAnswer = refused(502, "upstream_error");
        assertThat(runner.run(run(1), "me", () -> true)).isTrue();
        assertThat(recorded.get(1).outcome()).isEqualTo("error");
        assertThat(postponed).isEmpty();
    }

    @Test
    void aSuspendedTenantsRunIsPostponedLongerAndNeverErrs() {
        rateLimitedOn = null;
        judgedSet();
        judgeAnswer = refused(403, "tenant_suspended");
        assertThat(runner.run(run(1), "me", () -> true)).isFalse();
        assertThat(recorded).extracting(EvaluationRows.Result::caseId).containsExactly("a");
        assertThat(postponed).containsExactly("me " + EvaluationRunner.SUSPENDED_POSTPONE_SECONDS);
        assertThat(EvaluationRunner.SUSPENDED_POSTPONE_SECONDS)
                .isGreaterThan(EvaluationRunner.POSTPONE_SECONDS);
        assertThat(finished).isEmpty();
    }

    @Test
    void aRunEndedByTheClaimCapGetsAFinishEventOfTheNormalShape() {
        EvaluationRows.Run r = run(EvaluationRows.MAX_CLAIMS);
        recorded.add(done(r.id(), "a"));
        runner.interrupted(
                new EvaluationRows.Run(
                        r.id(),
                        r.tenantId(),
                        r.changeId(),
                        r.revision(),
                        r.goldenSet(),
                        r.goldenSetVersion(),
                        r.boundKind(),
                        r.boundTarget(),
                        r.trigger(),
                        r.requestedBy(),
                        "error",
                        r.leaseOwner(),
                        null,
                        r.claims(),
                        null,
                        EvaluationRows.INTERRUPTED,
                        r.createdAt(),
                        r.startedAt(),
                        Instant.now()));
        assertThat(events).extracting(AuditEvent::action).containsExactly("evaluation.run.finish");
        AuditEvent e = events.get(0);
        assertThat(e.actor()).isEqualTo(EvaluationRunner.ACTOR);
        assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.ERROR);
        assertThat(e.details())
                .containsEntry("changeId", CHANGE.toString())
                .containsEntry("runId", r.id().toString())
                .containsEntry("goldenSet", "set")
                .containsEntry("revision", 2)
                .containsEntry("status", "error")
                .containsEntry("error", EvaluationRows.INTERRUPTED)
                .containsEntry("reason", "interrupted")
                .containsEntry("claims", EvaluationRows.MAX_CLAIMS)
                .containsKey("candidatePassRate")
                .containsKey("differing");
        // 1 of the set's 3 cases passed; the two never reached count as errors
        assertThat(((Number) e.details().get("candidatePassRate")).doubleValue()).isEqualTo(0.3333);
    }
}
