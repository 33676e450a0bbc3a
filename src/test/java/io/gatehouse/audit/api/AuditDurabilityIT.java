package io.gatehouse.audit.api;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
            int answeredBefore = answered.size();
            second.kill(); // and then dies without a clean stop
            // Still a fixed time: a barrier here (calls to the killed instance fail while the
            // first instance answers ten more) was not reached within a minute in one run, cause
            // not found yet; the old 2 s never checked either.
            Thread.sleep(2000);
            System.out.printf(
                    "AuditDurabilityIT: 2 s after the kill, %d failed calls, %d answers%n",
                    other.get() - otherBefore, answered.size() - answeredBefore);
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
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within a minute: " + what);
            }
            Thread.sleep(50); // polling interval
        }
    }
}
