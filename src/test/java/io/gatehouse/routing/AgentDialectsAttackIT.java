package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent dialects' controls from an attacker's side (issue 17): what one tenant sets up (a legal
 * hold, per-tool rules, a budget and its reservations) is neither escaped by the tenant itself nor
 * leaks into another tenant, in either direction.
 */
class AgentDialectsAttackIT {
    static final Http HTTP = Http.local();
    static WireMockServer provider;

    private static final String SMALL =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"done\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";

    @BeforeAll
    static void start() {
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
        provider.stubFor(
                post(urlEqualTo("/attack-ok/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(SMALL)));
        provider.stubFor(
                post(urlEqualTo("/attack-slow/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withFixedDelay(SLOW_MS)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(SMALL)));
    }

    @AfterAll
    static void stop() {
        provider.stop();
    }

    /**
     * How long the slow stand-in takes: the window in which A's reservation is held. Its provider
     * waits up to {@link #SLOW_TIMEOUT_MS}, well past it, so the timing has room on a busy machine.
     */
    static final int SLOW_MS = 3000;

    static final int SLOW_TIMEOUT_MS = 15_000;

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    /** A tenant whose route {@code alias} goes to the stand-in's path of that name. */
    static TestTenant tenant(String alias) throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "p",
                "openai",
                "http://localhost:" + provider.port() + "/" + alias + "/v1",
                "{}",
                "m",
                "chat,streaming,tools");
        if (alias.equals("attack-slow")) {
            try (Connection c = Db.asOwner();
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "UPDATE routing_providers SET timeout_ms = ?"
                                            + " WHERE tenant_id = ?::uuid")) {
                ps.setInt(1, SLOW_TIMEOUT_MS);
                ps.setString(2, t.id());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        CatalogFixture.route(t.id(), alias, "chat", "priority", 0, "p/m");
        return t;
    }

    /**
     * An already active legal hold keeps the tenant's expired stored response through the platform
     * admin's on-demand purge (and its own key's DELETE), while the same run purges an unheld
     * tenant's.
     */
    @Test
    void aStoredResponseUnderAnActiveHoldSurvivesTheOnDemandPurge() throws Exception {
        TestTenant held = TestTenant.fresh();
        TestTenant unheld = TestTenant.fresh();
        String heldId =
                StoredResponsesUnderHoldIT.storedResponse(held, "now() - interval '1 minute'");
        String unheldId =
                StoredResponsesUnderHoldIT.storedResponse(unheld, "now() - interval '1 minute'");
        String keptAlive =
                StoredResponsesUnderHoldIT.storedResponse(held, "now() + interval '1 day'");
        Http.Response hold =
                HTTP.post(
                        "/api/v1/audit/retention/holds",
                        "{\"reason\":\"attack test\"}",
                        held.auth("admin"));
        assertThat(hold.status()).as(hold.body()).isEqualTo(201);

        Http.Response delete =
                HTTP.method("DELETE", "/v1/responses/" + keptAlive, null, held.keyAuth());
        assertThat(delete.status()).as(delete.body()).isEqualTo(403);

        String admin =
                "Bearer "
                        + TestTenant.login(
                                TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        Http.Response purge =
                HTTP.post("/api/v1/audit/retention/purge", "", "Authorization", admin);
        assertThat(purge.status()).as(purge.body()).isEqualTo(200);
        try (Connection c = Db.asApp()) {
            String q = "SELECT count(*) FROM routing_stored_responses WHERE id = ?";
            assertThat(Db.count(c, q, heldId)).as("held: kept though expired").isEqualTo(1);
            assertThat(Db.count(c, q, keptAlive)).as("held: kept").isEqualTo(1);
            assertThat(Db.count(c, q, unheldId)).as("unheld: purged in the same run").isZero();
        }
    }

    static String usedTool(String marker, String tool) {
        return "{\"model\":\"attack-ok\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + marker
                + "\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\""
                + tool
                + "\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c_1\","
                + "\"content\":\"done\"}]}";
    }

    static JsonObject denyTool(String tool) {
        return json(
                "{\"mode\":\"enforce\",\"rules\":[{\"id\":\"no-"
                        + tool.replace('_', '-')
                        + "\",\"tools\":[\""
                        + tool
                        + "\"],\"action\":\"deny\",\"code\":\"tool_denied\","
                        + "\"message\":\""
                        + tool
                        + " may not be used\"}]}");
    }

    /**
     * Per-tool rules are the tenant's own: tenant A forbids alpha_tool, tenant B beta_tool; each
     * tenant's conversation with the other's tool goes through, with its own is refused.
     */
    @Test
    void perToolRulesOfOneTenantNeverApplyToAnother() throws Exception {
        TestTenant a = tenant("attack-ok");
        TestTenant b = tenant("attack-ok");
        Changes.publishPolicy(a, "no-alpha", denyTool("alpha_tool"));
        Changes.publishPolicy(b, "no-beta", denyTool("beta_tool"));
        String[][] cases = {
            {"a", "alpha_tool", "403"}, {"a", "beta_tool", "200"},
            {"b", "beta_tool", "403"}, {"b", "alpha_tool", "200"}
        };
        for (String[] c : cases) {
            TestTenant t = c[0].equals("a") ? a : b;
            String marker = "attack-" + UUID.randomUUID();
            Http.Response r =
                    HTTP.post("/v1/chat/completions", usedTool(marker, c[1]), t.keyAuth());
            assertThat(r.status())
                    .as("tenant " + c[0] + " with " + c[1] + ": " + r.body())
                    .isEqualTo(Integer.parseInt(c[2]));
            if (c[2].equals("403")) {
                assertThat(r.json().getJsonObject("error").getString("code"))
                        .isEqualTo("tool_denied");
            }
        }
    }

    private static Http.Response slowRequest(TestTenant t, String marker) {
        return HTTP.post(
                "/v1/chat/completions",
                "{\"model\":\"attack-slow\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\""
                        + marker
                        + "\"}]}",
                t.keyAuth());
    }

    /**
     * Budget reservations are the tenant's own: while tenant A's request holds a reservation that
     * leaves A no room for a second one (a second A request is refused 429), tenant B with the same
     * budget is admitted.
     */
    @Test
    void budgetReservationsOfOneTenantNeverConsumeAnothersBudget() throws Exception {
        TestTenant a = tenant("attack-slow");
        TestTenant b = tenant("attack-slow");
        for (TestTenant t : new TestTenant[] {a, b}) {
            // room for one reservation of about 2,100 micros, not two
            Http.Response limits =
                    HTTP.method(
                            "PUT",
                            "/api/v1/limits",
                            "{\"dailyBudgetMicros\":3000}",
                            t.auth("admin"));
            assertThat(limits.status()).as(limits.body()).isEqualTo(200);
        }
        String first = "attack-first-" + UUID.randomUUID();
        CompletableFuture<Http.Response> holding =
                CompletableFuture.supplyAsync(() -> slowRequest(a, first));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (provider.getAllServeEvents().stream()
                        .noneMatch(e -> e.getRequest().getBodyAsString().contains(first))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(holding.isDone()).as("A's first request is in flight, reserved").isFalse();
        Http.Response aAgain = slowRequest(a, "attack-second-" + UUID.randomUUID());
        assertThat(aAgain.status()).as("A's own budget holds the reservation").isEqualTo(429);
        assertThat(aAgain.json().getJsonObject("error").getString("code"))
                .as("refused by the budget, not a rate limit")
                .isEqualTo("insufficient_quota");
        Http.Response bFirst = slowRequest(b, "attack-b-" + UUID.randomUUID());
        assertThat(bFirst.status())
                .as("B's budget is untouched by A's reservation: " + bFirst.body())
                .isEqualTo(200);
        assertThat(holding.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
}
