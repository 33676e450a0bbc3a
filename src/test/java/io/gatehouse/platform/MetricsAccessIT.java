package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: /metrics names tenants (slugs), routes, providers, models and policy rules, so with
 * GATEHOUSE_METRICS_ACCESS=authenticated (the default, and the test server's) only the configured
 * scraper reads it, over HTTPS. Every other way in is refused: plain HTTP, no credentials, a wrong
 * password, the people's and the API's own credentials. The scraper's credentials in turn open
 * nothing of the API. An unknown access value refuses to start rather than guess.
 */
class MetricsAccessIT {
    private final Http http = Http.local();

    @Test
    void anonymousScrapesAreRefusedOnBothPorts() throws Exception {
        // plain HTTP: sent to the HTTPS port, never served
        HttpResponse<String> plain =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(TestEnv.baseUrl() + "/metrics"))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isIn(301, 302, 303, 307, 308, 401, 403);
        assertThat(plain.body()).doesNotContain("gatehouse_").doesNotContain("# TYPE");
        HttpResponse<String> anon = MetricsScrape.get(TestEnv.httpsPort(), null, null);
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(anon.body()).doesNotContain("# TYPE");
        for (String path :
                new String[] {"/metrics?scope=application", "/metrics/application", "/metrics/"}) {
            HttpResponse<String> other =
                    MetricsScrape.get(
                            URI.create("https://localhost:" + TestEnv.httpsPort() + path),
                            null,
                            null);
            assertThat(other.statusCode()).as(path).isNotEqualTo(200);
            assertThat(other.body()).as(path).doesNotContain("# TYPE");
        }
    }

    @Test
    void wrongPasswordsAndTheApisOwnCredentialsAreRefused() {
        int port = TestEnv.httpsPort();
        assertThat(MetricsScrape.get(port, MetricsScrape.USER, "not-the-password").statusCode())
                .isEqualTo(401);
        assertThat(MetricsScrape.get(port, "admin", TestTenant.DEMO_PASSWORD).statusCode())
                .isEqualTo(401);
        assertThat(
                        MetricsScrape.get(
                                        port,
                                        TestTenant.PLATFORM_ADMIN,
                                        TestTenant.PLATFORM_ADMIN_PASSWORD)
                                .statusCode())
                .isEqualTo(401);
        // a tenant's API key or a platform admin's token as a bearer credential
        TestTenant demo = TestTenant.demo();
        for (String bearer :
                new String[] {
                    demo.apiKey(),
                    TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD)
                }) {
            HttpResponse<String> r = bearerScrape(port, bearer);
            assertThat(r.statusCode()).isIn(401, 403);
            assertThat(r.body()).doesNotContain("# TYPE");
        }
    }

    @Test
    void theConfiguredScraperReadsTheGatewaysMetrics() {
        TestTenant demo = TestTenant.demo();
        assertThat(http.get("/v1/models", demo.keyAuth()).status()).isEqualTo(200);
        String text = MetricsScrape.text();
        assertThat(text).contains("# TYPE").contains("jvm_").contains("gatehouse_");
    }

    @Test
    void theScrapersCredentialsOpenNothingOfTheApi() {
        String basic =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (MetricsScrape.USER + ":" + MetricsScrape.PASSWORD)
                                                .getBytes(StandardCharsets.UTF_8));
        Http.Response models = http.get("/v1/models", "Authorization", basic);
        assertThat(models.status()).isEqualTo(401);
        assertThat(models.json().getJsonObject("error")).isNotNull();
        Http.Response me = http.get("/api/v1/me", "Authorization", basic);
        assertThat(me.status()).isEqualTo(401);
        // and the probes stay open on plain HTTP for the kubelet
        assertThat(http.get("/health/live").status()).isEqualTo(200);
    }

    /**
     * An unknown GATEHOUSE_METRICS_ACCESS (a typo such as "everyone") fails safe outside the
     * production profile too: the application refuses to start, naming the setting, and /metrics is
     * served to no one: not anonymously on either port, not to the scraper's credentials.
     */
    @Test
    void anUnknownAccessValueRefusesToStartAndKeepsMetricsClosed() throws Exception {
        try (LibertyInstance typo =
                LibertyInstance.launch(
                        "gatehouse-metrics-typo", Map.of("GATEHOUSE_METRICS_ACCESS", "everyone"))) {
            assertThat(typo.awaitLog("Gatehouse refuses to start", Duration.ofSeconds(120)))
                    .as("refusal logged")
                    .isTrue();
            assertThat(typo.awaitLog("CWWKF0011I", Duration.ofSeconds(60)))
                    .as("the server (not the application) started: its ports answer")
                    .isTrue();
            assertThat(typo.messagesLog())
                    .contains("GATEHOUSE_METRICS_ACCESS: 'everyone' is not a value");
            assertThat(typo.http().get("/health/ready").status()).isNotEqualTo(200);
            HttpResponse<String> plain =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(typo.baseUrl() + "/metrics"))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isNotEqualTo(200);
            assertThat(plain.body()).doesNotContain("# TYPE");
            for (String[] who :
                    new String[][] {{null, null}, {MetricsScrape.USER, MetricsScrape.PASSWORD}}) {
                HttpResponse<String> r = MetricsScrape.get(typo.httpsPort(), who[0], who[1]);
                assertThat(r.statusCode()).as("as " + who[0]).isNotEqualTo(200);
                assertThat(r.body()).doesNotContain("# TYPE").doesNotContain("gatehouse_");
            }
        }
    }

    private static HttpResponse<String> bearerScrape(int port, String token) {
        try {
            return HttpClient.newBuilder()
                    .sslContext(insecure())
                    .build()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("https://localhost:" + port + "/metrics"))
                                    .header("Authorization", "Bearer " + token)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static javax.net.ssl.SSLContext insecure() throws Exception {
        // MetricsScrape's client without credentials: reuse its trust-anything context
        return MetricsScrape.sslContext();
    }
}
