package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Audit's retention purge reaching routing's stored responses races a legal hold: the hold is
 * audit's alone (routing reads no audit table), so audit checks it under the tenant's hold lock
 * while routing deletes. A hold whose transaction is under way when the purge comes must win.
 */
class StoredResponsesUnderHoldIT {
    static final Http HTTP = Http.local();

    @Test
    void aHoldPlacedWhileThePurgeRunsKeepsTheStoredResponse() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response full =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"full\",\"retentionDays\":30}",
                        t.auth("admin"));
        assertThat(full.status()).as(full.body()).isEqualTo(200);
        // a stored response whose time is up (arranged in the database: the test cannot wait)
        String id = "resp_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO routing_stored_responses (id, tenant_id, api_key_id,"
                                        + " expires_at, conversation, response)"
                                        + " VALUES (?, ?::uuid, ?, now() - interval '1 minute',"
                                        + " '[]'::jsonb, '{}'::jsonb)")) {
            ps.setString(1, id);
            ps.setString(2, t.id());
            ps.setObject(3, UUID.randomUUID());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        String admin =
                "Bearer "
                        + TestTenant.login(
                                TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);

        // a hold being placed, as RetentionService.placeHold does: the tenant's hold lock, then
        // the row; its transaction is still open when the purge starts
        try (Connection hold = Db.asApp()) {
            hold.setAutoCommit(false);
            try (PreparedStatement lock =
                    hold.prepareStatement("SELECT pg_advisory_xact_lock(7002, hashtext(?))")) {
                lock.setString(1, t.id());
                lock.executeQuery().close();
            }
            try (PreparedStatement ins =
                    hold.prepareStatement(
                            "INSERT INTO audit_legal_holds (id, tenant_id, reason, created_at,"
                                    + " created_by) VALUES (?, ?::uuid, 'race', ?, 'auditor')")) {
                ins.setObject(1, UUID.randomUUID());
                ins.setString(2, t.id());
                ins.setTimestamp(3, Timestamp.from(Instant.now()));
                ins.executeUpdate();
            }
            CompletableFuture<Http.Response> purge =
                    CompletableFuture.supplyAsync(
                            () ->
                                    HTTP.post(
                                            "/api/v1/audit/retention/purge",
                                            "",
                                            "Authorization",
                                            admin));
            // until the purge waits for the hold lock (or, were it not to take it, has finished)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            try (Connection look = Db.asOwner()) {
                while (!purge.isDone()
                        && Db.count(
                                        look,
                                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                                + " AND NOT granted AND classid = 7002")
                                == 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
            hold.commit();
            Http.Response done = purge.get(60, TimeUnit.SECONDS);
            assertThat(done.status()).as(done.body()).isEqualTo(200);
        }
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM routing_stored_responses WHERE id = ?",
                                    id))
                    .as("the hold placed while the purge ran keeps the stored response")
                    .isEqualTo(1);
        }
    }
}
