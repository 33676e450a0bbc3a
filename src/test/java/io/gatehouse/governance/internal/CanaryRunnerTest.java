package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationOf;
import io.gatehouse.governance.internal.persistence.CanaryRows;
import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A canary case's call result (issue 23): a call still rate limited after the steps' retries, or
 * refused because the tenant is suspended, postpones the run ({@link EvaluationRunner.Postponed})
 * instead of becoming a recorded error that would count in the pass and refusal rates; any other
 * failure stays the case's error.
 */
class CanaryRunnerTest {
    static final UUID TENANT = UUID.randomUUID();

    EvaluationAnswer answer;
    CanaryRunner runner;

    static final GoldenSetContent.Case CASE =
            GoldenSetContent.parse(
                            JsonInput.readObject(
                                    "{\"binds\":[{\"kind\":\"prompt\",\"target\":\"p\"}],\"minPassRate\":1,"
                                            + "\"cases\":[{\"id\":\"a\",\"input\":{\"messages\":"
                                            + "[{\"role\":\"user\",\"content\":\"hi\"}]},"
                                            + "\"expect\":[{\"type\":\"contains\",\"value\":\"ok\"}]}]}"),
                            k -> true)
                    .cases()
                    .get(0);

    static EvaluationAnswer refused(int status, String code) {
        return new EvaluationAnswer(
                status, null, null, null, null, null, 0, 0, 0, 1, "req", code, "not now");
    }

    static EvaluationRows.Run run() {
        return new EvaluationRows.Run(
                UUID.randomUUID(),
                TENANT,
                null,
                0,
                "set",
                1,
                "canary",
                "set",
                CanaryRunner.TRIGGER,
                "system:canary",
                "running",
                "me",
                Instant.now(),
                1,
                null,
                null,
                Instant.now(),
                Instant.now(),
                null);
    }

    @BeforeEach
    void wire() {
        runner = new CanaryRunner();
        runner.steps =
                new EvaluationSteps() {
                    @Override
                    public EvaluationAnswer judge(
                            TenantId tenant, JsonObject body, EvaluationOf of) {
                        return answer;
                    }
                };
        runner.evaluations = new EvaluationRunner();
        runner.evaluations.steps = runner.steps;
    }

    @Test
    void aCanaryCallStillRateLimitedPostponesTheRunInsteadOfRecordingAnError() {
        answer = refused(429, "evaluation_rate_limited");
        assertThatThrownBy(() -> runner.runCase(run(), new TenantId(TENANT), "route:support", CASE))
                .isInstanceOfSatisfying(
                        EvaluationRunner.Postponed.class,
                        p -> assertThat(p.seconds).isEqualTo(EvaluationRunner.POSTPONE_SECONDS));
    }

    @Test
    void aSuspendedTenantsCanaryCallPostponesTheRunLonger() {
        answer = refused(403, "tenant_suspended");
        assertThatThrownBy(() -> runner.runCase(run(), new TenantId(TENANT), "route:support", CASE))
                .isInstanceOfSatisfying(
                        EvaluationRunner.Postponed.class,
                        p ->
                                assertThat(p.seconds)
                                        .isEqualTo(EvaluationRunner.SUSPENDED_POSTPONE_SECONDS));
    }

    @Test
    void anotherFailureIsStillTheCasesError() {
        answer = refused(502, "upstream_error");
        CanaryRows.Result r = runner.runCase(run(), new TenantId(TENANT), "route:support", CASE);
        assertThat(r.outcome()).isEqualTo("error");
        assertThat(r.status()).isEqualTo(502);
    }
}
