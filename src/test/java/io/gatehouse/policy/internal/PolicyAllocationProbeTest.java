package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.engine.PolicyEngine;
import io.gatehouse.policy.internal.engine.PolicyRule;
import io.gatehouse.policy.internal.engine.RequestFacts;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.testing.AllocationProbe;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Bytes the policy stage allocates per request with the demo policy on {@code bench/run.sh}'s
 * request and answer (an allocation probe: it counts bytes with {@code
 * ThreadMXBean.getThreadAllocatedBytes}, never time). Printed for docs/benchmarks.md; the bounds
 * keep the cuts of issue 16's second round from coming undone.
 */
class PolicyAllocationProbeTest {
    static final int RUNS = 100_000;

    final CompiledPolicy demo =
            CompiledPolicy.compile("demo", "demo@v1", false, DemoPolicySeed.demoPolicy());
    final PolicyHotPathBench.Case bench = PolicyHotPathBench.cases().get(0);

    @Test
    void theInputAndOutputChecksOfARequestWithoutFindings() throws Exception {
        PolicyStage stage = new PolicyStage(t -> List.of(demo), Clock.systemUTC());
        long exchange = bytesPerCall(() -> PolicyHotPathBench.exchange(bench).messages().size());
        long whole =
                bytesPerCall(
                        () -> {
                            GatewayExchange ex = PolicyHotPathBench.exchange(bench);
                            stage.beforeRouting(ex);
                            ex.answerText(bench.answer());
                            stage.afterAnswer(ex);
                            return ex.auditDetails().size();
                        });
        RequestFacts facts = facts(stage);
        long evaluate =
                bytesPerCall(
                        () ->
                                PolicyEngine.evaluate(List.of(demo), facts, PolicyRule.Stage.INPUT)
                                        .enforced()
                                        .matched()
                                        .size());
        System.out.printf(
                "policy probe, demo policy, bench request: input + output stage %d bytes per"
                        + " request (the exchange's own %d not counted); PolicyEngine.evaluate"
                        + " (input) %d bytes%n",
                whole - exchange, exchange, evaluate);
        assertThat(whole - exchange).isLessThanOrEqualTo(19_000);
        assertThat(evaluate).isLessThanOrEqualTo(5_000);
    }

    RequestFacts facts(PolicyStage stage) {
        GatewayExchange ex = PolicyHotPathBench.exchange(bench);
        return RequestScan.of(ex, Instant.now()).facts;
    }

    static long bytesPerCall(LongSupplier call) throws Exception {
        return AllocationProbe.bytesPerCall(RUNS, call::getAsLong);
    }
}
