package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.engine.PolicyParser;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.testing.Changes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A policy draft attached to one exchange (the test call through a draft, issue 21): it takes the
 * place of the tenant's live policy of its name for that exchange only.
 */
class PolicyDraftTest {
    static final UUID CHANGE = UUID.randomUUID();

    static CompiledPolicy compiled(String name, String version, boolean global, JsonObject c) {
        return CompiledPolicy.compile(name, version, global, PolicyParser.normalize(c));
    }

    /** A rule that lets everything here through (it flags only huge requests). */
    static JsonObject allowAll() {
        return Json.createObjectBuilder()
                .add(
                        "rules",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("id", "huge")
                                                .add("condition", "tokens > 1000000")
                                                .add("action", "flag")
                                                .add("flag", "huge")))
                .build();
    }

    static GatewayExchange exchange(String text) {
        return new GatewayExchange(
                PolicyFixtures.TENANT,
                "k",
                "r",
                "chat",
                "sandbox",
                null,
                List.of(new ChatMessage("user", text, false)),
                Map.of());
    }

    @Test
    void theDraftReplacesTheTenantsPolicyOfItsNameAndIsAddedOtherwise() {
        CompiledPolicy global = compiled("no-ip", "global:no-ip@v1", true, allowAll());
        CompiledPolicy live = compiled("no-ip", "no-ip@v4", false, allowAll());
        CompiledPolicy other = compiled("pii", "pii@v2", false, allowAll());
        CompiledPolicy draft =
                compiled(
                        "no-ip",
                        PolicyDraft.versionLabel("no-ip", CHANGE, 2),
                        false,
                        Changes.noIpPolicy());
        assertThat(new PolicyDraft(CHANGE, draft).in(List.of(global, live, other)))
                .as("a global policy of the same name stays")
                .containsExactly(global, draft, other);
        CompiledPolicy fresh =
                compiled(
                        "new-one",
                        PolicyDraft.versionLabel("new-one", CHANGE, 2),
                        false,
                        allowAll());
        assertThat(new PolicyDraft(CHANGE, fresh).in(List.of(live))).containsExactly(live, fresh);
        assertThat(draft.version()).isEqualTo("no-ip@change:" + CHANGE + "/r2");
    }

    @Test
    void theStageUsesTheDraftOnlyOnTheExchangeItIsAttachedTo() {
        CompiledPolicy live = compiled("no-ip", "no-ip@v1", false, allowAll());
        PolicyStage stage = new PolicyStage(t -> List.of(live), PolicyFixturesTest.CLOCK);
        CompiledPolicy draft =
                compiled(
                        "no-ip",
                        PolicyDraft.versionLabel("no-ip", CHANGE, 2),
                        false,
                        Changes.noIpPolicy());

        GatewayExchange withDraft = exchange("ping 10.0.0.1");
        new StageOverrides()
                .with(PolicyDraft.class, new PolicyDraft(CHANGE, draft))
                .applyTo(withDraft);
        assertThatThrownBy(() -> stage.beforeRouting(withDraft))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("ip_not_allowed"));
        assertThat(PolicyStage.audit(withDraft)).containsEntry("draftOf", CHANGE.toString());
        assertThat(withDraft.stageVersions().get(LineageKeys.POLICY_VERSION))
                .isEqualTo("no-ip@change:" + CHANGE + "/r2");

        GatewayExchange plain = exchange("ping 10.0.0.1");
        stage.beforeRouting(plain); // the live version lets it through
        assertThat(PolicyStage.audit(plain)).doesNotContainKey("draftOf");
    }

    @Test
    void aDraftsDecisionsStayOutOfTheLivePolicyMetrics() {
        CompiledPolicy live = compiled("no-ip", "no-ip@v1", false, allowAll());
        PolicyStage stage = new PolicyStage(t -> List.of(live), PolicyFixturesTest.CLOCK);
        java.util.concurrent.atomic.AtomicInteger recorded =
                new java.util.concurrent.atomic.AtomicInteger();
        stage.metrics =
                new PolicyMetrics() {
                    @Override
                    void record(
                            io.gatehouse.shared.TenantId tenant,
                            String s,
                            io.gatehouse.policy.internal.engine.Decision d) {
                        recorded.incrementAndGet();
                    }
                };
        CompiledPolicy draft =
                compiled(
                        "no-ip",
                        PolicyDraft.versionLabel("no-ip", CHANGE, 1),
                        false,
                        Changes.noIpPolicy());
        GatewayExchange withDraft = exchange("ping 10.0.0.1");
        new StageOverrides()
                .with(PolicyDraft.class, new PolicyDraft(CHANGE, draft))
                .applyTo(withDraft);
        assertThatThrownBy(() -> stage.beforeRouting(withDraft))
                .isInstanceOf(GatehouseException.class);
        assertThat(recorded.get()).as("the draft's denial is not counted").isZero();
        stage.beforeRouting(exchange("ping 10.0.0.1"));
        assertThat(recorded.get()).as("live traffic is").isPositive();
    }
}
