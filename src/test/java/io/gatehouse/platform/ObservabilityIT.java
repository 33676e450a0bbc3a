package io.gatehouse.platform;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.gatehouse.testing.PrometheusText.delta;
import static io.gatehouse.testing.PrometheusText.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.governance.Changes;
import io.gatehouse.routing.CatalogRows;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: what operators see after traffic. Metrics carry tenant slugs and bounded labels,
 * latency is a histogram with buckets, policy, auth, breaker, failover and review-backlog signals
 * are exported; the server's messages.log is JSON, lines of request work carry the request id, and
 * no key, prompt or answer is ever written to it.
 */
class ObservabilityIT {
    static final Http HTTP = Http.local();
    static final Path MESSAGES =
            Path.of(
                    System.getProperty("gatehouse.wlp.dir", "target/liberty/wlp"),
                    "usr/servers/gatehouse/logs/messages.log");

    @Test
    void latencyIsAHistogramAndProviderTroubleIsCountedPerTenantSlug() throws Exception {
        TestTenant t = TestTenant.fresh();
        WireMockServer failing = new WireMockServer(options().dynamicPort());
        failing.start();
        try {
            failing.stubFor(
                    post(urlEqualTo("/v1/chat/completions"))
                            .willReturn(aResponse().withStatus(503).withBody("{}")));
            CatalogRows.provider(
                    t.id(),
                    "down",
                    "openai",
                    "http://localhost:" + failing.port() + "/v1",
                    "{\"breakerFailures\": 2}",
                    "m-down",
                    "chat");
            CatalogRows.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat,streaming");
            CatalogRows.route(t.id(), "obs", "chat", "priority", 0, "down/m-down", "sb/sb-chat");
            String tenant = "tenant=\"" + t.slug() + "\"";
            String before = MetricsScrape.text();

            String body =
                    "{\"model\":\"obs\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
            for (int i = 0; i < 3; i++) {
                assertThat(HTTP.post("/v1/chat/completions", body, t.keyAuth()).status())
                        .isEqualTo(200);
            }
            String after = MetricsScrape.text();
            String route = tenant + ",route=\"obs\"";

            // buckets, not a summary: the +Inf bucket counts every request of the route
            assertThat(
                            delta(
                                    before,
                                    after,
                                    "gatehouse_gateway_request_duration_seconds_bucket",
                                    route + ",le=\"+Inf\""))
                    .isEqualTo(3);
            assertThat(after)
                    .contains("gatehouse_gateway_request_duration_seconds_bucket{")
                    .contains("le=\"0.005\"");
            // the id is never a label any more, the slug is
            assertThat(after).doesNotContain("tenant=\"" + t.id() + "\"");
            // two failed attempts open the breaker (breakerFailures 2); the third request skips it
            assertThat(
                            delta(
                                    before,
                                    after,
                                    "gatehouse_provider_errors_total",
                                    tenant + ",provider=\"down\",result=\"server\""))
                    .isEqualTo(2);
            assertThat(
                            delta(
                                    before,
                                    after,
                                    "gatehouse_provider_errors_total",
                                    tenant + ",provider=\"down\",result=\"circuit_open\""))
                    .isEqualTo(1);
            assertThat(delta(before, after, "gatehouse_gateway_failovers_total", route))
                    .isEqualTo(3);
            assertThat(
                            delta(
                                    before,
                                    after,
                                    "gatehouse_provider_latency_seconds_count",
                                    tenant + ",provider=\"sb\",model=\"sb-chat\",result=\"ok\""))
                    .isEqualTo(3);
            assertThat(
                            delta(
                                    before,
                                    after,
                                    "gatehouse_breaker_transitions_total",
                                    tenant + ",provider=\"down\",state=\"open\""))
                    .isEqualTo(1);
            assertThat(sample(after, "gatehouse_breaker_state", tenant + ",provider=\"down\""))
                    .isEqualTo(2);
            assertThat(sample(after, "gatehouse_breaker_state", tenant + ",provider=\"sb\""))
                    .isEqualTo(0);
            assertThat(delta(before, after, "gatehouse_gateway_cost_microusd_total", route))
                    .isPositive();
        } finally {
            failing.stop();
        }
    }

    @Test
    void policyAndAuthenticationSignalsAreCounted() throws Exception {
        TestTenant demo = TestTenant.demo();
        String before = MetricsScrape.text();
        String mail =
                "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"write to ann@example.com\"}]}";
        assertThat(HTTP.post("/v1/chat/completions", mail, demo.keyAuth()).status()).isEqualTo(200);
        assertThat(
                        HTTP.post(
                                        "/v1/chat/completions",
                                        mail,
                                        "Authorization",
                                        "Bearer gh_live_notAKeyThatExists0000000000000000000")
                                .status())
                .isEqualTo(401);
        String after = MetricsScrape.text();

        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_policy_redactions_total",
                                "tenant=\"demo\",stage=\"input\",entity=\"email\""))
                .isEqualTo(1);
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_policy_rule_matches_total",
                                "tenant=\"demo\",stage=\"input\",action=\"redact\""))
                .isGreaterThanOrEqualTo(1);
        // rules are labelled policy/rule, without the version (a new version continues the series)
        assertThat(after.lines().filter(l -> l.startsWith("gatehouse_policy_rule_matches_total")))
                .allSatisfy(l -> assertThat(l).doesNotContainPattern("rule=\"[^\"]*@v"));
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_auth_failures_total",
                                "tenant=\"-\",credential=\"api_key\""))
                .isEqualTo(1);
        assertThat(after).doesNotContain("gh_live_notAKeyThatExists");
        assertThat(after).contains("gatehouse_audit_write_failures_total");
    }

    @Test
    void theReviewBacklogIsAGaugeReadFromTheDatabase() throws Exception {
        TestTenant t = TestTenant.fresh();
        String id = Changes.create(t, "author", "obs-" + UUID.randomUUID(), "Say hello.");
        Changes.ok(t, "author", id, "submit");
        String labels = "tenant=\"" + t.slug() + "\",kind=\"prompt\"";
        long deadline = System.nanoTime() + 15_000_000_000L;
        String text = MetricsScrape.text();
        while (!hasSample(text, "gatehouse_review_backlog", labels)
                && System.nanoTime() < deadline) {
            Thread.sleep(200); // the gauge is refreshed every second in the test server
            text = MetricsScrape.text();
        }
        assertThat(sample(text, "gatehouse_review_backlog", labels)).isEqualTo(1);
        assertThat(
                        sample(
                                text,
                                "gatehouse_review_backlog_oldest_seconds",
                                "tenant=\"" + t.slug() + "\""))
                .isGreaterThanOrEqualTo(0);

        Changes.ok(t, "reviewer", id, "reject");
        deadline = System.nanoTime() + 15_000_000_000L;
        while (sample(text, "gatehouse_review_backlog", labels) != 0
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            text = MetricsScrape.text();
        }
        assertThat(sample(text, "gatehouse_review_backlog", labels)).isEqualTo(0);
    }

    @Test
    void logsAreJsonWithRequestIdsAndNeverCarryKeysPromptsOrAnswers() throws Exception {
        TestTenant t = TestTenant.fresh();
        WireMockServer failing = new WireMockServer(options().dynamicPort());
        failing.start();
        String marker = "obs-secret-prompt-" + UUID.randomUUID();
        Http.Response res;
        try {
            failing.stubFor(
                    post(urlEqualTo("/v1/chat/completions"))
                            .willReturn(aResponse().withStatus(503).withBody("{}")));
            CatalogRows.provider(
                    t.id(),
                    "flaky",
                    "openai",
                    "http://localhost:" + failing.port() + "/v1",
                    "{}",
                    "m-flaky",
                    "chat");
            CatalogRows.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
            CatalogRows.route(
                    t.id(), "logged", "chat", "priority", 0, "flaky/m-flaky", "sb/sb-chat");
            res =
                    HTTP.post(
                            "/v1/chat/completions",
                            "{\"model\":\"logged\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                    + marker
                                    + "\"}]}",
                            t.keyAuth());
        } finally {
            failing.stop();
        }
        assertThat(res.status()).isEqualTo(200);
        String requestId = res.header("x-request-id");
        assertThat(requestId).startsWith("req_");

        List<JsonObject> lines = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean both = false;
        while (!both && System.nanoTime() < deadline) {
            lines = readJsonLines();
            both =
                    lines.stream().anyMatch(l -> isAppLineOf(l, requestId))
                            && lines.stream().anyMatch(l -> isAccessLineOf(l, requestId));
            if (!both) {
                Thread.sleep(200); // Liberty writes its logs asynchronously
            }
        }
        JsonObject app =
                lines.stream().filter(l -> isAppLineOf(l, requestId)).findFirst().orElseThrow();
        assertThat(app.getString("message")).contains("flaky/m-flaky: server (HTTP 503)");
        assertThat(lines.stream().anyMatch(l -> isAccessLineOf(l, requestId)))
                .as("a JSON access-log line with the request id")
                .isTrue();

        String whole = Files.readString(MESSAGES, StandardCharsets.UTF_8);
        assertThat(whole).doesNotContain(marker); // neither the prompt nor the sandbox's echo
        assertThat(whole).doesNotContain(t.apiKey());
        assertThat(whole).doesNotContain(TestTenant.demo().apiKey());
    }

    private static boolean isAppLineOf(JsonObject l, String requestId) {
        return "liberty_message".equals(l.getString("type", ""))
                && requestId.equals(l.getString("ext_requestId", ""));
    }

    private static boolean isAccessLineOf(JsonObject l, String requestId) {
        return "liberty_accesslog".equals(l.getString("type", ""))
                && l.toString().contains(requestId);
    }

    /**
     * Every line of messages.log is one JSON object (the test fails on any other line), after the
     * plain-text header block Liberty writes at the top of the file (product, Java, paths).
     */
    private static List<JsonObject> readJsonLines() throws Exception {
        List<JsonObject> out = new ArrayList<>();
        boolean header = true;
        for (String line : Files.readAllLines(MESSAGES, StandardCharsets.UTF_8)) {
            if (header && !line.startsWith("{")) {
                assertThat(line).as("Liberty's header block").matches("\\*+|[A-Za-z. ]+ = .*");
                continue;
            }
            header = false;
            if (line.isBlank()) {
                continue;
            }
            try (var r = Json.createReader(new StringReader(line))) {
                out.add(r.readObject());
            } catch (JsonParsingException e) {
                throw new AssertionError("messages.log line is not JSON: " + line, e);
            }
        }
        return out;
    }

    private static boolean hasSample(String text, String name, String labels) {
        try {
            sample(text, name, labels);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
