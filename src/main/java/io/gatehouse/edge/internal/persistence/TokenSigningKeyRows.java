package io.gatehouse.edge.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Token signing keys in PostgreSQL, shared by every instance. Changes run in the caller's JTA
 * transaction under one advisory lock, so instances starting, rotating or revoking together agree
 * on a single active key. Only the active key keeps its private half.
 */
@ApplicationScoped
public class TokenSigningKeyRows {
    /**
     * A stored key; {@code privateKeySealed} is sealed under the master key, and null once the key
     * is retired or revoked.
     */
    public record StoredKey(
            String kid,
            String algorithm,
            String publicJwk,
            String privateKeySealed,
            Instant createdAt,
            Instant retiredAt,
            Instant revokedAt) {}

    private static final String COLUMNS =
            "kid, algorithm, public_jwk, private_key_sealed, created_at, retired_at, revoked_at";

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    public List<StoredKey> all() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + COLUMNS
                                        + " FROM edge_signing_keys ORDER BY created_at");
                ResultSet rs = ps.executeQuery()) {
            List<StoredKey> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read signing keys", e);
        }
    }

    /** Takes the lock for changing keys; held until the caller's transaction ends. */
    public void lock() {
        run("SELECT pg_advisory_xact_lock(7002, 1)");
    }

    /** The active key, if any (call under {@link #lock}). */
    public Optional<StoredKey> active() {
        return one("SELECT " + COLUMNS + " FROM edge_signing_keys WHERE retired_at IS NULL", null);
    }

    public Optional<StoredKey> find(String kid) {
        return one("SELECT " + COLUMNS + " FROM edge_signing_keys WHERE kid = ?", kid);
    }

    /** Retires the active key (it stops signing and loses its private half); returns its kid. */
    public Optional<String> retireActive() {
        Optional<StoredKey> active = active();
        active.ifPresent(
                k ->
                        update(
                                "UPDATE edge_signing_keys SET retired_at = now(), private_key_sealed = NULL WHERE kid = ?",
                                k.kid()));
        return active.map(StoredKey::kid);
    }

    /** Revokes a key: retired if it was not, and never verified again. */
    public void revoke(String kid) {
        update(
                "UPDATE edge_signing_keys SET revoked_at = now(), retired_at = coalesce(retired_at, now()),"
                        + " private_key_sealed = NULL WHERE kid = ?",
                kid);
    }

    public void insert(StoredKey k) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ins =
                        c.prepareStatement(
                                "INSERT INTO edge_signing_keys (kid, algorithm, public_jwk, private_key_sealed)"
                                        + " VALUES (?,?,?,?)")) {
            ins.setString(1, k.kid());
            ins.setString(2, k.algorithm());
            ins.setString(3, k.publicJwk());
            ins.setString(4, k.privateKeySealed());
            ins.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store a signing key", e);
        }
    }

    private Optional<StoredKey> one(String sql, String kid) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            if (kid != null) {
                ps.setString(1, kid);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read signing keys", e);
        }
    }

    private void update(String sql, String kid) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, kid);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not change a signing key", e);
        }
    }

    private void run(String sql) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not lock the signing keys", e);
        }
    }

    private static StoredKey row(ResultSet rs) throws SQLException {
        return new StoredKey(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getTimestamp(5).toInstant(),
                instant(rs.getTimestamp(6)),
                instant(rs.getTimestamp(7)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
