package io.gatehouse.audit;

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
 * Audit's own content purge races a legal hold as routing's stored responses do
 * (StoredResponsesUnderHoldIT): a hold whose transaction is under way when the purge comes must
 * win, so the purge checks holds under the tenant's hold lock; an unheld tenant's expired bodies go
 * in the same run.
 */
class AuditContentsUnderHoldIT {
    static final Http HTTP = Http.local();

    @Test
    void aHoldPlacedWhileThePurgeRunsKeepsTheBodiesAndAnUnheldTenantsGo() throws Exception {
        TestTenant held = TestTenant.fresh();
        TestTenant unheld = TestTenant.fresh();
        String heldBody = expiredBody(held);
        String unheldBody = expiredBody(unheld);

        HoldRace.purgeWhileAHoldIsPlaced(held.id());

        try (Connection c = Db.asApp()) {
            assertThat(count(c, held, heldBody))
                    .as("the hold placed while the purge ran keeps the body")
                    .isEqualTo(1);
            assertThat(count(c, unheld, unheldBody))
                    .as("the same run deletes an unheld tenant's expired body")
                    .isZero();
        }
    }

    /**
     * Full retention for 30 days and a body stored 40 days ago (arranged: the test cannot wait).
     */
    private static String expiredBody(TestTenant t) throws Exception {
        Http.Response full =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"full\",\"retentionDays\":30}",
                        t.auth("admin"));
        assertThat(full.status()).as(full.body()).isEqualTo(200);
        String hash = "sha256:" + UUID.randomUUID();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO audit_contents (chain_id, content_hash, form, body,"
                                        + " stored_at) VALUES (?, ?, 'full', '{\"prompt\":\"x\"}'::jsonb,"
                                        + " now() - interval '40 days')")) {
            ps.setString(1, t.id());
            ps.setString(2, hash);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        return hash;
    }

    private static long count(Connection c, TestTenant t, String hash) throws Exception {
        return Db.count(
                c,
                "SELECT count(*) FROM audit_contents WHERE chain_id = ? AND content_hash = ?",
                t.id(),
                hash);
    }
}
