package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A tenant's daily cost budget is a hard stop on the gateway path: once the accounted cost reaches
 * it, the next request gets OpenAI's 429 {@code insufficient_quota} with Retry-After, and the
 * provider is not called (a WireMock stand-in provider counts the calls it received).
 */
class BudgetIT {
    @Test
    void aSpentDailyBudgetStopsTheNextRequest() throws Exception {
        WireMockServer provider = new WireMockServer(options().dynamicPort());
        provider.start();
        try {
            spentBudgetStopsBeforeTheProvider(provider);
        } finally {
            provider.stop();
        }
    }

    private static void spentBudgetStopsBeforeTheProvider(WireMockServer provider)
            throws Exception {
        provider.stubFor(
                post(urlEqualTo("/paid/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(GatewayIT.OK.formatted("paid"))));
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "paid",
                "openai",
                "http://localhost:" + provider.port() + "/paid/v1",
                "{}",
                "paid-chat",
                "chat,streaming");
        CatalogFixture.route(t.id(), "paid", "chat", "priority", 0, "paid/paid-chat");
        Http http = Http.local();
        assertThat(
                        http.method(
                                        "PUT",
                                        "/api/v1/limits",
                                        // room for the first request's reservation (11
                                        // input + 256 max output tokens = 2070 micros), which
                                        // then really costs 6000 (1000 + 500 tokens): charged
                                        // past the budget, as the provider did the work
                                        "{\"dailyBudgetMicros\":3000}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(200);
        String body =
                // names its maximum: the default (4,096 tokens) would not fit this budget at all
                "{\"model\":\"paid\",\"max_tokens\":256,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"spend a little\"}]}";
        Http.Response first = http.post("/v1/chat/completions", body, t.keyAuth());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(calls(provider)).as("the first request reaches the provider").isEqualTo(1);
        Http.Response second = http.post("/v1/chat/completions", body, t.keyAuth());
        assertThat(second.status()).as(second.body()).isEqualTo(429);
        assertThat(second.json().getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        assertThat(Integer.parseInt(second.header("Retry-After"))).isBetween(1, 86_400);
        assertThat(calls(provider))
                .as("the refused request never reached the provider")
                .isEqualTo(1);

        JsonObject budget =
                http.get("/api/v1/usage", t.auth("admin")).json().getJsonObject("budget");
        JsonObject daily = budget.getJsonObject("daily");
        assertThat(daily.getJsonNumber("limitMicros").longValue()).isEqualTo(3000);
        assertThat(daily.getJsonNumber("spentMicros").longValue()).isEqualTo(6000);
        assertThat(daily.getJsonNumber("remainingMicros").longValue()).isZero();
        assertThat(budget.getJsonObject("monthly").isNull("limitMicros")).isTrue();
        assertThat(
                        http.get("/v1/usage", t.keyAuth())
                                .json()
                                .getJsonObject("budget")
                                .getJsonObject("daily")
                                .getJsonNumber("remainingMicros")
                                .longValue())
                .isZero();

        // raising the budget lets requests through again at once
        assertThat(
                        http.method(
                                        "PUT",
                                        "/api/v1/limits",
                                        "{\"dailyBudgetMicros\":100000000}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(200);
        assertThat(http.post("/v1/chat/completions", body, t.keyAuth()).status()).isEqualTo(200);
        assertThat(calls(provider)).isEqualTo(2);
    }

    /**
     * The other limits docs/security.md names: a monthly budget stops like the daily one, and a
     * tenant's requests-per-minute limit holds across all of its keys.
     */
    @Test
    void aMonthlyBudgetAndATenantsRequestLimitStopRequestsToo() throws Exception {
        WireMockServer provider = new WireMockServer(options().dynamicPort());
        provider.start();
        try {
            provider.stubFor(
                    post(urlEqualTo("/paid/v1/chat/completions"))
                            .willReturn(
                                    aResponse()
                                            .withHeader("Content-Type", "application/json")
                                            .withBody(GatewayIT.OK.formatted("paid"))));
            Http http = Http.local();
            String body =
                    "{\"model\":\"paid\",\"max_tokens\":256,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

            TestTenant monthly = paidTenant(provider);
            // the first request's reservation (about 2,070 micros) fits; its real cost (6,000) then
            // spends the budget (the reservation rule of LimitsAcrossInstancesIT)
            limits(monthly, "{\"monthlyBudgetMicros\":3000}");
            assertThat(http.post("/v1/chat/completions", body, monthly.keyAuth()).status())
                    .isEqualTo(200);
            Http.Response stopped = http.post("/v1/chat/completions", body, monthly.keyAuth());
            assertThat(stopped.status()).as(stopped.body()).isEqualTo(429);
            assertThat(stopped.json().getJsonObject("error").getString("code"))
                    .isEqualTo("insufficient_quota");
            assertThat(calls(provider)).isEqualTo(1);

            TestTenant limited = paidTenant(provider);
            limits(limited, "{\"rpmLimit\":2}");
            String second =
                    http.post("/api/v1/keys", "{\"name\":\"second\"}", limited.auth("admin"))
                            .json()
                            .getString("key");
            // do not straddle a minute boundary: the window would legitimately reset
            int s0 = java.time.LocalTime.now().getSecond();
            if (s0 > 50) {
                Thread.sleep((61 - s0) * 1000L);
            }
            assertThat(http.post("/v1/chat/completions", body, limited.keyAuth()).status())
                    .isEqualTo(200);
            assertThat(
                            http.post(
                                            "/v1/chat/completions",
                                            body,
                                            "Authorization",
                                            "Bearer " + second)
                                    .status())
                    .isEqualTo(200);
            Http.Response third = http.post("/v1/chat/completions", body, limited.keyAuth());
            assertThat(third.status())
                    .as("the tenant's third request, whichever key")
                    .isEqualTo(429);
            assertThat(third.json().getJsonObject("error").getString("code"))
                    .isEqualTo("rate_limit_exceeded");
            assertThat(Integer.parseInt(third.header("Retry-After"))).isBetween(1, 60);
            assertThat(calls(provider)).isEqualTo(3);
        } finally {
            provider.stop();
        }
    }

    private static TestTenant paidTenant(WireMockServer provider) throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "paid",
                "openai",
                "http://localhost:" + provider.port() + "/paid/v1",
                "{}",
                "paid-chat",
                "chat,streaming");
        CatalogFixture.route(t.id(), "paid", "chat", "priority", 0, "paid/paid-chat");
        return t;
    }

    private static void limits(TestTenant t, String json) {
        assertThat(Http.local().method("PUT", "/api/v1/limits", json, t.auth("admin")).status())
                .isEqualTo(200);
    }

    private static int calls(WireMockServer provider) {
        return provider.countRequestsMatching(
                        postRequestedFor(urlEqualTo("/paid/v1/chat/completions")).build())
                .getCount();
    }
}
