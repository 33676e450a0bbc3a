package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 2: two approved changes to one target, both based on what is live, published at the
 * same moment on two instances (behind a start barrier, repeated). Exactly one goes live; the other
 * gets 409 {@code rebase_required}, stays approved, and the target has one published change.
 */
class ConcurrentPublishIT {
    static final int ROUNDS = 6;
    static LibertyInstance second;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        second = LibertyInstance.start("gatehouse-gov-publish", Map.of());
        second.awaitReady(Duration.ofSeconds(120));
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (second != null) {
            second.close();
        }
    }

    static String provider(int timeoutMs) {
        return "{\"kind\":\"openai\",\"baseUrl\":\"https://api.openai.example/v1\",\"region\":\"us-east\","
                + "\"timeoutMs\":"
                + timeoutMs
                + ",\"models\":[{\"name\":\"m1\"}]}";
    }

    static String createProvider(TestTenant t, String name, int timeoutMs) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        "{\"kind\":\"provider\",\"target\":\""
                                + name
                                + "\",\"content\":"
                                + provider(timeoutMs)
                                + "}",
                        t.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().getString("id");
    }

    /** Submits and approves until approved (one or two reviewers, as its risk needs). */
    static void approve(TestTenant t, String id) {
        Changes.ok(t, "author", id, "submit");
        if (Changes.ok(t, "reviewer", id, "approve").equals("in_review")) {
            assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        }
    }

    static String dbString(String sql, String... args) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void twoProviderChangesPublishedAtOnceOnTwoInstancesExactlyOneWins() throws Exception {
        TestTenant t = TestTenant.fresh();
        String name = "it-race-" + UUID.randomUUID().toString().substring(0, 8);
        String base = createProvider(t, name, 30_000);
        approve(t, base);
        assertThat(Changes.ok(t, "admin", base, "publish")).isEqualTo("published");
        race(
                t,
                "provider",
                name,
                round -> createProvider(t, name, 1_000 + round),
                () ->
                        dbString(
                                "SELECT version FROM routing_providers WHERE tenant_id = ?::uuid AND name = ?",
                                t.id(),
                                name));
    }

    @Test
    void twoPromptChangesPublishedAtOnceOnTwoInstancesExactlyOneWins() throws Exception {
        TestTenant t = TestTenant.fresh();
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(t, name, "Base");
        race(
                t,
                "prompt",
                name,
                round ->
                        Changes.create(
                                t, "author", name, "Round " + round + " " + UUID.randomUUID()),
                () ->
                        dbString(
                                "SELECT live_version::text FROM prompts_prompts WHERE tenant_id = ?::uuid AND name = ?",
                                t.id(),
                                name));
    }

    /**
     * docs/governance.md, "Cache and invalidation across instances": another instance's cached
     * label (including "no such prompt") is dropped within about a second of a publish or rollback
     * made on this instance; its very next requests serve the new version.
     */
    @Test
    void aPublishOrRollbackOnOneInstanceReachesTheOtherInstancesCacheWithinSeconds()
            throws Exception {
        TestTenant demo = TestTenant.demo();
        String name = Changes.uniquePrompt();
        Http other = second.http();
        assertThat(servedVersion(other, demo, name)).as("cached as missing").isEqualTo("404");
        String v1 = Changes.publishPrompt(demo, name, "First");
        assertThat(secondsUntil(other, demo, name, name + "/v1")).isLessThan(3.0);
        Changes.publishPrompt(demo, name, "Second");
        assertThat(secondsUntil(other, demo, name, name + "/v2")).isLessThan(3.0);
        Http.Response rb = Changes.act(demo, "admin", v1, "rollback");
        assertThat(rb.status()).as(rb.toString()).isEqualTo(201);
        assertThat(secondsUntil(other, demo, name, name + "/v1")).isLessThan(3.0);
    }

    /** The prompt version the instance serves, or the status when it serves none. */
    private static String servedVersion(Http on, TestTenant t, String name) {
        Http.Response r =
                on.post(
                        "/v1/chat/completions",
                        "{\"model\":\"prompt:"
                                + name
                                + "@production\",\"prompt_variables\":{\"product\":\"Acme\"},"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        t.keyAuth());
        return r.status() == 200
                ? r.header("x-gatehouse-prompt-version")
                : String.valueOf(r.status());
    }

    private static double secondsUntil(Http on, TestTenant t, String name, String version)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(10).toNanos();
        String seen = servedVersion(on, t, name);
        while (!version.equals(seen) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = servedVersion(on, t, name);
        }
        assertThat(seen).as("served by the other instance").isEqualTo(version);
        return (System.nanoTime() - start) / 1e9;
    }

    interface LiveVersion {
        String read() throws Exception;
    }

    /**
     * Each round: two changes based on the live version, approved, then published at once, one on
     * each instance. Exactly one 200, one 409 rebase_required; one published change of the target.
     */
    private void race(
            TestTenant t,
            String kind,
            String target,
            Function<Integer, String> create,
            LiveVersion live)
            throws Exception {
        Http[] instances = {Http.local(), second.http()};
        for (int round = 0; round < ROUNDS; round++) {
            String liveBefore = live.read();
            String[] ids = {create.apply(round), create.apply(round)};
            for (String id : ids) {
                approve(t, id);
                assertThat(Changes.get(t, id).getString("baseVersion"))
                        .as("based on what is live")
                        .isEqualTo(liveBefore);
            }
            CyclicBarrier start = new CyclicBarrier(2);
            Future<?>[] calls = new Future<?>[2];
            for (int i = 0; i < 2; i++) {
                Http on = instances[i];
                String id = ids[i];
                calls[i] =
                        pool.submit(
                                () -> {
                                    start.await();
                                    return on.post(
                                            "/api/v1/changes/" + id + "/publish",
                                            "{}",
                                            t.auth("admin"));
                                });
            }
            Http.Response a = (Http.Response) calls[0].get();
            Http.Response b = (Http.Response) calls[1].get();
            assertThat(List.of(a.status(), b.status()))
                    .as("round %d: %s / %s", round, a, b)
                    .containsExactlyInAnyOrder(200, 409);
            int winner = a.status() == 200 ? 0 : 1;
            Http.Response lost = winner == 0 ? b : a;
            assertThat(lost.json().getString("code"))
                    .as(lost.toString())
                    .isEqualTo("rebase_required");
            String won = ids[winner];
            String loser = ids[1 - winner];
            assertThat(Changes.get(t, loser).getString("state")).isEqualTo("approved");
            List<String> published =
                    HTTP
                            .get(
                                    "/api/v1/changes?kind="
                                            + kind
                                            + "&target="
                                            + target
                                            + "&state=published",
                                    t.auth("admin"))
                            .json()
                            .getJsonArray("data")
                            .stream()
                            .map(v -> ((JsonObject) v).getString("id"))
                            .toList();
            assertThat(published).as("round %d", round).containsExactly(won);
            String liveAfter = live.read();
            assertThat(liveAfter).isEqualTo(Changes.get(t, won).getString("publishedVersion"));
            assertThat(Changes.auditActions("change", loser)).doesNotContain("change.publish");
            // the next round's changes are created here: wait until this instance's cache shows the
            // winner
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!liveAfter.equals(Changes.get(t, won).getString("liveVersion", null))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
    }
}
