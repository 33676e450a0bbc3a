package io.gatehouse.routing;

import static io.gatehouse.testing.PrometheusText.delta;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.TestTenant;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own Prometheus metrics (requests by route, provider and status; duration; tokens),
 * which stand in for Liberty's per-request HTTP timers on /v1. Labels come from configuration only:
 * a model name the client made up is counted under route "-".
 */
class GatewayMetricsIT {
    @Test
    void requestsDurationAndTokensAreCountedPerTenantAndRoute() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat,streaming");
        CatalogFixture.route(t.id(), "metered", "chat", "priority", 0, "sb/sb-chat");
        Http http = Http.local();
        String tenant = "tenant=\"" + t.slug() + "\""; // tenants are labelled by slug (issue 20)
        String before = MetricsScrape.text();

        String ok =
                "{\"model\":\"metered\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}";
        for (int i = 0; i < 3; i++) {
            assertThat(http.post("/v1/chat/completions", ok, t.keyAuth()).status()).isEqualTo(200);
        }
        String unknown =
                "{\"model\":\"made-up-by-client\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertThat(http.post("/v1/chat/completions", unknown, t.keyAuth()).status()).isEqualTo(404);
        String after = MetricsScrape.text();

        String metered = tenant + ",route=\"metered\"";
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_gateway_requests_total",
                                metered + ",provider=\"sb\",status=\"200\""))
                .isEqualTo(3);
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_gateway_requests_total",
                                tenant + ",route=\"-\",provider=\"-\",status=\"404\""))
                .isEqualTo(1);
        assertThat(after).doesNotContain("made-up-by-client");
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_gateway_request_duration_seconds_count",
                                metered))
                .isEqualTo(3);
        assertThat(delta(before, after, "gatehouse_gateway_request_duration_seconds_sum", metered))
                .isPositive();
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_gateway_tokens_total",
                                metered + ",kind=\"input\""))
                .isPositive();
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_gateway_tokens_total",
                                metered + ",kind=\"output\""))
                .isPositive();
    }
}
