package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The change feed keeps moving under a burst: 20,000 feed rows land at once (what a tenant admin
 * rotating keys in a loop produces), and a key revoked right after is still refused by a second
 * instance within two seconds. The poller used to read the same first page of its window forever.
 */
class ChangeFeedBurstIT {
    static final Duration PROPAGATION = Duration.ofSeconds(2);
    static LibertyInstance second;
    private final Http main = Http.local();

    @BeforeAll
    static void start() {
        second = LibertyInstance.start("gatehouse-feed", Map.of());
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
    }

    /** Feed rows for keys that do not exist: every instance reads them, none of them matters. */
    static void burst(String tenantId, int rows, int transactions) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO shared_change_feed (topic, tenant_id, item_key)"
                                        + " SELECT 'api-key', ?::uuid, 'burst-' || md5(random()::text) FROM generate_series(1, ?)")) {
            for (int i = 0; i < transactions; i++) {
                ps.setString(1, tenantId);
                ps.setInt(2, rows / transactions);
                ps.executeUpdate();
            }
        }
    }

    private String[] newKey(TestTenant t, String name) {
        Http.Response created =
                main.post("/api/v1/keys", "{\"name\":\"" + name + "\"}", t.auth("admin"));
        assertThat(created.status()).isEqualTo(201);
        return new String[] {created.json().getString("id"), created.json().getString("key")};
    }

    private void cachedOnSecond(String[] key) {
        String[] auth = {"Authorization", "Bearer " + key[1]};
        assertThat(second.http().get("/v1/models", auth).status())
                .as("cached on the second instance")
                .isEqualTo(200);
    }

    /** Polls the second instance from the moment the revocation was answered. */
    private void awaitRefused(String secret) throws Exception {
        long start = System.nanoTime();
        int status = 0;
        while (System.nanoTime() - start < PROPAGATION.toNanos()) {
            status = second.http().get("/v1/models", "Authorization", "Bearer " + secret).status();
            if (status == 401) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(status)
                .as("revoked key on the second instance after %s", PROPAGATION)
                .isEqualTo(401);
    }

    @Test
    void aRevocationRightAfterABurstReachesTheOtherInstanceWithinTwoSeconds() throws Exception {
        TestTenant t = TestTenant.fresh();
        String[] first = newKey(t, "burst one");
        String[] later = newKey(t, "burst two");
        cachedOnSecond(first);
        cachedOnSecond(later);

        // 20,000 rows in one transaction, then a revocation
        burst(t.id(), 20_000, 1);
        assertThat(main.post("/api/v1/keys/" + first[0] + "/revoke", "", t.auth("admin")).status())
                .isEqualTo(200);
        awaitRefused(first[1]);

        // and again, the burst spread over many small transactions as a rotation loop would write
        // it
        burst(t.id(), 20_000, 200);
        assertThat(main.post("/api/v1/keys/" + later[0] + "/revoke", "", t.auth("admin")).status())
                .isEqualTo(200);
        awaitRefused(later[1]);
        // the other keys of the tenant were never affected
        assertThat(second.http().get("/v1/models", t.keyAuth()).status()).isEqualTo(200);
    }

    /**
     * Sequence numbers commit out of order: a revocation whose transaction commits after a later
     * change was already read must still reach the other instance (the poller re-reads the gap).
     */
    @Test
    void aChangeCommittedAfterALaterOneIsStillDelivered() throws Exception {
        TestTenant t = TestTenant.fresh();
        String[] slow = newKey(t, "revoked late");
        String[] quick = newKey(t, "revoked at once");
        cachedOnSecond(slow);
        cachedOnSecond(quick);
        try (Connection c = Db.asApp()) {
            c.setAutoCommit(false);
            // the slow revocation takes its feed sequence number first and holds it uncommitted
            try (PreparedStatement revoke =
                            c.prepareStatement(
                                    "UPDATE edge_api_keys SET revoked_at = now() WHERE id = ?::uuid"
                                            + " RETURNING secret_hash");
                    PreparedStatement feed =
                            c.prepareStatement(
                                    "INSERT INTO shared_change_feed (topic, tenant_id, item_key) VALUES ('api-key', ?::uuid, ?)")) {
                revoke.setString(1, slow[0]);
                String hash;
                try (var rs = revoke.executeQuery()) {
                    rs.next();
                    hash = rs.getString(1);
                }
                feed.setString(1, t.id());
                feed.setString(2, hash);
                feed.executeUpdate();
            }
            // a later change commits and is read by the second instance past the held number
            assertThat(
                            main.post("/api/v1/keys/" + quick[0] + "/revoke", "", t.auth("admin"))
                                    .status())
                    .isEqualTo(200);
            awaitRefused(quick[1]);
            // Barrier instead of a sleep: five more revocations, each committed after the one
            // before was seen refused, so each is read by a later poll, and every poll re-reads
            // the held number (polls are half a second apart: this spans at least 2.5 s too).
            for (int i = 0; i < 5; i++) {
                String[] barrier = newKey(t, "barrier " + i);
                cachedOnSecond(barrier);
                assertThat(
                                main.post(
                                                "/api/v1/keys/" + barrier[0] + "/revoke",
                                                "",
                                                t.auth("admin"))
                                        .status())
                        .isEqualTo(200);
                awaitRefused(barrier[1]);
            }
            assertThat(
                            second.http()
                                    .get("/v1/models", "Authorization", "Bearer " + slow[1])
                                    .status())
                    .as("not revoked until it commits")
                    .isEqualTo(200);
            c.commit();
        }
        awaitRefused(slow[1]);
    }
}
