package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under load, as Kubernetes stops a pod: readiness turns DOWN while the server still serves
 * for the shutdown delay, then new requests get the structured 503 {@code shutting_down} while the
 * requests already inside are answered (the provider call, the audit commit) rather than cut, and
 * every request that got a 2xx answer has its audit event in the tenant's chain, which still
 * verifies. With {@code server stop}, audit events still queued for the group-commit writer when
 * the application stops are committed before it exits.
 */
class ShutdownDrainIT {
    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"slow\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
    static final int CLIENTS = 12;
    static HttpServer provider;
    static final AtomicInteger providerInFlight = new AtomicInteger();
    static final AtomicInteger providerAnswered = new AtomicInteger();

    /** One chat call: its status, request id, body if not 2xx, when it ended. */
    record Outcome(int status, String requestId, String error, String body, long endNanos) {
        Outcome(int status, String requestId, String error) {
            this(status, requestId, error, null, System.nanoTime());
        }
    }

    /** A probe's answer while the server stops: 0 and the exception's name when none came. */
    record Probe(long atNanos, int status, String contentType, String body) {}

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.stop(0);
        }
    }

    @Test
    void sigtermUnderLoadTurnsReadinessDownKeepsServingThenDrainsAndLosesNoAuditEvent()
            throws Exception {
        // a provider that takes 1.2 s per answer, so that requests are inside the server at the
        // stop
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        provider.setExecutor(Executors.newCachedThreadPool());
        provider.createContext(
                "/",
                ex -> {
                    providerInFlight.incrementAndGet();
                    try {
                        ex.getRequestBody().readAllBytes();
                        Thread.sleep(1200);
                        byte[] body = OK.getBytes(StandardCharsets.UTF_8);
                        ex.getResponseHeaders().add("Content-Type", "application/json");
                        ex.sendResponseHeaders(200, body.length);
                        ex.getResponseBody().write(body);
                        providerAnswered.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        providerInFlight.decrementAndGet();
                        ex.close();
                    }
                });
        provider.start();
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "slow",
                "openai",
                "http://localhost:" + provider.getAddress().getPort() + "/v1",
                "{}",
                "m",
                "chat");
        CatalogFixture.route(t.id(), "slow", "chat", "priority", 0, "slow/m");

        // a shorter delay than the manifests' 5 s: long enough for several probes
        LibertyInstance instance =
                LibertyInstance.start(
                        "gatehouse-drain",
                        Map.of(
                                "GATEHOUSE_SHUTDOWN_DELAY_SECONDS", "3",
                                "GATEHOUSE_SHUTDOWN_DRAIN_SECONDS", "20",
                                "GATEHOUSE_AUDIT_FLUSH_SECONDS", "5"));
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean load = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        HttpClient client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
        URI uri = URI.create(instance.baseUrl() + "/v1/chat/completions");
        String key = t.keyAuth()[1];
        int inFlightAtStop;
        List<Probe> readiness = new ArrayList<>();
        List<Probe> admin = new ArrayList<>();
        boolean exited;
        try {
            instance.awaitReady(Duration.ofSeconds(120));
            for (int i = 0; i < CLIENTS; i++) {
                clients.submit(
                        () -> {
                            while (load.get()) {
                                outcomes.add(call(client, uri, key));
                            }
                        });
            }
            // let a few rounds complete, then stop while every client waits on the provider
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((providerAnswered.get() < 2 * CLIENTS || providerInFlight.get() < CLIENTS / 2)
                    && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            inFlightAtStop = providerInFlight.get();
            long pid = instance.terminate();
            // until the listener is gone: readiness, and a non-/v1 path (problem JSON)
            long until2 = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < until2) {
                Probe ready = probe(client, instance.baseUrl() + "/health/ready");
                readiness.add(ready);
                Probe other = probe(client, instance.baseUrl() + "/api/v1/changes");
                admin.add(other);
                if (ready.status() == 0 && other.status() == 0) {
                    break;
                }
                Thread.sleep(25);
            }
            exited = LibertyInstance.awaitExit(pid, Duration.ofSeconds(60));
        } finally {
            load.set(false);
            instance.close(); // nothing left to stop unless the test failed early
            clients.shutdown();
            clients.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(inFlightAtStop).as("requests inside the server when it stopped").isPositive();
        assertThat(exited).as("the server exited after SIGTERM").isTrue();

        // readiness DOWN (check "shutdown") while the server still answered as usual: a chat
        // request completed with 200 and the admin path answered 401 after readiness went DOWN
        Probe down =
                readiness.stream()
                        .filter(p -> p.status() == 503 && p.body().contains("shutdown"))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "readiness never answered 503 DOWN: " + readiness));
        assertThat(down.body()).contains("DOWN");
        assertThat(outcomes)
                .as("a chat request answered 200 after readiness went DOWN")
                .anyMatch(o -> o.status() == 200 && o.endNanos() > down.atNanos());
        assertThat(admin)
                .as("the admin path served normally (401) after readiness went DOWN")
                .anyMatch(p -> p.status() == 401 && p.atNanos() > down.atNanos());
        // then refused with the structured 503: OpenAI error JSON on /v1, problem JSON elsewhere
        assertThat(outcomes)
                .as("a /v1 request refused with 503 shutting_down in OpenAI error JSON")
                .anyMatch(
                        o ->
                                o.status() == 503
                                        && o.body() != null
                                        && o.body().startsWith("{\"error\"")
                                        && o.body().contains("\"code\":\"shutting_down\""));
        Probe refused =
                admin.stream()
                        .filter(p -> p.status() == 503)
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no 503 on /api/v1: " + admin));
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).contains("shutting_down");
        assertThat(refused.atNanos()).isGreaterThan(down.atNanos());
        String log = instance.messagesLog();
        assertThat(log)
                .contains("Shutdown: SIGTERM received")
                .contains("Audit backlog at shutdown:");

        List<Outcome> answered2xx = new ArrayList<>();
        List<Outcome> failed = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.status() / 100 == 2) {
                answered2xx.add(o);
            } else if (o.status() != 503 && o.status() != 404 && o.error() == null) {
                // 503: refused while draining; 404: Liberty's answer once the application is
                // gone; neither was accepted, so neither was cut
                failed.add(o);
            }
        }
        // requests the server accepted were answered, not cut: every answer the provider gave
        // reached its client as a 200 (refusals while draining are 503, or no connection at all)
        assertThat(answered2xx.size())
                .as("200s to clients vs. provider answers; outcomes " + summary(outcomes))
                .isEqualTo(providerAnswered.get());
        assertThat(failed).as("answers other than 2xx and refusals").isEmpty();

        try (Connection c = Db.asApp()) {
            for (Outcome o : answered2xx) {
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM audit_events WHERE request_id = ?"
                                                + " AND action = 'gateway.request' AND status_code = 200",
                                        o.requestId()))
                        .as("audit event of answered request " + o.requestId())
                        .isEqualTo(1);
            }
        }
        Http.Response verify = Http.local().get("/api/v1/audit/verify", t.auth("auditor"));
        assertThat(verify.status()).as(verify.toString()).isEqualTo(200);
        assertThat(verify.json().getBoolean("valid")).as(verify.toString()).isTrue();
    }

    static Outcome call(HttpClient client, URI uri, String key) {
        return call(client, uri, key, "x");
    }

    /** A chat request saying {@code text}: different texts are never answered from one call. */
    static Outcome call(HttpClient client, URI uri, String key, String text) {
        HttpRequest req =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", key)
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                                + text
                                                + "\"}]}"))
                        .build();
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 503) {
                Thread.sleep(20); // refused while draining: do not spin
            }
            return new Outcome(
                    r.statusCode(),
                    r.headers().firstValue("X-Request-Id").orElse(null),
                    null,
                    r.statusCode() / 100 == 2 ? null : r.body(),
                    System.nanoTime());
        } catch (Exception e) {
            try {
                Thread.sleep(50); // the server is gone: do not spin
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return new Outcome(0, null, e.getClass().getSimpleName());
        }
    }

    static Probe probe(HttpClient client, String url) {
        HttpRequest req =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build();
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            return new Probe(
                    System.nanoTime(),
                    r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(""),
                    r.body());
        } catch (java.io.IOException e) {
            return new Probe(System.nanoTime(), 0, "", e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(System.nanoTime(), 0, "", "interrupted");
        }
    }

    static String summary(Iterable<Outcome> outcomes) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Outcome o : outcomes) {
            counts.merge(
                    o.error() != null ? o.error() : String.valueOf(o.status()), 1, Integer::sum);
        }
        return counts.toString();
    }

    /**
     * The audit writer is held at this tenant's chain lock (a test transaction holds the advisory
     * lock the writer takes), so that one event waits in the writer's batch and two more in its
     * queue while the server stops. The stop reaches the writer (its log line says how many are
     * queued) before the lock is let go; all three events must then be committed. Fails when the
     * writer stops at the stop signal and leaves the queue to fail.
     */
    @Test
    void auditEventsQueuedWhenTheApplicationStopsAreCommittedBeforeTheWriterExits()
            throws Exception {
        HttpServer quick = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        quick.setExecutor(Executors.newCachedThreadPool());
        AtomicInteger answered = new AtomicInteger();
        quick.createContext(
                "/",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    byte[] body = OK.getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                    answered.incrementAndGet();
                    ex.close();
                });
        quick.start();
        TestTenant t = TestTenant.fresh();
        // named as the load test's model, which call() asks for; this provider answers at once
        CatalogFixture.provider(
                t.id(),
                "slow",
                "openai",
                "http://localhost:" + quick.getAddress().getPort() + "/v1",
                "{}",
                "m",
                "chat");
        CatalogFixture.route(t.id(), "slow", "chat", "priority", 0, "slow/m");
        long before;
        try (Connection c = Db.asApp()) {
            before = gatewayEvents(c, t);
        }
        // also shows that the console's sources are a setting that takes effect (server.xml sets
        // consoleSource, so Liberty's WLP_LOGGING_CONSOLE_SOURCE could not): no access log there
        LibertyInstance instance =
                LibertyInstance.start(
                        "gatehouse-drain-audit",
                        Map.of(
                                "GATEHOUSE_LOG_CONSOLE_FORMAT", "json", // sources apply to JSON
                                "GATEHOUSE_LOG_CONSOLE_SOURCE", "message,ffdc",
                                "WLP_LOGGING_CONSOLE_SOURCE", "message,trace,accessLog,ffdc"));
        ExecutorService clients = Executors.newFixedThreadPool(3);
        Connection lock = Db.asApp();
        Thread stopper = null;
        try {
            instance.awaitReady(Duration.ofSeconds(120));
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create(instance.baseUrl() + "/v1/chat/completions");
            String key = t.keyAuth()[1];
            lock.setAutoCommit(false);
            try (var ps =
                    lock.prepareStatement("SELECT pg_advisory_xact_lock(7001, hashtext(?))")) {
                ps.setString(1, t.id());
                ps.execute();
            }
            // the first event: the writer takes it and waits at the lock (three different
            // requests: identical ones in flight together would share one provider call)
            clients.submit(() -> call(client, uri, key, "first"));
            awaitUntil(() -> writerWaitingAtLock(), "the audit writer waits at the chain lock");
            // two more: answered by the provider, their events queue behind the writer
            clients.submit(() -> call(client, uri, key, "second"));
            clients.submit(() -> call(client, uri, key, "third"));
            awaitUntil(() -> answered.get() == 3, "the provider answered all three");

            LibertyInstance stopping = instance;
            stopper = new Thread(stopping::close, "stop gatehouse-drain-audit");
            stopper.start();
            // the application stops while the writer still waits: its queue holds two events
            assertThat(instance.awaitLog("Audit writer stopping:", Duration.ofSeconds(60)))
                    .as("the stop reached the audit writer")
                    .isTrue();
            assertThat(instance.messagesLog()).contains("Audit writer stopping: 2 queued event(s)");
        } finally {
            if (!lock.getAutoCommit()) {
                lock.rollback(); // lets the writer go on
            }
            lock.close();
            if (stopper != null) {
                stopper.join(90_000);
            }
            instance.close();
            clients.shutdownNow();
            quick.stop(0);
        }
        assertThat(instance.messagesLog()).contains("Audit writer stopped: its queue is empty");
        assertThat(instance.messagesLog())
                .as("messages.log keeps the access log")
                .contains("liberty_accesslog");
        assertThat(instance.consoleLog())
                .as("console without the access log (GATEHOUSE_LOG_CONSOLE_SOURCE)")
                .contains("Audit writer stopping:")
                .doesNotContain("liberty_accesslog");
        try (Connection c = Db.asApp()) {
            assertThat(gatewayEvents(c, t) - before)
                    .as("gateway events committed after the stop")
                    .isEqualTo(3);
        }
        Http.Response verify = Http.local().get("/api/v1/audit/verify", t.auth("auditor"));
        assertThat(verify.status()).as(verify.toString()).isEqualTo(200);
        assertThat(verify.json().getBoolean("valid")).as(verify.toString()).isTrue();
    }

    static long gatewayEvents(Connection c, TestTenant t) throws java.sql.SQLException {
        return Db.count(
                c,
                "SELECT count(*) FROM audit_events WHERE tenant_id = ?::uuid"
                        + " AND action = 'gateway.request'",
                t.id());
    }

    /**
     * An advisory lock of the audit chains (class 7001) that someone waits for in this database.
     */
    static boolean writerWaitingAtLock() {
        try (Connection c = Db.asApp()) {
            return Db.count(
                            c,
                            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                                    + " WHERE l.locktype = 'advisory' AND NOT l.granted"
                                    + " AND l.classid = 7001 AND d.datname = current_database()")
                    > 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
