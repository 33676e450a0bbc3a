package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.edge.Admission;
import io.gatehouse.edge.Budgets;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.UsageLimits;
import io.gatehouse.routing.internal.catalog.TestCatalog;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ServiceUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The request's one record: however often {@link CallRecord#close} is reached, one audit event, one
 * metrics record and one settlement; the settlement before the audit write when the client got an
 * answer, after it otherwise; a failed audit write fails the call without settling twice.
 */
class CallRecordTest {
    /** What the fakes saw, in order. */
    private final List<String> log = new ArrayList<>();

    private final List<AuditEvent> events = new ArrayList<>();
    private final List<GatewayMetrics.Finished> finished = new ArrayList<>();
    private RuntimeException auditFailure;
    private RuntimeException settleFailure;
    private long budgetLeft = Long.MAX_VALUE; // what the fake's budgets have left to extend by

    private CallRecord record() {
        CallRecord r = new CallRecord();
        r.audit =
                new AuditRecorder() {
                    @Override
                    public void record(AuditEvent event) {
                        log.add("audit");
                        if (auditFailure != null) {
                            throw auditFailure;
                        }
                        events.add(event);
                    }

                    @Override
                    public void recordInTransaction(AuditEvent event) {
                        throw new AssertionError("the gateway records outside transactions");
                    }
                };
        r.limits =
                new UsageLimits() {
                    @Override
                    public Admission admit(ClientKey key, long tokens, long costMicros) {
                        log.add("admit " + tokens);
                        return new Admission("reservation", tokens, Map.of());
                    }

                    @Override
                    public Admission admitEvaluation(ClientKey key, long tokens, long costMicros) {
                        log.add("admit evaluation " + tokens);
                        return new Admission("reservation", tokens, Map.of());
                    }

                    @Override
                    public void admitPersonCall(java.util.UUID person) {
                        log.add("person " + person);
                    }

                    @Override
                    public void settle(Admission admission, long tokens, long costMicros) {
                        log.add("settle " + tokens + " " + costMicros);
                        if (settleFailure != null) {
                            throw settleFailure;
                        }
                    }

                    @Override
                    public boolean extend(Admission admission, long moreCostMicros) {
                        log.add("extend " + moreCostMicros);
                        if (moreCostMicros > budgetLeft) {
                            return false;
                        }
                        budgetLeft -= moreCostMicros;
                        return true;
                    }

                    @Override
                    public Map<String, String> currentHeaders(ClientKey key) {
                        return Map.of();
                    }

                    @Override
                    public Budgets budgets(TenantId tenant) {
                        return new Budgets(null, null);
                    }
                };
        r.metrics =
                new GatewayMetrics() {
                    @Override
                    public void record(Finished f) {
                        log.add("metrics " + f.status());
                        finished.add(f);
                    }
                };
        r.guards = new GuardCalls(); // no guard traffic on these exchanges
        return r;
    }

    private static Call call() {
        Call call =
                new Call(
                        new ClientKey(UUID.randomUUID(), "gh_x", TestCatalog.TENANT, Set.of()),
                        "req_record",
                        null,
                        "chat");
        call.alias = "sandbox";
        call.route = "sandbox";
        call.exchange =
                new GatewayExchange(
                        TestCatalog.TENANT,
                        call.key.id().toString(),
                        "req_record",
                        "chat",
                        "sandbox",
                        null,
                        List.of(new ChatMessage("user", "hi", false)),
                        Map.of());
        return call;
    }

    @Test
    void anAnsweredCallIsSettledThenRecordedOnceHoweverOftenItIsClosed() {
        CallRecord record = record();
        Call call = call();
        record.admit(call, 100, 5);
        call.status = 200;
        call.inputTokens = 3;
        call.outputTokens = 4;
        call.costMicros = 7;

        record.close(call);
        record.close(call);
        record.close(call);

        assertThat(log)
                .as("settled before the audit write: the client has its answer")
                .containsExactly("admit 100", "settle 7 7", "audit", "metrics 200");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).action()).isEqualTo(LineageKeys.ACTION_GATEWAY_REQUEST);
        assertThat(events.get(0).actor()).isEqualTo(call.key.id().toString());
        assertThat(events.get(0).usage().inputTokens()).isEqualTo(3);
        assertThat(call.recorded).isTrue();
        assertThat(call.settled).isTrue();
    }

    /**
     * A stream's running cost: free within its reservation; beyond it the reservation grows by a
     * quarter of what is reserved, or by exactly what is missing when that step does not fit; when
     * not even that fits, the budget says no (the relay ends the stream).
     */
    @Test
    void aStreamBeyondItsReservationExtendsItWhileTheBudgetHasRoom() {
        CallRecord record = record();
        Call call = call();
        record.admit(call, 100, 400);
        budgetLeft = 150;

        assertThat(record.budgetAllows(call, 400)).as("within the reservation").isTrue();
        assertThat(record.budgetAllows(call, 410)).as("a step of a quarter: 100").isTrue();
        assertThat(call.reservedCostMicros).isEqualTo(500);
        assertThat(record.budgetAllows(call, 540))
                .as("the step (125) does not fit in 50, what is missing (40) does")
                .isTrue();
        assertThat(call.reservedCostMicros).isEqualTo(540);
        assertThat(record.budgetAllows(call, 560)).as("20 missing, 10 left").isFalse();
        assertThat(call.reservedCostMicros).isEqualTo(540);
        assertThat(log)
                .containsExactly(
                        "admit 100",
                        "extend 100",
                        "extend 125",
                        "extend 40",
                        "extend 135",
                        "extend 20");
    }

    /** A token count spends nothing: it reserves no budget (a spent budget does not stop it). */
    @Test
    void aCallSpendingNothingReservesNoBudget() {
        CallRecord record = record();
        Call count = call();
        record.admit(count, 0, 0);
        assertThat(count.reservedCostMicros).isZero();
        Call free = call();
        record.admit(free, 10, 0);
        assertThat(free.reservedCostMicros).as("tokens at no price: one micro").isEqualTo(1);
    }

    @Test
    void aFailedCallIsRecordedThenSettledOnce() {
        CallRecord record = record();
        Call call = call();
        record.admit(call, 100, 5);
        call.failed(502, "upstream_unavailable");

        record.close(call);
        record.close(call);

        assertThat(log).containsExactly("admit 100", "audit", "metrics 502", "settle 0 0");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).details()).containsEntry("error", "upstream_unavailable");
        assertThat(events.get(0).outcome()).isEqualTo(AuditEvent.Outcome.ERROR);
    }

    @Test
    void aCallRefusedBeforeAdmissionIsRecordedAndSettlesNothing() {
        CallRecord record = record();
        Call call = call();
        call.failed(404, "model_not_found");

        record.close(call);

        assertThat(log).containsExactly("audit", "metrics 404");
        assertThat(call.settled).isFalse();
    }

    /**
     * The audit write fails: the caller gets its error (503 audit_unavailable), the admission is
     * settled once (the provider did the work), the metrics count the call once under the status
     * the client gets, and closing again neither writes nor settles a second time.
     */
    @Test
    void aFailedAuditWriteFailsTheCallAndSettlesOnce() {
        CallRecord record = record();
        Call call = call();
        record.admit(call, 100, 5);
        call.status = 200;
        call.inputTokens = 3;
        call.outputTokens = 4;
        call.costMicros = 7;
        auditFailure = new ServiceUnavailableException("audit_unavailable", "audit down");

        assertThatThrownBy(() -> record.close(call)).isSameAs(auditFailure);
        record.close(call);

        assertThat(log).containsExactly("admit 100", "settle 7 7", "audit", "metrics 503");
        assertThat(events).isEmpty();
        assertThat(finished).hasSize(1);
    }

    @Test
    void aFailedSettlementStillRecordsTheCall() {
        CallRecord record = record();
        Call call = call();
        record.admit(call, 100, 5);
        call.status = 200;
        settleFailure = new IllegalStateException("limits store down");

        record.close(call);
        record.close(call);

        assertThat(log).containsExactly("admit 100", "settle 0 0", "audit", "metrics 200");
        assertThat(events).hasSize(1);
    }

    /** The versions the stages reported reach the event, by lineage key, none left behind. */
    @Test
    void theStagesVersionsReachTheEventByLineageKey() {
        CallRecord record = record();
        Call call = call();
        call.exchange.stageVersion(LineageKeys.PROMPT_VERSION, "support@3");
        call.exchange.stageVersion(LineageKeys.POLICY_VERSION, "pii@2");
        call.exchange.stageVersion("guardVersion", "guard@1");
        call.status = 200;

        record.close(call);

        AuditEvent e = events.get(0);
        assertThat(e.usage().versions())
                .containsExactly(
                        Map.entry(LineageKeys.PROMPT_VERSION, "support@3"),
                        Map.entry(LineageKeys.POLICY_VERSION, "pii@2"),
                        Map.entry("guardVersion", "guard@1"));
        assertThat(e.details().get(LineageKeys.VERSIONS_DETAIL))
                .isEqualTo(Map.of("guardVersion", "guard@1"));
    }

    @Test
    void anEvaluationsCallIsAdmittedToItsShareRecordedAsTheSystemActorAndLabelled() {
        CallRecord record = record();
        Call call = call();
        io.gatehouse.governance.EvaluationOf of =
                new io.gatehouse.governance.EvaluationOf(
                        UUID.randomUUID(), "refund-1", "candidate", UUID.randomUUID(), 2);
        call.actor = io.gatehouse.shared.Caller.system("evaluation", TestCatalog.TENANT);
        call.evaluationOf = of;
        // a stage's detail under an evaluation key does not take the call's place
        call.exchange.auditDetails().put("evaluationRun", "not-the-run");
        record.admit(call, 10, 5);
        call.status = 200;

        record.close(call);

        assertThat(log).startsWith("admit evaluation 10");
        AuditEvent e = events.get(0);
        assertThat(e.actorKind()).isEqualTo("system");
        assertThat(e.actor()).isEqualTo("system:evaluation");
        assertThat(e.details()).containsAllEntriesOf(of.details());
        assertThat(finished.get(0).traffic()).isEqualTo("evaluation");
    }

    @Test
    void anEvaluationsCallRefusedBeforeItsExchangeStillNamesItsRun() {
        CallRecord record = record();
        Call call = call();
        call.exchange = null;
        io.gatehouse.governance.EvaluationOf of =
                new io.gatehouse.governance.EvaluationOf(UUID.randomUUID(), "c", "judge", null, 0);
        call.actor = io.gatehouse.shared.Caller.system("evaluation", TestCatalog.TENANT);
        call.evaluationOf = of;
        call.failed(400, "invalid_request_error");

        record.close(call);

        assertThat(events.get(0).details()).containsAllEntriesOf(of.details());
        assertThat(finished.get(0).traffic()).isEqualTo("evaluation");
    }

    @Test
    void productionTrafficIsLabelledSo() {
        CallRecord record = record();
        Call call = call();
        call.status = 200;
        record.close(call);
        assertThat(finished.get(0).traffic()).isEqualTo("production");
    }
}
