package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.shared.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Rows of audit_retention, audit_legal_holds and audit_contents; the purge. */
public final class RetentionRows {
    /** A tenant's setting. */
    public record Setting(
            ContentRetention mode, int retentionDays, Instant updatedAt, String updatedBy) {}

    /** A legal hold; {@code releasedAt} null while in force. */
    public record Hold(
            UUID id,
            String reason,
            Instant createdAt,
            String createdBy,
            Instant releasedAt,
            String releasedBy) {}

    /** A stored body. */
    public record StoredContent(String contentHash, String form, String body, Instant storedAt) {}

    private RetentionRows() {}

    public static Optional<Setting> setting(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT mode, retention_days, updated_at, updated_by FROM audit_retention WHERE tenant_id = ?")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(
                        new Setting(
                                ContentRetention.fromWireName(rs.getString(1)).orElseThrow(),
                                rs.getInt(2),
                                rs.getObject(3, OffsetDateTime.class).toInstant(),
                                rs.getString(4)));
            }
        }
    }

    public static void upsert(Connection c, UUID tenant, Setting s) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO audit_retention (tenant_id, mode, retention_days, updated_at, updated_by)"
                                + " VALUES (?,?,?,?,?) ON CONFLICT (tenant_id) DO UPDATE SET mode = EXCLUDED.mode,"
                                + " retention_days = EXCLUDED.retention_days, updated_at = EXCLUDED.updated_at,"
                                + " updated_by = EXCLUDED.updated_by")) {
            ps.setObject(1, tenant);
            ps.setString(2, s.mode().wireName());
            ps.setInt(3, s.retentionDays());
            ps.setTimestamp(4, Timestamp.from(s.updatedAt()));
            ps.setString(5, s.updatedBy());
            ps.executeUpdate();
        }
    }

    /**
     * Serializes changes to a tenant's retention and holds until the transaction ends, so that a
     * hold placed while the retention is being shortened is seen by the shortening (or comes after
     * it). Key space 7002 (the audit chains lock under 7001).
     */
    public static void lockTenant(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT pg_advisory_xact_lock(7002, hashtext(?))")) {
            ps.setString(1, tenant.toString());
            ps.executeQuery().close();
        }
    }

    /**
     * Bounds how long the rest of this transaction waits for any lock, the hold lock included: past
     * it the statement fails with SQLSTATE 55P03 ({@code lock_not_available}).
     */
    public static void lockTimeout(Connection c, int seconds) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '" + seconds + "s'");
        }
    }

    /** True while the tenant has a hold that is not released. */
    public static boolean hasActiveHold(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT EXISTS (SELECT 1 FROM audit_legal_holds WHERE tenant_id = ? AND released_at IS NULL)")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    public static void addHold(Connection c, UUID tenant, Hold h) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO audit_legal_holds (id, tenant_id, reason, created_at, created_by)"
                                + " VALUES (?,?,?,?,?)")) {
            ps.setObject(1, h.id());
            ps.setObject(2, tenant);
            ps.setString(3, h.reason());
            ps.setTimestamp(4, Timestamp.from(h.createdAt()));
            ps.setString(5, h.createdBy());
            ps.executeUpdate();
        }
    }

    /** Releases a hold of this tenant; false when there is no such active hold. */
    public static boolean releaseHold(Connection c, UUID tenant, UUID id, Instant at, String by)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "UPDATE audit_legal_holds SET released_at = ?, released_by = ?"
                                + " WHERE id = ? AND tenant_id = ? AND released_at IS NULL")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, by);
            ps.setObject(3, id);
            ps.setObject(4, tenant);
            return ps.executeUpdate() == 1;
        }
    }

    public static List<Hold> holds(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT id, reason, created_at, created_by, released_at, released_by"
                                + " FROM audit_legal_holds WHERE tenant_id = ? ORDER BY created_at")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                List<Hold> out = new ArrayList<>();
                while (rs.next()) {
                    OffsetDateTime rel = rs.getObject(5, OffsetDateTime.class);
                    out.add(
                            new Hold(
                                    rs.getObject(1, UUID.class),
                                    rs.getString(2),
                                    rs.getObject(3, OffsetDateTime.class).toInstant(),
                                    rs.getString(4),
                                    rel == null ? null : rel.toInstant(),
                                    rs.getString(6)));
                }
                return out;
            }
        }
    }

    public static Optional<StoredContent> content(Connection c, String chain, String hash)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT content_hash, form, body::text, stored_at FROM audit_contents"
                                + " WHERE chain_id = ? AND content_hash = ?")) {
            ps.setString(1, chain);
            ps.setString(2, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(
                                new StoredContent(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getObject(4, OffsetDateTime.class).toInstant()))
                        : Optional.empty();
            }
        }
    }

    /**
     * {@link #purgeTenant} and, on the same connection and so in the same transaction, one {@code
     * audit.content.purge} event (actor {@code system}/{@code retention-purge}, detail {@code
     * deleted}) when it deleted anything: the bodies are gone exactly when the trail says so, and a
     * failed append rolls the deletion back for the next run to retry.
     */
    public static long purgeRecorded(Connection c, UUID tenant, Instant now) throws SQLException {
        long deleted = purgeTenant(c, tenant, now);
        if (deleted > 0) {
            AuditAppend.on(
                    c,
                    AuditEvent.of(
                                    TenantId.of(tenant.toString()),
                                    "system",
                                    PURGE_ACTOR,
                                    PURGE_ACTION)
                            .detail("deleted", deleted)
                            .build());
        }
        return deleted;
    }

    /** The purge event's actor and action. */
    public static final String PURGE_ACTOR = "retention-purge";

    public static final String PURGE_ACTION = "audit.content.purge";

    /**
     * The tenants with bodies older than their retention period at {@code now}: the candidates of a
     * purge run. Read without the hold lock; {@link #purgeTenant} decides under it.
     */
    public static List<UUID> tenantsWithExpiredContent(Connection c, Instant now)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT r.tenant_id FROM audit_retention r WHERE EXISTS (SELECT 1 FROM"
                                + " audit_contents ct WHERE ct.chain_id = r.tenant_id::text AND"
                                + " ct.stored_at < CAST(? AS timestamptz) - make_interval(days =>"
                                + " r.retention_days)) ORDER BY r.tenant_id")) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                List<UUID> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
                return out;
            }
        }
    }

    /**
     * Deletes the tenant's stored bodies older than its retention period unless it has an active
     * legal hold, deciding under the tenant's hold lock ({@link #lockTenant}): a hold whose
     * transaction is still open is invisible to a plain read, so the check and the deletion wait
     * for it and the hold wins. {@code c} must be in a transaction (the lock is held until it
     * ends). Returns the number deleted; the events keep their content hashes.
     */
    public static long purgeTenant(Connection c, UUID tenant, Instant now) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("The purge runs in a transaction that holds the lock");
        }
        lockTenant(c, tenant);
        if (hasActiveHold(c, tenant)) {
            return 0;
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "DELETE FROM audit_contents ct USING audit_retention r"
                                + " WHERE r.tenant_id = ? AND ct.chain_id = r.tenant_id::text"
                                + " AND ct.stored_at < CAST(? AS timestamptz)"
                                + " - make_interval(days => r.retention_days)")) {
            ps.setObject(1, tenant);
            ps.setTimestamp(2, Timestamp.from(now));
            return ps.executeUpdate();
        }
    }
}
