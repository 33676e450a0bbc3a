package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.io.File;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL server itself crashes under audited gateway load: {@code pg_ctlcluster 15 main
 * stop -m immediate} (root, Debian cluster) or {@code pg_ctl stop -m immediate} (the private
 * instance), as deploy/local/postgres.sh hands them over in GATEHOUSE_PG_STOP_IMMEDIATE /
 * GATEHOUSE_PG_START. Every request whose 200 answer the client received has its event, requests
 * during the outage are refused with 503, and after the restart the test server (its connection
 * pool) serves again and the chain verifies. It stops the database of the whole suite, so it
 * restarts it in any case and waits until the server is ready before it ends.
 */
class PostgresImmediateStopIT {
    static final int WORKERS = 4;

    /** One client call: when it started and ended (nanoTime) and what came back. */
    record Call(int worker, String requestId, long start, long end, int status, boolean complete) {}

    @Test
    void anImmediateStopOfPostgresLosesNoAnsweredRequest() throws Exception {
        String stop = System.getenv("GATEHOUSE_PG_STOP_IMMEDIATE");
        String start = System.getenv("GATEHOUSE_PG_START");
        if (stop == null || start == null) {
            // No skip: without a database it may crash, this test cannot prove its claim, so it
            // fails.
            throw new AssertionError(
                    "GATEHOUSE_PG_STOP_IMMEDIATE/GATEHOUSE_PG_START not set: run the suite with"
                            + " deploy/local/test.sh (with GATEHOUSE_DB_EXTERNAL=true, export both commands yourself)");
        }
        TestTenant t = TestTenant.fresh();
        sandboxRoute(t.id(), "crash");
        String body =
                "{\"model\":\"crash\",\"messages\":[{\"role\":\"user\",\"content\":\"durable?\"}]}";
        Http http = Http.local();
        Http.Response first = http.post("/v1/chat/completions", body, t.keyAuth());
        assertThat(first.status()).as(first.body()).isEqualTo(200);

        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        long stopped;
        long restarting;
        long serving;
        boolean down = false;
        try {
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                pool.submit(
                        () -> {
                            while (running.get()) {
                                String rid = null; // the server's id, known only from an answer
                                long s = System.nanoTime();
                                int status;
                                boolean complete = false;
                                try {
                                    Http.Response r =
                                            http.post("/v1/chat/completions", body, t.keyAuth());
                                    status = r.status();
                                    rid = r.header("X-Request-Id");
                                    complete = status == 200 && r.body().contains("\"choices\"");
                                } catch (RuntimeException connectionLost) {
                                    status = -1;
                                }
                                calls.add(
                                        new Call(
                                                worker,
                                                rid,
                                                s,
                                                System.nanoTime(),
                                                status,
                                                complete));
                                // paced: stays far below the tenant's default 6000 requests a
                                // minute
                                Thread.sleep(20);
                            }
                            return null;
                        });
            }
            // Each phase lasts until the load has shown what it is for, not a fixed time.
            awaitThat(
                    () -> calls.stream().filter(Call::complete).count() > 20,
                    "more than 20 answers before the stop");
            down = true;
            run(stop);
            stopped = System.nanoTime();
            long stoppedAt = stopped;
            // load continues against a server without its database: every worker's calls
            // started after the stop must come back (as 503), none may hang
            awaitThat(
                    () -> everyWorker(calls, c -> c.start() > stoppedAt, 3),
                    "three answered calls of every worker during the outage");
            restarting = System.nanoTime();
            run(start);
            down = false;
            awaitStatus(
                    () -> http.get("/health/ready").status(),
                    s -> s == 200,
                    Duration.ofSeconds(120));
            awaitStatus(
                    () -> http.post("/v1/chat/completions", body, t.keyAuth()).status(),
                    s -> s == 200,
                    Duration.ofSeconds(60));
            serving = System.nanoTime();
            long servingFrom = serving;
            // the pool must serve everyone again, not one lucky request
            awaitThat(
                    () -> everyWorker(calls, c -> c.start() > servingFrom, 5),
                    "five calls of every worker after the recovery");
        } finally {
            running.set(false);
            pool.shutdown();
            pool.awaitTermination(90, TimeUnit.SECONDS);
            if (down) {
                run(start); // never leave the suite without its database
                awaitStatus(
                        () -> http.get("/health/ready").status(),
                        s -> s == 200,
                        Duration.ofSeconds(120));
            }
        }

        List<Call> all = new ArrayList<>(calls);
        List<String> answered =
                all.stream()
                        .filter(Call::complete)
                        .map(Call::requestId)
                        .collect(Collectors.toList());
        List<Call> duringOutage =
                all.stream().filter(c -> c.start() > stopped && c.end() < restarting).toList();
        List<Call> afterRecovery = all.stream().filter(c -> c.start() > serving).toList();
        System.out.printf(
                "PostgresImmediateStopIT: %d calls, %d answered 200; during the outage %s; after the"
                        + " recovery %s; back to serving %d ms after the start command%n",
                all.size(),
                answered.size(),
                statuses(duringOutage),
                statuses(afterRecovery),
                (serving - restarting) / 1_000_000);
        assertThat(all.stream().filter(c -> c.end() < stopped).filter(Call::complete).count())
                .as("answered before the stop")
                .isGreaterThan(20);
        assertThat(duringOutage).as("calls during the outage").isNotEmpty();
        assertThat(statuses(duringOutage))
                .as("without its database the gateway fails closed")
                .containsOnlyKeys(503);
        assertThat(afterRecovery).as("calls after the recovery").isNotEmpty();
        assertThat(statuses(afterRecovery))
                .as("after the restart the connection pool serves again")
                .containsOnlyKeys(200);

        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(DISTINCT request_id) FROM audit_events"
                                        + " WHERE chain_id = ? AND action = 'gateway.request' AND request_id = ANY (?)")) {
            ps.setString(1, t.id());
            ps.setArray(2, c.createArrayOf("text", answered.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1))
                        .as("events of answered requests")
                        .isEqualTo(answered.size());
            }
        }
        JsonObject v = http.get("/api/v1/audit/verify", t.auth("auditor")).json();
        assertThat(v.getBoolean("valid")).as(v.toString()).isTrue();
    }

    /** Whether every worker has at least {@code n} finished calls that match. */
    private static boolean everyWorker(
            ConcurrentLinkedQueue<Call> calls, java.util.function.Predicate<Call> match, int n) {
        int[] per = new int[WORKERS];
        for (Call c : calls) {
            if (match.test(c)) {
                per[c.worker()]++;
            }
        }
        return java.util.Arrays.stream(per).allMatch(k -> k >= n);
    }

    /** Polls {@code done} while the load runs; fails after two minutes. */
    private static void awaitThat(java.util.function.BooleanSupplier done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within two minutes: " + what);
            }
            Thread.sleep(50); // polling interval
        }
    }

    private static Map<Integer, Long> statuses(List<Call> calls) {
        return calls.stream()
                .collect(Collectors.groupingBy(Call::status, TreeMap::new, Collectors.counting()));
    }

    /**
     * Runs a shell command (from deploy/local/postgres.sh); its output goes to a log in target/.
     */
    private static void run(String command) throws Exception {
        File log = new File("target/postgres-immediate-stop.log");
        Process p =
                new ProcessBuilder("bash", "-c", command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                        .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        assertThat(p.exitValue()).as(command + " (see " + log + ")").isZero();
    }

    private interface Status {
        int get();
    }

    private static void awaitStatus(Status probe, IntPredicate want, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                if (want.test(last)) {
                    return;
                }
            } catch (RuntimeException notYet) {
                last = -1;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("never reached the expected status; last " + last);
    }

    /**
     * A sandbox provider and a chat route to it in the tenant's catalog (written as the app role).
     */
    static void sandboxRoute(String tenant, String alias) throws Exception {
        try (Connection c = Db.asApp()) {
            UUID provider = UUID.randomUUID();
            UUID route = UUID.randomUUID();
            exec(
                    c,
                    "INSERT INTO routing_providers (id, tenant_id, name, kind, base_url, region, clearance,"
                            + " timeout_ms, max_concurrency, options, version)"
                            + " VALUES (?, ?::uuid, 'sb', 'sandbox', null, 'eu', 3, 2000, 64, '{}'::jsonb, 'it')",
                    provider,
                    tenant);
            exec(
                    c,
                    "INSERT INTO routing_models (provider_id, name, tenant_id, capabilities,"
                            + " input_price_micros, output_price_micros)"
                            + " VALUES (?, 'sb-chat', ?::uuid, ARRAY['chat'], 0, 0)",
                    provider,
                    tenant);
            exec(
                    c,
                    "INSERT INTO routing_routes (id, tenant_id, alias, operation, strategy,"
                            + " cache_ttl_seconds, version) VALUES (?, ?::uuid, ?, 'chat', 'priority', 0, 'it')",
                    route,
                    tenant,
                    alias);
            exec(
                    c,
                    "INSERT INTO routing_route_targets (route_id, position, tenant_id, provider, model)"
                            + " VALUES (?, 0, ?::uuid, 'sb', 'sb-chat')",
                    route,
                    tenant);
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
