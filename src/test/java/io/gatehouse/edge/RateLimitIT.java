package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Burst;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A key limited to N requests per minute gets exactly N through, counted across two instances that
 * share the database, with OpenAI-style 429s and rate-limit headers on every answer.
 */
class RateLimitIT {
    static LibertyInstance second;

    @BeforeAll
    static void start() {
        second = LibertyInstance.start("gatehouse-limits", Map.of());
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
    }

    static final String CHAT =
            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}";

    @Test
    void aLimitOfNHoldsAcrossTwoInstances() throws Exception {
        TestTenant demo = TestTenant.demo();
        int limit = 20;
        String key =
                Http.local()
                        .post(
                                "/api/v1/keys",
                                "{\"name\":\"limited\",\"rpmLimit\":" + limit + "}",
                                demo.auth("admin"))
                        .json()
                        .getString("key");
        // do not straddle a minute boundary: the window would legitimately reset
        int second0 = LocalTime.now().getSecond();
        if (second0 > 45) {
            Thread.sleep((61 - second0) * 1000L);
        }
        int threads = 12;
        int perThread = 6;
        Http test = Http.local();
        List<Http.Response> all =
                Burst.all(
                        threads,
                        w -> perThread,
                        (w, n) ->
                                (w % 2 == 0 ? test : second.http())
                                        .post(
                                                "/v1/chat/completions",
                                                CHAT,
                                                "Authorization",
                                                "Bearer " + key));
        long ok = all.stream().filter(r -> r.status() == 200).count();
        List<Http.Response> limited = all.stream().filter(r -> r.status() == 429).toList();
        assertThat(ok + limited.size())
                .as("only 200 or 429: %s", all)
                .isEqualTo(threads * perThread);
        assertThat(ok).as("exact across instances, not up to a few below").isEqualTo(limit);
        for (Http.Response r : all) {
            assertThat(r.header("x-ratelimit-limit-requests")).isEqualTo(String.valueOf(limit));
            assertThat(r.header("x-ratelimit-remaining-requests")).matches("\\d+");
            assertThat(r.header("x-ratelimit-reset-requests")).matches("\\d+s");
            assertThat(r.header("x-ratelimit-limit-tokens")).matches("\\d+");
        }
        Http.Response first429 = limited.get(0);
        assertThat(Integer.parseInt(first429.header("Retry-After"))).isBetween(1, 60);
        assertThat(first429.json().getJsonObject("error").getString("code"))
                .isEqualTo("rate_limit_exceeded");
        assertThat(first429.json().getJsonObject("error").getString("type"))
                .isEqualTo("rate_limit_error");
    }
}
