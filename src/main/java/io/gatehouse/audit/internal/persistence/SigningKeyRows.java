package io.gatehouse.audit.internal.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rows of audit_signing_keys: the checkpoint signing keys, private halves sealed. The runtime role
 * only reads them; keys are added (and the active one retired) by the SECURITY DEFINER function
 * audit_add_signing_key (V45).
 */
public final class SigningKeyRows {
    /**
     * One key; {@code retiredAt} null for the key that signs now. {@code introducedBy} and {@code
     * introduction}: the key it replaced and that key's signature of it (both null when none).
     */
    public record StoredKey(
            String keyId,
            String algorithm,
            String publicKey,
            String sealedPrivateKey,
            Instant createdAt,
            Instant retiredAt,
            String introducedBy,
            String introduction) {}

    private static final String COLS =
            "key_id, algorithm, public_key, private_key_sealed, created_at, retired_at, introduced_by,"
                    + " introduction";

    private SigningKeyRows() {}

    public static List<StoredKey> all(Connection c) throws SQLException {
        try (PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT " + COLS + " FROM audit_signing_keys ORDER BY created_at");
                ResultSet rs = ps.executeQuery()) {
            List<StoredKey> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        }
    }

    public static Optional<StoredKey> active(Connection c) throws SQLException {
        try (PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + COLS
                                        + " FROM audit_signing_keys WHERE retired_at IS NULL");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    /** Serializes key creation and rotation across instances (until the transaction ends). */
    public static void lockKeys(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(7002, 0)")) {
            ps.execute();
        }
    }

    /**
     * Adds a key and makes it the active one, retiring {@code replaces} (which must be the active
     * key, or null when there is none); returns the key as stored (the database sets its time).
     */
    public static StoredKey create(
            Connection c,
            String keyId,
            String algorithm,
            String publicKey,
            String sealedPrivateKey,
            String replaces,
            String introduction)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT audit_add_signing_key(?,?,?,?,?,?)")) {
            ps.setString(1, keyId);
            ps.setString(2, algorithm);
            ps.setString(3, publicKey);
            ps.setString(4, sealedPrivateKey);
            ps.setString(5, replaces);
            ps.setString(6, introduction);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Instant created = rs.getObject(1, OffsetDateTime.class).toInstant();
                return new StoredKey(
                        keyId,
                        algorithm,
                        publicKey,
                        sealedPrivateKey,
                        created,
                        null,
                        introduction == null ? null : replaces,
                        introduction);
            }
        }
    }

    private static StoredKey read(ResultSet rs) throws SQLException {
        OffsetDateTime retired = rs.getObject("retired_at", OffsetDateTime.class);
        return new StoredKey(
                rs.getString("key_id"),
                rs.getString("algorithm"),
                rs.getString("public_key"),
                rs.getString("private_key_sealed"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                retired == null ? null : retired.toInstant(),
                rs.getString("introduced_by"),
                rs.getString("introduction"));
    }
}
