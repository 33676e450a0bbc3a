package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A legal hold being placed while a deletion runs (the retention purge, a client's DELETE of a
 * stored response): the hold's transaction (the tenant's hold lock, as RetentionService.placeHold
 * takes it, then the row) is still open when the deletion starts, and commits only once the
 * deletion has been seen waiting for that lock.
 */
public final class HoldRace {
    private static final Http HTTP = Http.local();

    private HoldRace() {}

    /** Runs the purge against a hold of {@code tenantId} placed meanwhile; the purge's answer. */
    public static Http.Response purgeWhileAHoldIsPlaced(String tenantId) throws Exception {
        String admin =
                "Bearer "
                        + TestTenant.login(
                                TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        Http.Response done =
                whileAHoldIsPlaced(
                        tenantId,
                        () ->
                                HTTP.post(
                                        "/api/v1/audit/retention/purge",
                                        "",
                                        "Authorization",
                                        admin));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        return done;
    }

    /**
     * Runs {@code deletion} (an HTTP call) while a hold of {@code tenantId} is being placed; fails
     * unless the call was seen waiting for the tenant's hold lock. Returns the call's answer.
     */
    public static Http.Response whileAHoldIsPlaced(
            String tenantId, java.util.function.Supplier<Http.Response> deletion) throws Exception {
        try (Connection hold = Db.asApp()) {
            hold.setAutoCommit(false);
            try (PreparedStatement lock =
                    hold.prepareStatement("SELECT pg_advisory_xact_lock(7002, hashtext(?))")) {
                lock.setString(1, tenantId);
                lock.executeQuery().close();
            }
            try (PreparedStatement ins =
                    hold.prepareStatement(
                            "INSERT INTO audit_legal_holds (id, tenant_id, reason, created_at,"
                                    + " created_by) VALUES (?, ?::uuid, 'race', ?, 'auditor')")) {
                ins.setObject(1, UUID.randomUUID());
                ins.setString(2, tenantId);
                ins.setTimestamp(3, Timestamp.from(Instant.now()));
                ins.executeUpdate();
            }
            CompletableFuture<Http.Response> purge = CompletableFuture.supplyAsync(deletion);
            boolean waited = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            try (Connection look = Db.asOwner()) {
                while (!waited && !purge.isDone() && System.nanoTime() < deadline) {
                    // a waiter for exactly this tenant's hold lock (objid is hashtext's int as oid)
                    waited =
                            Db.count(
                                            look,
                                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                                    + " AND NOT granted AND classid = 7002"
                                                    + " AND objid = (hashtext(?)::bigint & 4294967295)::text::oid",
                                            tenantId)
                                    > 0;
                    if (!waited) {
                        Thread.sleep(50);
                    }
                }
            }
            hold.commit();
            Http.Response done = purge.get(60, TimeUnit.SECONDS);
            assertThat(waited)
                    .as("the deletion waited for the hold lock of the tenant being held: " + done)
                    .isTrue();
            return done;
        }
    }
}
