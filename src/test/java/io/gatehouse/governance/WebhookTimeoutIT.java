package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static io.gatehouse.testing.Changes.create;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook receiver that answers its headers and then withholds the body: the HTTP client's own
 * timeout has ended with the headers, so only the sender's Fault Tolerance timeout ({@code
 * WebhookSender.post}, 15 s) stops the attempt. The delivery is marked {@code timeout} and stays
 * pending; the outbox retries it on its durable schedule and the next attempt delivers it.
 */
class WebhookTimeoutIT {
    HttpServer server;
    ExecutorService threads;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger attempts = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext(
                "/slow-body",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    if (attempts.incrementAndGet() == 1) {
                        ex.sendResponseHeaders(200, 0); // chunked: the body is still to come
                        OutputStream body = ex.getResponseBody();
                        body.write("{\"ok\":".getBytes(StandardCharsets.UTF_8));
                        body.flush();
                        try {
                            release.await(120, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    } else {
                        ex.sendResponseHeaders(204, -1);
                    }
                    ex.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    static JsonObject awaitDelivery(
            TestTenant t, String webhookId, Predicate<JsonObject> done, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonObject last = null;
        do {
            JsonArray data =
                    HTTP.get("/api/v1/webhooks/" + webhookId + "/deliveries", t.auth("admin"))
                            .json()
                            .getJsonArray("data");
            if (!data.isEmpty()) {
                last = data.getJsonObject(0);
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        return last;
    }

    /** {@code WebhookSender.post} attempts that Fault Tolerance's timeout ended. */
    static double ftTimeouts() {
        return MetricsScrape.text()
                .lines()
                .filter(l -> l.startsWith("ft_timeout_calls_total{"))
                .filter(
                        l ->
                                l.contains(
                                        "method=\"io.gatehouse.governance.internal.WebhookSender.post\""))
                .filter(l -> l.contains("timedOut=\"true\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void aReceiverWithholdingItsBodyTimesOutAndTheOutboxRetriesLater() throws Exception {
        TestTenant t = TestTenant.fresh();
        var w =
                HTTP.post(
                        "/api/v1/webhooks",
                        "{\"url\":\"http://localhost:"
                                + server.getAddress().getPort()
                                + "/slow-body\"}",
                        t.auth("admin"));
        assertThat(w.status()).isEqualTo(201);
        String id = w.json().getString("id");
        double timeoutsBefore = ftTimeouts();
        long start = System.currentTimeMillis();
        create(t, "author", Changes.uniquePrompt(), "Slow receiver");

        JsonObject first = awaitDelivery(t, id, d -> d.getInt("attempts") >= 1, 30_000);
        long ms = System.currentTimeMillis() - start;
        assertThat(first).as("an attempt was recorded").isNotNull();
        assertThat(first.getInt("attempts")).as("after %d ms: %s", ms, first).isEqualTo(1);
        assertThat(first.getString("lastOutcome")).isEqualTo("timeout");
        assertThat(first.getString("status"))
                .as("retried later, not given up")
                .isEqualTo("pending");
        // ended by the 15 s Fault Tolerance timeout, not by the HTTP client's own 10 s one (which
        // also records "timeout")
        assertThat(ms).as("the attempt ended by the 15 s timeout").isBetween(14_000L, 25_000L);
        assertThat(ftTimeouts()).as("WebhookSender.post timed out").isGreaterThan(timeoutsBefore);

        JsonObject delivered =
                awaitDelivery(t, id, d -> d.getString("status").equals("delivered"), 30_000);
        assertThat(delivered.getString("status")).as(delivered.toString()).isEqualTo("delivered");
        assertThat(delivered.getInt("attempts")).isEqualTo(2);
        assertThat(attempts.get()).isEqualTo(2);
    }
}
