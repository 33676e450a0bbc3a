package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy versions a request names in its lineage: every live policy of both stages. */
class PolicyVersionsTest {

    /** One input rule only (a rule's stages default to the input). */
    static JsonObject inputOnly() {
        return Json.createObjectBuilder()
                .add(
                        "rules",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("id", "no-ip")
                                                .add("condition", "entities.ip.count > 0")
                                                .add("action", "deny")
                                                .add("code", "ip_not_allowed")
                                                .add("message", "No IP addresses")))
                .build();
    }

    @Test
    void anInputOnlyPolicyStaysInTheLineageAfterTheOutputStage() {
        CompiledPolicy demo =
                CompiledPolicy.compile("demo", "demo@v1", false, DemoPolicySeed.demoPolicy());
        CompiledPolicy noIp = CompiledPolicy.compile("no-ip", "no-ip@v2", false, inputOnly());
        PolicyStage stage = new PolicyStage(t -> List.of(demo, noIp), PolicyFixturesTest.CLOCK);
        GatewayExchange ex =
                new GatewayExchange(
                        PolicyFixtures.TENANT,
                        "k",
                        "r",
                        "chat",
                        "sandbox",
                        null,
                        List.of(new ChatMessage("user", "hi", false)),
                        Map.of());
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
