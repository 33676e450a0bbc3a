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
        CatalogRows.provider(
                t.id(),
                "paid",
                "openai",
                "http://localhost:" + provider.port() + "/paid/v1",
                "{}",
                "paid-chat",
                "chat,streaming");
        CatalogRows.route(t.id(), "paid", "chat", "priority", 0, "paid/paid-chat");
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
                "{\"model\":\"paid\",\"messages\":[{\"role\":\"user\",\"content\":\"spend a little\"}]}";
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

    private static int calls(WireMockServer provider) {
        return provider.countRequestsMatching(
                        postRequestedFor(urlEqualTo("/paid/v1/chat/completions")).build())
                .getCount();
    }
}
