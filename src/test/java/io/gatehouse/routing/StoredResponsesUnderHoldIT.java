package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.HoldRace;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
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
        TestTenant held = TestTenant.fresh();
        TestTenant unheld = TestTenant.fresh();
        String heldId = expiredResponse(held);
        String unheldId = expiredResponse(unheld);

        // fails unless the purge was seen waiting for the held tenant's lock
        HoldRace.purgeWhileAHoldIsPlaced(held.id());

        try (Connection c = Db.asApp()) {
            assertThat(count(c, heldId))
                    .as("the hold placed while the purge ran keeps the stored response")
                    .isEqualTo(1);
            assertThat(count(c, unheldId))
                    .as("the same run deletes an unheld tenant's expired response")
                    .isZero();
        }
    }

    /**
     * A client's {@code DELETE /v1/responses/{id}} while a hold is being placed: audit decides it
     * under the tenant's hold lock, so the DELETE waits for the hold, then finds it (403 {@code
     * legal_hold}); the response stays and the refused attempt is recorded ({@code
     * responses.stored.delete}, outcome {@code denied}), no successful deletion event exists. Once
     * the hold is released the same DELETE deletes it, with exactly one successful event.
     */
    @Test
    void aDeleteWhileAHoldIsPlacedWaitsForItAndKeepsTheStoredResponse() throws Exception {
        TestTenant t = TestTenant.fresh();
        String id = storedResponse(t, "now() + interval '1 day'");

        Http.Response refused =
                HoldRace.whileAHoldIsPlaced(
                        t.id(),
                        () -> HTTP.method("DELETE", "/v1/responses/" + id, null, t.keyAuth()));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("legal_hold");
        try (Connection c = Db.asApp()) {
            assertThat(count(c, id)).as("the hold placed meanwhile keeps it").isEqualTo(1);
            assertThat(deleteEvents(c, id, "success"))
                    .as("no event for a deletion that did not happen")
                    .isZero();
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE action ="
                                            + " 'responses.stored.delete' AND target_id = ? AND"
                                            + " outcome = 'denied' AND details->>'refused' ="
                                            + " 'legal_hold'",
                                    id))
                    .as("the refused attempt is evidence")
                    .isEqualTo(1);
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "UPDATE audit_legal_holds SET released_at = now(), released_by = 'auditor'"
                                    + " WHERE tenant_id = ?::uuid AND released_at IS NULL")) {
                ps.setString(1, t.id());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        Http.Response deleted = HTTP.method("DELETE", "/v1/responses/" + id, null, t.keyAuth());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        try (Connection c = Db.asApp()) {
            assertThat(count(c, id)).isZero();
            assertThat(deleteEvents(c, id, "success"))
                    .as("one event, with the deletion")
                    .isEqualTo(1);
        }
    }

    /**
     * A DELETE does not hold an HTTP thread for ever: while the tenant's hold lock is taken (a hold
     * or a purge under way) it gives up after a few seconds with a retryable 503 {@code
     * retention_lock_busy} in OpenAI's error shape; while routing's own row is locked it answers
     * the store's 503 {@code store_unavailable}, not audit's {@code audit_unavailable}. The
     * response stays either way and is deleted once the locks are gone.
     */
    @Test
    void aDeleteWaitingForALockGivesUpWithARetryable503() throws Exception {
        TestTenant t = TestTenant.fresh();
        String id = storedResponse(t, "now() + interval '1 day'");
        try (Connection lock = Db.asApp()) {
            lock.setAutoCommit(false);
            try (PreparedStatement ps =
                    lock.prepareStatement("SELECT pg_advisory_xact_lock(7002, hashtext(?))")) {
                ps.setString(1, t.id());
                ps.executeQuery().close();
            }
            long start = System.nanoTime();
            Http.Response busy = HTTP.method("DELETE", "/v1/responses/" + id, null, t.keyAuth());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(busy.status()).as(busy.body()).isEqualTo(503);
            assertThat(busy.json().getJsonObject("error").getString("code"))
                    .isEqualTo("retention_lock_busy");
            assertThat(busy.header("Retry-After")).isNotNull();
            assertThat(seconds).as("gave up after the lock timeout").isBetween(4L, 30L);
            lock.rollback();
        }
        try (Connection row = Db.asOwner()) {
            row.setAutoCommit(false);
            try (PreparedStatement ps =
                    row.prepareStatement(
                            "SELECT id FROM routing_stored_responses WHERE id = ? FOR UPDATE")) {
                ps.setString(1, id);
                ps.executeQuery().close();
            }
            Http.Response busy = HTTP.method("DELETE", "/v1/responses/" + id, null, t.keyAuth());
            assertThat(busy.status()).as(busy.body()).isEqualTo(503);
            assertThat(busy.json().getJsonObject("error").getString("code"))
                    .isEqualTo("store_unavailable");
            row.rollback();
        }
        try (Connection c = Db.asApp()) {
            assertThat(count(c, id)).isEqualTo(1);
            assertThat(deleteEvents(c, id, "success")).isZero();
        }
        Http.Response deleted = HTTP.method("DELETE", "/v1/responses/" + id, null, t.keyAuth());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    }

    private static long deleteEvents(Connection c, String id, String outcome) throws Exception {
        return Db.count(
                c,
                "SELECT count(*) FROM audit_events WHERE action = 'responses.stored.delete'"
                        + " AND target_id = ? AND outcome = ?",
                id,
                outcome);
    }

    /** Full retention and a stored response whose time is up (arranged: the test cannot wait). */
    private static String expiredResponse(TestTenant t) throws Exception {
        return storedResponse(t, "now() - interval '1 minute'");
    }

    /**
     * Full retention and a response stored by the tenant's API key (its only one), expiring at
     * {@code expiresAt} (SQL).
     */
    static String storedResponse(TestTenant t, String expiresAt) throws Exception {
        Http.Response full =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"full\",\"retentionDays\":30}",
                        t.auth("admin"));
        assertThat(full.status()).as(full.body()).isEqualTo(200);
        String id = "resp_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO routing_stored_responses (id, tenant_id, api_key_id,"
                                        + " expires_at, conversation, response)"
                                        + " SELECT ?, ?::uuid, k.id, "
                                        + expiresAt
                                        + ", '[]'::jsonb, '{}'::jsonb"
                                        + " FROM edge_api_keys k WHERE k.tenant_id = ?::uuid")) {
            ps.setString(1, id);
            ps.setString(2, t.id());
            ps.setString(3, t.id());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        return id;
    }

    private static long count(Connection c, String id) throws Exception {
        return Db.count(c, "SELECT count(*) FROM routing_stored_responses WHERE id = ?", id);
    }
}
