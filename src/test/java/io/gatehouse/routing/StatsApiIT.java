package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The time-series endpoints of the dashboard (issue 22) over HTTP after real traffic in a fresh
 * tenant: gateway requests, errors, latency, tokens and cost by route, provider and model; SLA
 * adherence; policy denials by rule; budget use; reviews waiting and time to publish. Plus 401, 403
 * by role, another tenant (404, and none of its numbers), and bad periods as problem JSON.
 */
class StatsApiIT {
    static final Http HTTP = Http.local();
    static final int SERVED = 5;

    static TestTenant t;
    static TestTenant other;
    static String policy;
    static String waitingChange;
    static String period;

    @BeforeAll
    static void traffic() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(2, ChronoUnit.MINUTES);
        t = TestTenant.fresh();
        other = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        policy = "stats-" + Changes.uniquePrompt().substring(3);
        Changes.publishPolicy(t, policy, Changes.noIpPolicy());
        for (int i = 0; i < SERVED; i++) {
            Http.Response r = chat("hello " + i);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
        }
        // one error (an unknown model) and one policy denial
        assertThat(
                        HTTP.post(
                                        "/v1/chat/completions",
                                        "{\"model\":\"no-such-route\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                        t.keyAuth())
                                .status())
                .isEqualTo(404);
        Http.Response denied = chat("my server is 10.1.2.3");
        assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
        // a change left waiting for review
        waitingChange = Changes.create(t, "author", Changes.uniquePrompt(), "Waiting");
        assertThat(Changes.ok(t, "author", waitingChange, "submit")).isEqualTo("in_review");
        Changes.publishPrompt(t, Changes.uniquePrompt(), "Published");
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(2, ChronoUnit.MINUTES);
        period = "from=" + enc(start.toString()) + "&to=" + enc(end.toString()) + "&step=PT1M";
    }

    static Http.Response chat(String text) {
        return HTTP.post(
                "/v1/chat/completions",
                "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + text
                        + "\"}]}",
                t.keyAuth());
    }

    @Test
    void gatewaySeriesCountRequestsErrorsLatencyTokensAndCostByRouteProviderAndModel() {
        JsonObject byRoute = ok("/api/v1/stats/gateway?groupBy=route&" + period, "admin");
        assertThat(byRoute.getString("tenant")).isEqualTo(t.id());
        assertThat(byRoute.getString("step")).isEqualTo("PT1M");
        JsonObject sandbox = series(byRoute, "sandbox");
        List<JsonObject> points = sandbox.getJsonArray("points").getValuesAs(JsonObject.class);
        // dense: one point per minute of the period, empty minutes as zeros
        assertThat(points.size()).isGreaterThanOrEqualTo(4);
        // the denied request was routed too (policy runs before routing: no route, or sandbox)
        assertThat(sum(points, "requests")).isBetween((long) SERVED, (long) SERVED + 1);
        assertThat(sum(points, "inputTokens")).isPositive();
        assertThat(sum(points, "outputTokens")).isPositive();
        assertThat(sum(points, "costMicros")).isPositive();
        JsonObject busy =
                points.stream().filter(p -> p.getInt("requests") > 0).findFirst().orElseThrow();
        assertThat(busy.getJsonNumber("p50Ms").doubleValue()).isGreaterThanOrEqualTo(0);
        assertThat(busy.getJsonNumber("p99Ms").doubleValue())
                .isGreaterThanOrEqualTo(busy.getJsonNumber("p50Ms").doubleValue());
        JsonObject empty =
                points.stream().filter(p -> p.getInt("requests") == 0).findFirst().orElseThrow();
        assertThat(empty.get("p50Ms")).isEqualTo(JsonValue.NULL);

        JsonObject all = ok("/api/v1/stats/gateway?groupBy=none&" + period, "auditor");
        List<JsonObject> allPoints =
                series(all, "all").getJsonArray("points").getValuesAs(JsonObject.class);
        // every request of the tenant: the served ones, the unknown model, the denial
        assertThat(sum(allPoints, "requests")).isEqualTo(SERVED + 2);
        assertThat(sum(allPoints, "errors")).isEqualTo(2);

        assertThat(
                        sum(
                                series(
                                                ok(
                                                        "/api/v1/stats/gateway?groupBy=provider&"
                                                                + period,
                                                        "admin"),
                                                "sb")
                                        .getJsonArray("points")
                                        .getValuesAs(JsonObject.class),
                                "requests"))
                .isEqualTo(SERVED);
        assertThat(
                        sum(
                                series(
                                                ok(
                                                        "/api/v1/stats/gateway?groupBy=model&"
                                                                + period,
                                                        "admin"),
                                                "sb-chat")
                                        .getJsonArray("points")
                                        .getValuesAs(JsonObject.class),
                                "requests"))
                .isEqualTo(SERVED);
    }

    @Test
    void slaAdherenceOfARouteCountsRequestsWithinTheObjective() {
        JsonObject sla = ok("/api/v1/stats/sla?" + period, "auditor");
        assertThat(sla.getJsonNumber("objectiveMs").longValue()).isEqualTo(2000);
        JsonObject route =
                sla.getJsonArray("routes").getValuesAs(JsonObject.class).stream()
                        .filter(r -> r.getString("route").equals("sandbox"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(sla.toString()));
        long requests = route.getJsonNumber("requests").longValue();
        assertThat(requests).isGreaterThanOrEqualTo(SERVED);
        // the sandbox answers in milliseconds: everything answered is within 2 s
        assertThat(route.getJsonNumber("withinObjective").longValue()).isEqualTo(requests);
        assertThat(route.getJsonNumber("adherence").doubleValue()).isEqualTo(1.0);
    }

    @Test
    void policyDenialsAreCountedByRule() {
        JsonObject stats = ok("/api/v1/stats/policy?" + period, "admin");
        JsonObject rule =
                stats.getJsonArray("rules").getValuesAs(JsonObject.class).stream()
                        .filter(r -> r.getString("rule").equals(policy + "@v1/no-ip"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(stats.toString()));
        assertThat(rule.getString("effect")).isEqualTo("deny");
        assertThat(rule.getJsonNumber("total").longValue()).isEqualTo(1);
        assertThat(stats.getJsonObject("totals").getJsonNumber("deny").longValue()).isEqualTo(1);
    }

    @Test
    void budgetUseIsReadAgainstTheLimits() {
        JsonObject b = ok("/api/v1/stats/budget", "admin");
        assertThat(b.getJsonObject("daily").getJsonNumber("spentMicros").longValue()).isPositive();
        assertThat(b.getJsonObject("monthly").getJsonNumber("spentMicros").longValue())
                .isGreaterThanOrEqualTo(
                        b.getJsonObject("daily").getJsonNumber("spentMicros").longValue());
        assertThat(b.getJsonObject("daily").get("limitMicros")).isEqualTo(JsonValue.NULL);
    }

    @Test
    void reviewsWaitingWithTheirAgeAndTimeFromSubmitToPublish() {
        JsonObject q = ok("/api/v1/stats/reviews", "reviewer");
        assertThat(q.getJsonNumber("waiting").longValue()).isEqualTo(1);
        JsonObject c = q.getJsonArray("changes").getJsonObject(0);
        assertThat(c.getString("id")).isEqualTo(waitingChange);
        assertThat(c.getString("kind")).isEqualTo("prompt");
        assertThat(c.getString("author")).isEqualTo(t.username("author"));
        assertThat(c.getJsonNumber("ageSeconds").longValue()).isGreaterThanOrEqualTo(0);
        assertThat(q.getJsonArray("byKind").getJsonObject(0).getJsonNumber("waiting").longValue())
                .isEqualTo(1);

        JsonObject ttp = ok("/api/v1/stats/reviews/time-to-publish?" + period, "auditor");
        List<JsonObject> kinds = ttp.getJsonArray("kinds").getValuesAs(JsonObject.class);
        // the prompt and the policy published in the set-up
        assertThat(kinds).extracting(k -> k.getString("kind")).contains("prompt", "policy");
        JsonObject prompt =
                kinds.stream()
                        .filter(k -> k.getString("kind").equals("prompt"))
                        .findFirst()
                        .orElseThrow();
        assertThat(prompt.getJsonNumber("published").longValue()).isEqualTo(1);
        JsonObject point =
                prompt.getJsonArray("points").getValuesAs(JsonObject.class).stream()
                        .filter(p -> p.getInt("published") == 1)
                        .findFirst()
                        .orElseThrow();
        assertThat(point.getJsonNumber("p50Seconds").doubleValue()).isBetween(0.0, 600.0);
    }

    static final List<String> PATHS =
            List.of(
                    "/api/v1/stats/gateway",
                    "/api/v1/stats/sla",
                    "/api/v1/stats/budget",
                    "/api/v1/stats/breakers",
                    "/api/v1/stats/policy",
                    "/api/v1/stats/reviews",
                    "/api/v1/stats/reviews/time-to-publish");

    @Test
    void withoutCredentialsItIs401AndWithoutTheRoleItIs403() {
        for (String p : PATHS) {
            Http.Response anon = HTTP.get(p);
            assertThat(anon.status()).as(p).isEqualTo(401);
            assertThat(anon.header("Content-Type")).as(p).startsWith("application/problem+json");
            Http.Response author = HTTP.get(p, t.auth("author"));
            assertThat(author.status()).as(p).isEqualTo(403);
            assertThat(author.header("Content-Type")).as(p).startsWith("application/problem+json");
        }
        // reviewers see the review queue only
        assertThat(HTTP.get("/api/v1/stats/gateway", t.auth("reviewer")).status()).isEqualTo(403);
    }

    @Test
    void anotherTenantsNumbersAreNeverVisible() {
        for (String p : PATHS) {
            String q = p + "?tenant=" + t.id();
            Http.Response r = HTTP.get(q, other.auth("admin"));
            assertThat(r.status()).as(q).isEqualTo(404);
            assertThat(r.body()).as(q).doesNotContain("sandbox");
        }
        // the other tenant's own series hold nothing of this tenant's traffic
        JsonObject mine = ok(other, "/api/v1/stats/gateway?groupBy=none&" + period, "admin");
        assertThat(mine.getString("tenant")).isEqualTo(other.id());
        assertThat(mine.getJsonArray("series")).isEmpty();
        assertThat(ok(other, "/api/v1/stats/reviews", "admin").getJsonNumber("waiting").longValue())
                .isZero();
        // a platform admin names the tenant
        Http.Response admin =
                HTTP.get(
                        "/api/v1/stats/gateway?groupBy=none&tenant=" + t.id() + "&" + period,
                        "Authorization",
                        "Bearer " + platformToken());
        assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
        assertThat(
                        sum(
                                series(admin.json(), "all")
                                        .getJsonArray("points")
                                        .getValuesAs(JsonObject.class),
                                "requests"))
                .isEqualTo(SERVED + 2);
    }

    @Test
    void badPeriodsAndStepsAreProblemJson() {
        String day = "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z";
        bad("/api/v1/stats/gateway?" + day + "&step=PT1S", "step", "invalid_request");
        bad("/api/v1/stats/gateway?" + day + "&step=often", "step", "invalid_request");
        bad("/api/v1/stats/sla?" + day + "&step=P32D", "step", "invalid_request");
        bad(
                "/api/v1/stats/policy?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&step=PT1M",
                "step",
                "too_many_buckets");
        bad(
                "/api/v1/stats/reviews/time-to-publish?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                "from",
                "invalid_request");
        bad("/api/v1/stats/gateway?from=yesterday", "from", "invalid_request");
        // years in weeks are few buckets, but too long a period to scan
        bad(
                "/api/v1/stats/gateway?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&step=P7D",
                "from",
                "period_too_long");
        bad(
                "/api/v1/stats/reviews/time-to-publish?from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z&step=P31D",
                "from",
                "period_too_long");
        bad("/api/v1/stats/gateway?groupBy=key", "groupBy", "invalid_request");
    }

    /**
     * Breaker rows name the platform's instances (host or pod names): a platform admin sees them, a
     * tenant's admin and auditor see the same states under numbered instances.
     */
    @Test
    void onlyAPlatformAdminSeesInstanceNames() throws Exception {
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
        String alpha = "it-host-alpha-" + suffix;
        String beta = "it-host-beta-" + suffix;
        java.util.UUID provider = java.util.UUID.randomUUID();
        try (java.sql.Connection c = Db.asOwner();
                java.sql.PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO routing_breaker_states (instance, provider_id, tenant_id,"
                                        + " provider, state, open_ms, changed_at) VALUES (?, ?, ?::uuid,"
                                        + " 'sb', ?, 600000, now())")) {
            for (String[] row : new String[][] {{alpha, "open"}, {beta, "closed"}}) {
                ps.setString(1, row[0]);
                ps.setObject(2, provider);
                ps.setString(3, t.id());
                ps.setString(4, row[1]);
                ps.executeUpdate();
            }
        }
        for (String role : List.of("admin", "auditor")) {
            Http.Response r = HTTP.get("/api/v1/stats/breakers", t.auth(role));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.body()).as(role).doesNotContain(alpha).doesNotContain(beta);
            assertThat(r.json().getBoolean("instancesNamed")).isFalse();
            List<JsonObject> sb =
                    r.json().getJsonArray("breakers").getValuesAs(JsonObject.class).stream()
                            .filter(b -> b.getString("provider").equals("sb"))
                            .toList();
            assertThat(sb).extracting(b -> b.getString("state")).contains("open", "closed");
            assertThat(sb)
                    .extracting(b -> b.getString("instance"))
                    .allMatch(i -> i.matches("instance-[0-9]+"))
                    .doesNotHaveDuplicates();
        }
        Http.Response platform =
                HTTP.get(
                        "/api/v1/stats/breakers?tenant=" + t.id(),
                        "Authorization",
                        "Bearer " + platformToken());
        assertThat(platform.status()).as(platform.toString()).isEqualTo(200);
        assertThat(platform.json().getBoolean("instancesNamed")).isTrue();
        assertThat(platform.body()).contains(alpha).contains(beta);
    }

    /**
     * A statistics query that runs out of time is cancelled and answers 503 problem JSON: here the
     * query waits behind a lock this test holds, through plain JDBC (breakers) and through JPA
     * (time to publish), each longer than the 10 s limit (gatehouse.stats.query-timeout-seconds).
     */
    @Test
    void aStatisticsQueryThatRunsOutOfTimeIs503NotAHangOrA500() throws Exception {
        for (String[] c :
                new String[][] {
                    {"routing_breaker_states", "/api/v1/stats/breakers"},
                    {"governance_changes", "/api/v1/stats/reviews/time-to-publish?" + period}
                }) {
            try (java.sql.Connection lock = Db.asOwner()) {
                lock.setAutoCommit(false);
                try (java.sql.Statement st = lock.createStatement()) {
                    st.execute("LOCK TABLE " + c[0] + " IN ACCESS EXCLUSIVE MODE");
                }
                long started = System.nanoTime();
                Http.Response r = HTTP.get(c[1], t.auth("admin"));
                long seconds = (System.nanoTime() - started) / 1_000_000_000L;
                lock.rollback();
                assertThat(r.status()).as(c[1] + " " + r.body()).isEqualTo(503);
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                assertThat(r.body()).contains("stats_timeout").doesNotContain("Exception");
                assertThat(seconds).as("cancelled at the limit").isBetween(9L, 30L);
            }
        }
        // and the same queries answer once nothing holds them up
        assertThat(HTTP.get("/api/v1/stats/breakers", t.auth("admin")).status()).isEqualTo(200);
    }

    /**
     * The usage reports and the budget run under the same time limit as the statistics (503
     * stats_timeout: problem JSON on /api, OpenAI's error object on /v1) and the usage reports
     * under the same period cap (400 period_too_long naming from, on /v1 as param).
     */
    @Test
    void usageAndBudgetHaveTheStatisticsTimeoutAndPeriodCap() throws Exception {
        String tooLong = "?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z";
        bad("/api/v1/usage" + tooLong, "from", "period_too_long");
        Http.Response v1 = HTTP.get("/v1/usage" + tooLong, t.keyAuth());
        assertThat(v1.status()).as(v1.toString()).isEqualTo(400);
        JsonObject err = v1.json().getJsonObject("error");
        assertThat(err.getString("code")).isEqualTo("period_too_long");
        assertThat(err.getString("param")).isEqualTo("from");

        for (String[] c :
                new String[][] {
                    {"/api/v1/usage", "admin"},
                    {"/api/v1/stats/budget", "auditor"},
                    {"/v1/usage", null}
                }) {
            try (java.sql.Connection lock = Db.asOwner()) {
                lock.setAutoCommit(false);
                try (java.sql.Statement st = lock.createStatement()) {
                    st.execute("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE");
                }
                long started = System.nanoTime();
                Http.Response r = HTTP.get(c[0], c[1] == null ? t.keyAuth() : t.auth(c[1]));
                long seconds = (System.nanoTime() - started) / 1_000_000_000L;
                lock.rollback();
                assertThat(r.status()).as(c[0] + " " + r.body()).isEqualTo(503);
                assertThat(r.body()).contains("stats_timeout").doesNotContain("Exception");
                if (c[1] == null) {
                    assertThat(r.json().getJsonObject("error").getString("code"))
                            .isEqualTo("stats_timeout");
                } else {
                    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                }
                assertThat(seconds).as("cancelled at the limit").isBetween(9L, 30L);
            }
        }
        assertThat(HTTP.get("/api/v1/usage", t.auth("admin")).status()).isEqualTo(200);
        assertThat(HTTP.get("/v1/usage", t.keyAuth()).status()).isEqualTo(200);
    }

    private static void bad(String path, String param, String code) {
        Http.Response r = HTTP.get(path, t.auth("admin"));
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).as(path).startsWith("application/problem+json");
        assertThat(r.body()).as(path).doesNotContain("Exception").contains(code).contains(param);
    }

    private static JsonObject ok(String path, String role) {
        return ok(t, path, role);
    }

    private static JsonObject ok(TestTenant tenant, String path, String role) {
        Http.Response r = HTTP.get(path, tenant.auth(role));
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonObject series(JsonObject stats, String group) {
        return stats.getJsonArray("series").getValuesAs(JsonObject.class).stream()
                .filter(s -> s.getString("group").equals(group))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no series " + group + " in " + stats));
    }

    private static long sum(List<JsonObject> points, String field) {
        return points.stream()
                .map(p -> p.get(field))
                .filter(v -> v instanceof JsonNumber)
                .mapToLong(v -> ((JsonNumber) v).longValue())
                .sum();
    }

    private static String platformToken() {
        return TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
