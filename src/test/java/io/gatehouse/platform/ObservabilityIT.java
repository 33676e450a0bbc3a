package io.gatehouse.platform;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.gatehouse.testing.PrometheusText.delta;
import static io.gatehouse.testing.PrometheusText.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.net.InetSocketAddress;
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
 * are exported, and so are time to first token, cache hits, deny matches, limiter decisions and
 * webhook deliveries with the label values the alert rules and the dashboard select; the server's
 * messages.log and console are JSON, lines of request work carry the request id, and no key, prompt
 * or answer is ever written to them.
 */
class ObservabilityIT {
    static final Http HTTP = Http.local();
    static final Path LOGS =
            Path.of(
                    System.getProperty("gatehouse.wlp.dir", "target/liberty/wlp"),
                    "usr/servers/gatehouse/logs");
    static final Path MESSAGES = LOGS.resolve("messages.log");

    /**
     * What the server writes to its console (Liberty keeps it here when started in the background).
     */
    static final Path CONSOLE = LOGS.resolve("console.log");

    @Test
    void latencyIsAHistogramAndProviderTroubleIsCountedPerTenantSlug() throws Exception {
        TestTenant t = TestTenant.fresh();
        WireMockServer failing = new WireMockServer(options().dynamicPort());
        failing.start();
        try {
            failing.stubFor(
                    post(urlEqualTo("/v1/chat/completions"))
                            .willReturn(aResponse().withStatus(503).withBody("{}")));
            CatalogFixture.provider(
                    t.id(),
                    "down",
                    "openai",
                    "http://localhost:" + failing.port() + "/v1",
                    "{\"breakerFailures\": 2}",
                    "m-down",
                    "chat");
            CatalogFixture.provider(
                    t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat,streaming");
            CatalogFixture.route(t.id(), "obs", "chat", "priority", 0, "down/m-down", "sb/sb-chat");
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

    /**
     * Time to first token: a histogram of streamed calls only, by route, as the dashboard's p95
     * panel reads it ({@code gatehouse_gateway_time_to_first_token_seconds_bucket}).
     */
    @Test
    void timeToFirstTokenIsAHistogramOfStreamedCalls() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat,streaming");
        CatalogFixture.route(t.id(), "ttft", "chat", "priority", 0, "sb/sb-chat");
        String route = "tenant=\"" + t.slug() + "\",route=\"ttft\"";
        String before = MetricsScrape.text();
        Http.Response streamed =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\"ttft\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
                        t.keyAuth());
        assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
        assertThat(streamed.body()).startsWith("data: ").endsWith("data: [DONE]\n\n");
        Http.Response plain =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\"ttft\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
                        t.keyAuth());
        assertThat(plain.status()).isEqualTo(200);
        String after = MetricsScrape.text();
        String name = "gatehouse_gateway_time_to_first_token_seconds";
        assertThat(delta(before, after, name + "_bucket", route + ",le=\"+Inf\"")).isEqualTo(1);
        assertThat(delta(before, after, name + "_count", route)).isEqualTo(1);
        assertThat(after).contains(name + "_bucket{").contains("le=\"0.005\"");
        // both requests are in the request duration
        assertThat(delta(before, after, "gatehouse_gateway_request_duration_seconds_count", route))
                .isEqualTo(2);
    }

    /** Two identical calls to a caching route: the second is a cache hit, counted by route. */
    @Test
    void cacheHitsAreCountedByRoute() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "cached", "chat", "priority", 60, "sb/sb-chat");
        String body =
                "{\"model\":\"cached\",\"messages\":[{\"role\":\"user\",\"content\":\"same question\"}]}";
        String before = MetricsScrape.text();
        Http.Response first = HTTP.post("/v1/chat/completions", body, t.keyAuth());
        Http.Response second = HTTP.post("/v1/chat/completions", body, t.keyAuth());
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(first.header("x-gatehouse-cache")).isNull();
        assertThat(second.header("x-gatehouse-cache")).isEqualTo("hit");
        String after = MetricsScrape.text();
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_gateway_cache_hits_total",
                                "tenant=\"" + t.slug() + "\",route=\"cached\""))
                .isEqualTo(1);
    }

    /**
     * A request the demo policy denies is a {@code deny} match of its rule, labelled as the policy
     * violation alert and the dashboard select it ({@code action="deny"}, {@code rule} without
     * version).
     */
    @Test
    void aDeniedRequestIsADenyMatchOfItsRule() throws Exception {
        TestTenant demo = TestTenant.demo();
        String before = MetricsScrape.text();
        Http.Response denied =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"why does AKIAIOSFODNN7EXAMPLE fail?\"}]}",
                        demo.keyAuth());
        assertThat(denied.status()).as(denied.body()).isEqualTo(403);
        String after = MetricsScrape.text();
        String deny = "tenant=\"demo\",stage=\"input\",action=\"deny\"";
        assertThat(delta(before, after, "gatehouse_policy_rule_matches_total", deny)).isEqualTo(1);
        assertThat(
                        delta(
                                before,
                                after,
                                "gatehouse_policy_rule_matches_total",
                                deny + ",/deny-credentials\""))
                .isEqualTo(1);
        assertThat(after).doesNotContain("AKIAIOSFODNN7EXAMPLE");
    }

    /** A key limited to one request a minute: the limiter counts the admitted and the refused. */
    @Test
    void limiterDecisionsAreCountedAllowedAndRefused() throws Exception {
        TestTenant demo = TestTenant.demo();
        Http.Response created =
                HTTP.post(
                        "/api/v1/keys",
                        "{\"name\":\"obs-limited\",\"rpmLimit\":1}",
                        demo.auth("admin"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String key = created.json().getString("key");
        String before = MetricsScrape.text();
        int ok = 0;
        int limited = 0;
        // three calls: even across a minute boundary at least one meets the spent limit
        for (int i = 0; i < 3; i++) {
            int status =
                    HTTP.post(
                                    "/v1/chat/completions",
                                    "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                                    "Authorization",
                                    "Bearer " + key)
                            .status();
            assertThat(status).isIn(200, 429);
            if (status == 200) {
                ok++;
            } else {
                limited++;
            }
        }
        assertThat(ok).isPositive();
        assertThat(limited).isPositive();
        String after = MetricsScrape.text();
        assertThat(delta(before, after, "gatehouse_limiter_decisions_total", "outcome=\"allowed\""))
                .isGreaterThanOrEqualTo(ok);
        assertThat(delta(before, after, "gatehouse_limiter_decisions_total", "outcome=\"refused\""))
                .isGreaterThanOrEqualTo(limited);
    }

    /**
     * One webhook endpoint that accepts and one that answers 500: the deliveries are counted by
     * outcome, {@code delivered} and {@code http_error_5xx}, the values the webhook alert divides.
     */
    @Test
    void webhookDeliveriesAreCountedByOutcome() throws Exception {
        TestTenant t = TestTenant.fresh();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/ok", ex -> answer(ex, 204));
        receiver.createContext("/fail", ex -> answer(ex, 500));
        receiver.start();
        try {
            String base = "http://localhost:" + receiver.getAddress().getPort();
            for (String path : new String[] {"/ok", "/fail"}) {
                Http.Response w =
                        HTTP.post(
                                "/api/v1/webhooks",
                                "{\"url\":\""
                                        + base
                                        + path
                                        + "\",\"secret\":\"whsec_obs-0123456789abcdef\"}",
                                t.auth("admin"));
                assertThat(w.status()).as(w.body()).isEqualTo(201);
            }
            Changes.create(t, "author", "obs-hook-" + UUID.randomUUID(), "Say hello.");
            String tenant = "tenant=\"" + t.slug() + "\"";
            String delivered = tenant + ",outcome=\"delivered\"";
            String failed = tenant + ",outcome=\"http_error_5xx\"";
            long deadline = System.nanoTime() + 30_000_000_000L;
            String text = MetricsScrape.text();
            while (!(hasSample(text, "gatehouse_webhook_deliveries_total", delivered)
                            && hasSample(text, "gatehouse_webhook_deliveries_total", failed))
                    && System.nanoTime() < deadline) {
                Thread.sleep(200); // deliveries go out after the commit, on the dispatcher
                text = MetricsScrape.text();
            }
            assertThat(sample(text, "gatehouse_webhook_deliveries_total", delivered)).isEqualTo(1);
            assertThat(sample(text, "gatehouse_webhook_deliveries_total", failed))
                    .isGreaterThanOrEqualTo(1);
            // no other outcome: the alert's outcome!="delivered" share is exactly the failures
            assertThat(
                            text.lines()
                                    .filter(
                                            l ->
                                                    l.startsWith(
                                                                    "gatehouse_webhook_deliveries_total{")
                                                            && l.contains(tenant)))
                    .allSatisfy(
                            l ->
                                    assertThat(l)
                                            .containsPattern(
                                                    "outcome=\"(delivered|http_error_5xx)\""));
        } finally {
            receiver.stop(0);
        }
    }

    private static void answer(HttpExchange ex, int status) throws java.io.IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(status, -1);
        ex.close();
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
            CatalogFixture.provider(
                    t.id(),
                    "flaky",
                    "openai",
                    "http://localhost:" + failing.port() + "/v1",
                    "{}",
                    "m-flaky",
                    "chat");
            CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
            CatalogFixture.route(
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

        // messages.log and the console (what a container platform collects) alike
        for (Path log : List.of(MESSAGES, CONSOLE)) {
            List<JsonObject> lines = new ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            boolean both = false;
            while (!both && System.nanoTime() < deadline) {
                lines = readJsonLines(log);
                both =
                        lines.stream().anyMatch(l -> isAppLineOf(l, requestId))
                                && lines.stream().anyMatch(l -> isAccessLineOf(l, requestId));
                if (!both) {
                    Thread.sleep(200); // Liberty writes its logs asynchronously
                }
            }
            JsonObject app =
                    lines.stream()
                            .filter(l -> isAppLineOf(l, requestId))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError(log + ": no line of " + requestId));
            assertThat(app.getString("message")).contains("flaky/m-flaky: server (HTTP 503)");
            assertThat(lines.stream().anyMatch(l -> isAccessLineOf(l, requestId)))
                    .as(log + ": a JSON access-log line with the request id")
                    .isTrue();

            String whole = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(whole).doesNotContain(marker); // neither the prompt nor the sandbox's echo
            assertThat(whole).doesNotContain(t.apiKey());
            assertThat(whole).doesNotContain(TestTenant.demo().apiKey());
        }
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
     * plain-text header block Liberty writes at the top of the file (product, Java, paths). On the
     * console every line Liberty writes is JSON too; the only others are the JVM's own warnings and
     * its notice of options taken from the environment ("Picked up JAVA_TOOL_OPTIONS", when a CI
     * machine sets one), which it prints to stderr before or beside Liberty's logging.
     */
    private static List<JsonObject> readJsonLines(Path log) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        boolean header = log.equals(MESSAGES);
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (header && !line.startsWith("{")) {
                assertThat(line).as("Liberty's header block").matches("\\*+|[A-Za-z. ]+ = .*");
                continue;
            }
            header = false;
            if (log.equals(CONSOLE)
                    && line.matches(
                            "(OpenJDK|Java HotSpot\\(TM\\)) .*VM warning: .*"
                                    + "|Picked up (JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS): .*")) {
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            try (var r = Json.createReader(new StringReader(line))) {
                out.add(r.readObject());
            } catch (JsonParsingException e) {
                throw new AssertionError(log.getFileName() + " line is not JSON: " + line, e);
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
