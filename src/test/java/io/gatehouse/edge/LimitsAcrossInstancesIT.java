package io.gatehouse.edge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Burst;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Limits are exact across two instances on one real PostgreSQL: with a limit of N, exactly N
 * requests get through in total, the rest get 429 with Retry-After and never reach the provider.
 *
 * <p>The load is deliberately uneven: a few requests at the test server, many at the second
 * instance. The few lease a slice of the quota and leave most of it unused; a limiter that strands
 * that unused slice refuses on the busy instance before N are admitted.
 *
 * <p>Tokens and cost use a stand-in provider with fixed usage. The request is "count me" with
 * max_tokens 91: the gateway estimates 9 input tokens (TokenEstimate.ofMessages) plus 91 output, so
 * it reserves 100 tokens, and the provider reports exactly 9 + 91; at 2 and 8 currency units per
 * million tokens it costs 746 micros. Rule: a request is admitted only if what it reserves fits in
 * what is left after finished requests' real usage and in-flight requests' reservations.
 */
class LimitsAcrossInstancesIT {
    static final String CHAT =
            "{\"model\":\"fixed\",\"max_tokens\":91,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}";
    static final String ANSWER =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"counted\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":91,\"total_tokens\":100}}";
    static final long TOKENS_PER_REQUEST = 100;
    static final long COST_PER_REQUEST = 746; // (9 * 2,000,000 + 91 * 8,000,000) / 1e6

    static LibertyInstance second;
    static WireMockServer provider;

    @BeforeAll
    static void start() {
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
        second = LibertyInstance.start("gatehouse-limits-exact", Map.of());
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (provider != null) {
            provider.stop();
        }
    }

    @Test
    void requestsPerMinutePerKeyAdmitExactlyTheLimitAcrossTwoInstances() throws Exception {
        TestTenant t = tenantWithFixedProvider("rpm");
        int limit = 100;
        String key =
                Http.local()
                        .post(
                                "/api/v1/keys",
                                "{\"name\":\"rpm\",\"rpmLimit\":" + limit + "}",
                                t.auth("admin"))
                        .json()
                        .getString("key");
        List<Http.Response> all = fire(key, 3, 1, 10, 16);

        assertOnly200Or429(all);
        assertThat(admitted(all)).as("admitted across both instances").isEqualTo(limit);
        assertThat(calls("rpm")).as("only admitted requests reach the provider").isEqualTo(limit);
        for (Http.Response r : refused(all)) {
            assertThat(r.json().getJsonObject("error").getString("code"))
                    .isEqualTo("rate_limit_exceeded");
            assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 60);
            assertThat(r.header("x-ratelimit-limit-requests")).isEqualTo(String.valueOf(limit));
        }
    }

    @Test
    void tokensPerMinutePerKeyAdmitExactlyWhatFitsAcrossTwoInstances() throws Exception {
        TestTenant t = tenantWithFixedProvider("tpm");
        // 10 requests of 100 tokens fit; the 11th would cross 1050 and is refused
        long limit = 10 * TOKENS_PER_REQUEST + 50;
        String key =
                Http.local()
                        .post(
                                "/api/v1/keys",
                                "{\"name\":\"tpm\",\"tpmLimit\":" + limit + "}",
                                t.auth("admin"))
                        .json()
                        .getString("key");
        List<Http.Response> all = fire(key, 2, 1, 10, 3);

        assertOnly200Or429(all);
        assertThat(admitted(all)).as("admitted across both instances").isEqualTo(10);
        assertThat(calls("tpm")).isEqualTo(10);
        JsonObject totals =
                Http.local().get("/api/v1/usage", t.auth("admin")).json().getJsonObject("totals");
        assertThat(
                        totals.getJsonNumber("inputTokens").longValue()
                                + totals.getJsonNumber("outputTokens").longValue())
                .as("tokens charged")
                .isEqualTo(10 * TOKENS_PER_REQUEST)
                .isLessThanOrEqualTo(limit);
        for (Http.Response r : refused(all)) {
            assertThat(r.json().getJsonObject("error").getString("code"))
                    .isEqualTo("rate_limit_exceeded");
            assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 60);
        }
    }

    @Test
    void aMonthlyBudgetAdmitsExactlyWhatFitsAcrossTwoInstances() throws Exception {
        TestTenant t = tenantWithFixedProvider("budget");
        // 10 requests of 746 micros fit; the 11th would cross the budget and is refused
        long budget = 10 * COST_PER_REQUEST + 500;
        assertThat(
                        Http.local()
                                .method(
                                        "PUT",
                                        "/api/v1/limits",
                                        "{\"monthlyBudgetMicros\":" + budget + "}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(200);
        // both instances hold the new budget (the second drops its cached limits through the
        // change feed): their usage answers read the same cache the limiter does
        for (Http instance : List.of(Http.local(), second.http())) {
            awaitMonthlyBudget(instance, t, budget);
        }
        List<Http.Response> all = fire(t.apiKey(), 2, 1, 10, 3);

        assertOnly200Or429(all);
        assertThat(admitted(all)).as("admitted across both instances").isEqualTo(10);
        assertThat(calls("budget")).isEqualTo(10);
        JsonObject monthly =
                Http.local()
                        .get("/api/v1/usage", t.auth("admin"))
                        .json()
                        .getJsonObject("budget")
                        .getJsonObject("monthly");
        assertThat(monthly.getJsonNumber("spentMicros").longValue())
                .isEqualTo(10 * COST_PER_REQUEST)
                .isLessThanOrEqualTo(budget);
        for (Http.Response r : refused(all)) {
            assertThat(r.json().getJsonObject("error").getString("code"))
                    .isEqualTo("insufficient_quota");
            assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 32L * 86_400);
        }
    }

    @Test
    void aCleanlyStoppedInstanceGivesBackItsSlice() throws Exception {
        TestTenant t = tenantWithFixedProvider("stop");
        int limit = 100;
        String key =
                Http.local()
                        .post(
                                "/api/v1/keys",
                                "{\"name\":\"stop\",\"rpmLimit\":" + limit + "}",
                                t.auth("admin"))
                        .json()
                        .getString("key");
        long minute;
        try (LibertyInstance third = LibertyInstance.start("gatehouse-limits-stop", Map.of())) {
            third.awaitReady(Duration.ofSeconds(120));
            // the stop and the burst below must fall into this minute
            if (LocalTime.now().getSecond() > 10) {
                Thread.sleep((61 - LocalTime.now().getSecond()) * 1000L);
            }
            minute = System.currentTimeMillis() / 60_000;
            // one request leases a slice of 10 on the third instance and uses 1
            assertThat(
                            third.http()
                                    .post(
                                            "/v1/chat/completions",
                                            CHAT,
                                            "Authorization",
                                            "Bearer " + key)
                                    .status())
                    .isEqualTo(200);
        } // a clean stop: the 9 unused go back
        List<Http.Response> all = fireAt(Http.local(), key, 8, 15);
        assertThat(System.currentTimeMillis() / 60_000)
                .as("still the same minute window")
                .isEqualTo(minute);

        assertOnly200Or429(all);
        assertThat(admitted(all))
                .as("all the limit but the stopped instance's one")
                .isEqualTo(limit - 1);
        assertThat(calls("stop")).isEqualTo(limit);
    }

    /** A fresh tenant whose route "fixed" goes to a stand-in provider with fixed usage. */
    private static TestTenant tenantWithFixedProvider(String name) throws Exception {
        provider.stubFor(
                post(urlEqualTo("/" + name + "/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(ANSWER)));
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "fixed",
                "openai",
                "http://localhost:" + provider.port() + "/" + name + "/v1",
                "{}",
                "fixed-chat",
                "chat,streaming");
        CatalogFixture.route(t.id(), "fixed", "chat", "priority", 0, "fixed/fixed-chat");
        return t;
    }

    /**
     * Fires at both instances at once (start barrier): {@code fewThreads} threads send {@code
     * fewEach} requests to the test server, {@code manyThreads} threads send {@code manyEach} to
     * the second instance. All within one minute window.
     */
    private static List<Http.Response> fire(
            String key, int fewThreads, int fewEach, int manyThreads, int manyEach)
            throws Exception {
        int second0 = LocalTime.now().getSecond();
        if (second0 > 40) {
            Thread.sleep((61 - second0) * 1000L);
        }
        Http test = Http.local();
        return Burst.all(
                fewThreads + manyThreads,
                w -> w < fewThreads ? fewEach : manyEach,
                (w, n) ->
                        (w < fewThreads ? test : second.http())
                                .post(
                                        "/v1/chat/completions",
                                        CHAT,
                                        "Authorization",
                                        "Bearer " + key));
    }

    /** {@code threads} threads send {@code each} requests to {@code target} at once. */
    private static List<Http.Response> fireAt(Http target, String key, int threads, int each)
            throws Exception {
        return Burst.all(
                threads,
                w -> each,
                (w, n) ->
                        target.post(
                                "/v1/chat/completions", CHAT, "Authorization", "Bearer " + key));
    }

    private static void assertOnly200Or429(List<Http.Response> all) {
        assertThat(all)
                .as("only 200 or 429")
                .allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(200, 429));
    }

    private static long admitted(List<Http.Response> all) {
        return all.stream().filter(r -> r.status() == 200).count();
    }

    private static List<Http.Response> refused(List<Http.Response> all) {
        List<Http.Response> r = all.stream().filter(x -> x.status() == 429).toList();
        assertThat(r).as("some requests are refused").isNotEmpty();
        return r;
    }

    private static int calls(String name) {
        return provider.countRequestsMatching(
                        postRequestedFor(urlEqualTo("/" + name + "/v1/chat/completions")).build())
                .getCount();
    }

    /** Polls the instance's usage answer until it shows {@code micros} as the monthly budget. */
    private static void awaitMonthlyBudget(Http instance, TestTenant t, long micros)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            Http.Response r = instance.get("/api/v1/usage", t.auth("admin"));
            JsonObject monthly =
                    r.status() == 200
                            ? r.json().getJsonObject("budget").getJsonObject("monthly")
                            : null;
            if (monthly != null
                    && !monthly.isNull("limitMicros")
                    && monthly.getJsonNumber("limitMicros").longValue() == micros) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the monthly budget never reached the instance: " + r);
            }
            Thread.sleep(50); // poll interval, not the time under test
        }
    }
}
