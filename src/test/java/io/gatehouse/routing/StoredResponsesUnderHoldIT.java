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

    /** Full retention and a stored response whose time is up (arranged: the test cannot wait). */
    private static String expiredResponse(TestTenant t) throws Exception {
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
                                        + " VALUES (?, ?::uuid, ?, now() - interval '1 minute',"
                                        + " '[]'::jsonb, '{}'::jsonb)")) {
            ps.setString(1, id);
            ps.setString(2, t.id());
            ps.setObject(3, UUID.randomUUID());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        return id;
    }

    private static long count(Connection c, String id) throws Exception {
        return Db.count(c, "SELECT count(*) FROM routing_stored_responses WHERE id = ?", id);
    }
}
