package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Content kept per retention setting, purged when expired, kept under legal hold; the chain stays
 * valid.
 */
class RetentionIT {

    private static ChainFixture tenantWithRetention(ContentRetention mode, int days)
            throws Exception {
        ChainFixture f = new ChainFixture();
        try (Connection c = Db.asApp()) {
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO edge_tenants (id, slug, display_name) VALUES (?,?,?)")) {
                ps.setObject(1, f.tenant.value());
                ps.setString(2, "ret-" + f.chain.substring(0, 8));
                ps.setString(3, "Retention test");
                ps.executeUpdate();
            }
            RetentionRows.upsert(
                    c,
                    f.tenant.value(),
                    new RetentionRows.Setting(mode, days, Instant.now(), "test"));
        }
        return f;
    }

    private static RecordedEvent withContent(ChainFixture f, String text) throws Exception {
        try (Connection c = Db.asApp()) {
            return ChainFixture.append(
                            c,
                            List.of(
                                    ChainAppender.Pending.of(
                                            f.event("gateway.request")
                                                    .content(
                                                            Map.of("prompt", text),
                                                            Map.of("prompt", "[x]"))
                                                    .build(),
                                            ContentRetention.FULL)))
                    .get(0);
        }
    }

    private static long stored(ChainFixture f) throws Exception {
        try (Connection c = Db.asApp()) {
            return Db.count(c, "SELECT count(*) FROM audit_contents WHERE chain_id = ?", f.chain);
        }
    }

    private static void age(ChainFixture f, int days) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE audit_contents SET stored_at = stored_at - make_interval(days => ?) WHERE chain_id = ?")) {
            ps.setInt(1, days);
            ps.setString(2, f.chain);
            ps.executeUpdate();
        }
    }

    /** A purge run as RetentionService does it: one transaction per tenant. */
    private static Map<String, Long> purge() throws Exception {
        Map<String, Long> deleted = new java.util.LinkedHashMap<>();
        Instant now = Instant.now();
        try (Connection c = Db.asApp()) {
            for (UUID tenant : RetentionRows.tenantsWithExpiredContent(c, now)) {
                c.setAutoCommit(false);
                long n = RetentionRows.purgeTenant(c, tenant, now);
                c.commit();
                c.setAutoCommit(true);
                if (n > 0) {
                    deleted.put(tenant.toString(), n);
                }
            }
        }
        return deleted;
    }

    @Test
    void expiredContentIsPurgedAndTheChainStillVerifies() throws Exception {
        ChainFixture f = tenantWithRetention(ContentRetention.FULL, 1);
        RecordedEvent e = withContent(f, "hello ann@example.com");
        assertThat(stored(f)).isEqualTo(1);
        try (Connection c = Db.asApp()) {
            var content = RetentionRows.content(c, f.chain, contentHashOf(c, e)).orElseThrow();
            assertThat(content.body()).contains("ann@example.com");
        }
        assertThat(purge()).doesNotContainKey(f.chain); // not yet expired
        age(f, 2);
        assertThat(purge()).containsEntry(f.chain, 1L);
        assertThat(stored(f)).isZero();
        assertThat(f.verify().valid()).isTrue();
    }

    @Test
    void aLegalHoldStopsThePurgeUntilReleased() throws Exception {
        ChainFixture f = tenantWithRetention(ContentRetention.FULL, 1);
        withContent(f, "under hold");
        UUID hold = UUID.randomUUID();
        try (Connection c = Db.asApp()) {
            RetentionRows.addHold(
                    c,
                    f.tenant.value(),
                    new RetentionRows.Hold(hold, "litigation", Instant.now(), "test", null, null));
        }
        age(f, 5);
        assertThat(purge()).doesNotContainKey(f.chain);
        assertThat(stored(f)).isEqualTo(1);
        try (Connection c = Db.asApp()) {
            assertThat(RetentionRows.releaseHold(c, f.tenant.value(), hold, Instant.now(), "test"))
                    .isTrue();
            assertThat(RetentionRows.releaseHold(c, f.tenant.value(), hold, Instant.now(), "test"))
                    .isFalse();
        }
        assertThat(purge()).containsEntry(f.chain, 1L);
        assertThat(f.verify().valid()).isTrue();
    }

    @Test
    void theRuntimeRoleMayDeleteContentButNotEvents() throws Exception {
        ChainFixture f = tenantWithRetention(ContentRetention.FULL, 30);
        withContent(f, "deletable");
        try (Connection c = Db.asApp()) {
            assertThat(
                            c.createStatement()
                                    .executeUpdate(
                                            "DELETE FROM audit_contents WHERE chain_id = '"
                                                    + f.chain
                                                    + "'"))
                    .isEqualTo(1);
        }
        assertThat(f.verify().valid()).isTrue();
    }

    private static String contentHashOf(Connection c, RecordedEvent e) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT content_hash FROM audit_events WHERE event_id = ?")) {
            ps.setObject(1, e.eventId());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
