package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.testing.Changes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy versions a request names in its lineage: every live policy of both stages. */
class PolicyVersionsTest {

    @Test
    void anInputOnlyPolicyStaysInTheLineageAfterTheOutputStage() {
        CompiledPolicy demo =
                CompiledPolicy.compile("demo", "demo@v1", false, DemoPolicySeed.demoPolicy());
        // one input rule only (a rule's stages default to the input)
        CompiledPolicy noIp =
                CompiledPolicy.compile("no-ip", "no-ip@v2", false, Changes.noIpPolicy());
        PolicyStage stage = new PolicyStage(t -> List.of(demo, noIp), PolicyFixturesTest.CLOCK);
        GatewayExchange ex = PolicyStreamFilterTest.hello();
        stage.beforeRouting(ex);
        assertThat(ex.stageVersions().get(LineageKeys.POLICY_VERSION))
                .isEqualTo("demo@v1,no-ip@v2");

        StreamFilter f = stage.streamFilter(ex);
        f.onChunk("hello there");
        f.onEnd();
        assertThat(ex.stageVersions().get(LineageKeys.POLICY_VERSION))
                .as("the output stage ran only demo's rules; no-ip@v2 still served the request")
                .isEqualTo("demo@v1,no-ip@v2");
    }
}
