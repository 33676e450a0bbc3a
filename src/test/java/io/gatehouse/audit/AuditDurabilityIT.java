package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TcpProxy;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two instances write one tenant's chain under load; the second instance's database connection is
 * cut (through a TCP proxy, so the shared PostgreSQL keeps running for everyone else) and later the
 * second instance is killed with kill -9. Every request whose answer the client received has its
 * event, the instance without a database fails closed (503), and the chain stays gapless and valid.
 * The audited request is an export of an empty period (cheap; every export is audited with the
 * request id the server returned in X-Request-Id).
 */
class AuditDurabilityIT {
    static final String EMPTY_PERIOD =
            "/api/v1/audit/export?format=jsonl&from=2100-01-01T00:00:00Z";

    @Test
    void noAnsweredRequestLosesItsEventAcrossInstancesOutagesAndKill9() throws Exception {
        TestTenant t = TestTenant.fresh();
        String[] auth = t.auth("auditor");
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger answeredBySecond = new AtomicInteger();
        AtomicInteger answeredByFirst = new AtomicInteger();
        ConcurrentLinkedQueue<Long> firstAnswers = new ConcurrentLinkedQueue<>();
        try (TcpProxy proxy = new TcpProxy(TestEnv.dbHost(), TestEnv.dbPort());
                LibertyInstance second =
                        LibertyInstance.start(
                                "audit-second",
                                Map.of(
                                        "GATEHOUSE_DB_HOST",
                                        "127.0.0.1",
                                        "GATEHOUSE_DB_PORT",
                                        String.valueOf(proxy.port())))) {
            second.awaitReady(Duration.ofSeconds(120));
            List<Http> targets = List.of(Http.local(), second.http());
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            for (int w = 0; w < 8; w++) {
                Http target = targets.get(w % 2);
                boolean onSecond = w % 2 == 1;
                pool.submit(
                        () -> {
                            while (running.get()) {
                                try {
                                    Http.Response r = target.get(EMPTY_PERIOD, auth[0], auth[1]);
                                    if (r.status() == 200
                                            && r.body().contains("\"record\":\"trailer\"")) {
                                        answered.add(r.header("X-Request-Id"));
                                        if (onSecond) {
                                            answeredBySecond.incrementAndGet();
                                        } else {
                                            answeredByFirst.incrementAndGet();
                                            firstAnswers.add(System.nanoTime());
                                        }
                                    } else if (r.status() == 503) {
                                        refused.incrementAndGet();
                                    } else {
                                        other.incrementAndGet();
                                    }
                                } catch (RuntimeException connectionLost) {
                                    other.incrementAndGet();
                                }
                            }
                            return null;
                        });
            }
            // Each phase lasts until the load has shown what the phase is for (was: fixed sleeps,
            // and once no 503 came within a 4 s outage).
            awaitThat(() -> answeredBySecond.get() >= 10, "both instances answering");
            int refusedBefore = refused.get();
            proxy.down(); // the second instance loses its database
            awaitThat(
                    () -> refused.get() >= refusedBefore + 8,
                    "the instance without its database fails closed");
            int secondBefore = answeredBySecond.get();
            proxy.up();
            awaitThat(
                    () -> answeredBySecond.get() >= secondBefore + 10,
                    "the second instance answering again with its database back");
            int otherBefore = other.get();
            int firstBefore = answeredByFirst.get();
            long killed = System.nanoTime();
            second.kill(); // and then dies without a clean stop
            // The survivor keeps answering: calls to the killed instance fail (two per worker on
            // it) while the first instance answers ten more. A stall shows here as a timeout,
            // with what each database session was waiting for at that moment.
            awaitThat(
                    () ->
                            other.get() >= otherBefore + 8
                                    && answeredByFirst.get() >= firstBefore + 10,
                    "calls to the killed instance fail while the first instance answers ten more",
                    () -> sessions() + freshClientProbe());
            long reached = System.nanoTime();
            long longestGap = 0;
            long previous = killed;
            for (long at : firstAnswers) {
                if (at > killed) {
                    longestGap = Math.max(longestGap, at - previous);
                    previous = at;
                }
            }
            System.out.printf(
                    "AuditDurabilityIT: after the kill, %d failed calls and %d answers of the first"
                            + " instance within %d ms; longest wait between its answers %d ms%n",
                    other.get() - otherBefore,
                    answeredByFirst.get() - firstBefore,
                    (reached - killed) / 1_000_000,
                    longestGap / 1_000_000);
            running.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answered.size()).isGreaterThan(20);
        assertThat(refused.get()).as("the instance without its database fails closed").isPositive();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM audit_events WHERE chain_id = ? AND request_id = ANY (?)")) {
            ps.setString(1, t.id());
            ps.setArray(2, c.createArrayOf("text", new ArrayList<>(answered).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1))
                        .as("events of answered requests")
                        .isEqualTo(answered.size());
            }
        }
        JsonObject v = Http.local().get("/api/v1/audit/verify", auth).json();
        assertThat(v.getBoolean("valid")).as(v.toString()).isTrue();
    }

    /** Polls until {@code done} (the load runs meanwhile); fails after a minute. */
    static void awaitThat(BooleanSupplier done, String what) throws InterruptedException {
        awaitThat(done, what, () -> "");
    }

    /**
     * As {@link #awaitThat(BooleanSupplier, String)}; {@code diagnose} is printed once after 10 s
     * without {@code done} and added to the failure.
     */
    static void awaitThat(BooleanSupplier done, String what, Supplier<String> diagnose)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(60).toNanos();
        boolean diagnosed = false;
        String diagnosis = "";
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (!diagnosed && now - start > Duration.ofSeconds(10).toNanos()) {
                diagnosed = true;
                diagnosis = diagnose.get();
                System.out.println("AuditDurabilityIT: 10 s without " + what + "\n" + diagnosis);
            }
            if (now > deadline) {
                throw new AssertionError("not within a minute: " + what + "\n" + diagnosis);
            }
            Thread.sleep(50); // polling interval
        }
    }

    /**
     * One call to the first instance on a new HTTP/1.1 client, timed: tells a server that does not
     * answer from a client whose shared connections do not deliver.
     */
    static String freshClientProbe() {
        long start = System.nanoTime();
        try {
            java.net.http.HttpClient fresh =
                    java.net.http.HttpClient.newBuilder()
                            .version(java.net.http.HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5))
                            .build();
            java.net.http.HttpResponse<String> r =
                    fresh.send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(
                                                    TestEnv.baseUrl() + "/health/ready"))
                                    .timeout(Duration.ofSeconds(20))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            return "fresh client: /health/ready "
                    + r.statusCode()
                    + " in "
                    + (System.nanoTime() - start) / 1_000_000
                    + " ms\n";
        } catch (Exception e) {
            return "fresh client: "
                    + e
                    + " after "
                    + (System.nanoTime() - start) / 1_000_000
                    + " ms\n";
        }
    }

    /** The test database's sessions: state, what each waits for, who blocks it. */
    static String sessions() {
        StringBuilder out = new StringBuilder();
        try (Connection c = Db.asSuperuser();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT pid, client_port, state, wait_event_type, wait_event,"
                                        + " pg_blocking_pids(pid), now() - state_change, now() - xact_start,"
                                        + " left(query, 120) FROM pg_stat_activity"
                                        + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                for (int i = 1; i <= 9; i++) {
                    out.append(rs.getString(i)).append(i < 9 ? " | " : "\n");
                }
            }
        } catch (Exception e) {
            out.append("sessions not readable: ").append(e);
        }
        return out.toString();
    }
}
