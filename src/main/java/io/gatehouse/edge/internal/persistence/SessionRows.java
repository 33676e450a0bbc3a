package io.gatehouse.edge.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Console sessions (V64): started OpenID Connect flows, session families with their rotating
 * refresh tokens, and one-time login codes. Only hashes of the secrets are stored. Every take is a
 * single conditional statement, so two instances can never both use one state, code or token. Runs
 * in the caller's transaction when there is one.
 *
 * <p>Long on purpose: every statement on the four session tables is here, next to each other, so
 * that the conditional takes (state with binding, code, token with its grace window) and the
 * revocations that must stay consistent with them can be read and reviewed together.
 */
@ApplicationScoped
public class SessionRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** A started authorization-code flow. */
    public record Flow(String bindingHash, String nonce, String codeVerifier, String returnTo) {}

    /** A console session. */
    public record Family(
            UUID id,
            UUID tenantId,
            String kind,
            String subject,
            String username,
            List<String> roles,
            String idToken,
            Instant createdAt,
            Instant absoluteExpiry,
            Instant revokedAt,
            List<String> groups,
            String tenantClaim) {}

    /** What presenting a refresh token found. */
    public enum Presented {
        /** Unused and unexpired: now used. */
        ROTATED,
        /** Already used once: reuse. */
        REUSED,
        /** Unused but past its expiry. */
        EXPIRED,
        /** Not a token of ours. */
        UNKNOWN
    }

    /**
     * What presenting found; for REUSED, whether it is within the grace window of its rotation with
     * its successor still unused ({@code inGrace}), and the sealed answer of that rotation.
     */
    public record Rotation(Presented outcome, UUID familyId, boolean inGrace, String sealed) {
        Rotation(Presented outcome, UUID familyId) {
            this(outcome, familyId, false, null);
        }
    }

    /**
     * Stores a started flow unless its client address already has {@code maxPerClient} unexpired
     * ones (false: refused, nothing stored). Expired flows are purged first.
     */
    public boolean saveFlow(
            String stateHash,
            String bindingHash,
            String nonce,
            String codeVerifier,
            String returnTo,
            Instant expiresAt,
            String clientKey,
            int maxPerClient) {
        update("DELETE FROM edge_oidc_flows WHERE expires_at < now()");
        return update(
                        "INSERT INTO edge_oidc_flows (state_hash, binding_hash, nonce, code_verifier,"
                                + " return_to, expires_at, client_key)"
                                + " SELECT ?,?,?,?,?,?,? WHERE (SELECT count(*) FROM edge_oidc_flows"
                                + " WHERE client_key = ? AND expires_at > now()) < ?",
                        stateHash,
                        bindingHash,
                        nonce,
                        codeVerifier,
                        returnTo,
                        Timestamp.from(expiresAt),
                        clientKey,
                        clientKey,
                        maxPerClient)
                == 1;
    }

    /**
     * The flow of this state and this browser binding, deleted as it is read (single-use); empty
     * when unknown, expired or another browser's (which leaves the flow to its own browser).
     */
    public Optional<Flow> takeFlow(String stateHash, String bindingHash) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "DELETE FROM edge_oidc_flows WHERE state_hash = ? AND binding_hash = ?"
                                        + " RETURNING binding_hash, nonce, code_verifier, return_to,"
                                        + " expires_at > now()")) {
            ps.setString(1, stateHash);
            ps.setString(2, bindingHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(5)) {
                    return Optional.empty();
                }
                return Optional.of(
                        new Flow(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4)));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    public void createFamily(Family f) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO edge_session_families (id, tenant_id, kind, subject,"
                                        + " username, roles, id_token, created_at, absolute_expiry,"
                                        + " groups, tenant_claim) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setObject(1, f.id());
            ps.setObject(2, f.tenantId());
            ps.setString(3, f.kind());
            ps.setString(4, f.subject());
            ps.setString(5, f.username());
            Array roles = c.createArrayOf("text", f.roles().toArray());
            ps.setArray(6, roles);
            ps.setString(7, f.idToken());
            ps.setTimestamp(8, Timestamp.from(f.createdAt()));
            ps.setTimestamp(9, Timestamp.from(f.absoluteExpiry()));
            ps.setArray(
                    10, f.groups() == null ? null : c.createArrayOf("text", f.groups().toArray()));
            ps.setString(11, f.tenantClaim());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
        // sessions a day past their absolute lifetime renew nothing and tell nothing more than
        // the audit trail does: gone, with their refresh tokens and login codes (cascade)
        update(
                "DELETE FROM edge_session_families"
                        + " WHERE absolute_expiry < now() - interval '1 day'");
    }

    public Optional<Family> family(UUID id) {
        return family(id, "");
    }

    /**
     * The family, its row locked until the transaction ends: a renewal and a revocation (reuse,
     * sign-out) of the same family take turns, so no access token is issued past a revocation.
     */
    public Optional<Family> lockedFamily(UUID id) {
        return family(id, " FOR UPDATE");
    }

    private Optional<Family> family(UUID id, String lock) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id, tenant_id, kind, subject, username, roles, id_token,"
                                        + " created_at, absolute_expiry, revoked_at, groups,"
                                        + " tenant_claim FROM edge_session_families WHERE id = ?"
                                        + lock)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp revoked = rs.getTimestamp(10);
                Array groups = rs.getArray(11);
                return Optional.of(
                        new Family(
                                rs.getObject(1, UUID.class),
                                rs.getObject(2, UUID.class),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                List.of((String[]) rs.getArray(6).getArray()),
                                rs.getString(7),
                                rs.getTimestamp(8).toInstant(),
                                rs.getTimestamp(9).toInstant(),
                                revoked == null ? null : revoked.toInstant(),
                                groups == null ? null : List.of((String[]) groups.getArray()),
                                rs.getString(12)));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * Ends a family and, in the same transaction, revokes every access token it issued that has not
     * expired yet (their jti join the revocation list): a session that ends stops working at once.
     */
    public boolean revokeFamily(UUID id, String reason) {
        boolean now =
                update(
                                "UPDATE edge_session_families SET revoked_at = now(), revoked_reason = ?"
                                        + " WHERE id = ? AND revoked_at IS NULL",
                                reason,
                                id)
                        == 1;
        update(
                "INSERT INTO edge_revoked_tokens (jti, expires_at)"
                        + " SELECT access_jti, access_expires_at FROM edge_refresh_tokens"
                        + " WHERE family_id = ? AND access_jti IS NOT NULL"
                        + " AND access_expires_at > now()"
                        + " ON CONFLICT DO NOTHING",
                id);
        update(
                "UPDATE edge_refresh_tokens SET successor_sealed = NULL"
                        + " WHERE family_id = ? AND successor_sealed IS NOT NULL",
                id);
        return now;
    }

    /**
     * The ids of a person's families in a tenant that are not revoked yet, locked; {@code known}
     * tells whether the tenant has any family of that subject at all.
     */
    public record SubjectFamilies(boolean known, List<UUID> live) {}

    public SubjectFamilies familiesOf(UUID tenantId, String subject) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id, revoked_at IS NULL AND absolute_expiry > now()"
                                        + " FROM edge_session_families"
                                        + " WHERE tenant_id = ? AND subject = ? ORDER BY id FOR UPDATE")) {
            ps.setObject(1, tenantId);
            ps.setString(2, subject);
            boolean known = false;
            List<UUID> live = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known = true;
                    if (rs.getBoolean(2)) {
                        live.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return new SubjectFamilies(known, live);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * After a rotation: the presented token's successor, and the rotation's answer sealed under a
     * key only the presented token's holder can derive (the grace window's replay).
     */
    public void recordSuccessor(String usedHash, String successorHash, String sealed) {
        update(
                "UPDATE edge_refresh_tokens SET successor_hash = ?, successor_sealed = ?"
                        + " WHERE token_hash = ?",
                successorHash,
                sealed,
                usedHash);
    }

    /**
     * A new refresh token of a family, with the jti and expiry of the access token issued with it
     * (so that ending the family can revoke that access token).
     */
    public void addRefreshToken(
            String tokenHash,
            UUID familyId,
            Instant expiresAt,
            String accessJti,
            Instant accessExpiresAt) {
        update(
                "INSERT INTO edge_refresh_tokens (token_hash, family_id, expires_at, access_jti,"
                        + " access_expires_at) VALUES (?,?,?,?,?)",
                tokenHash,
                familyId,
                Timestamp.from(expiresAt),
                accessJti,
                Timestamp.from(accessExpiresAt));
    }

    /**
     * Marks a refresh token used, once; says what it found. A used one is {@code inGrace} when it
     * was used less than {@code graceSeconds} ago and its successor is still unused.
     */
    public Rotation use(String tokenHash, long graceSeconds) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE edge_refresh_tokens SET used_at = now()"
                                        + " WHERE token_hash = ? AND used_at IS NULL AND expires_at > now()"
                                        + " RETURNING family_id");
                PreparedStatement seen =
                        c.prepareStatement(
                                "SELECT t.family_id, t.used_at IS NOT NULL,"
                                        + " t.used_at > clock_timestamp() - make_interval(secs => ?)"
                                        + " AND s.token_hash IS NOT NULL AND s.used_at IS NULL,"
                                        + " t.successor_sealed"
                                        + " FROM edge_refresh_tokens t LEFT JOIN edge_refresh_tokens s"
                                        + " ON s.token_hash = t.successor_hash"
                                        + " WHERE t.token_hash = ?")) {
            ps.setString(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Rotation(Presented.ROTATED, rs.getObject(1, UUID.class));
                }
            }
            seen.setDouble(1, graceSeconds);
            seen.setString(2, tokenHash);
            try (ResultSet rs = seen.executeQuery()) {
                if (!rs.next()) {
                    return new Rotation(Presented.UNKNOWN, null);
                }
                boolean used = rs.getBoolean(2);
                return new Rotation(
                        used ? Presented.REUSED : Presented.EXPIRED,
                        rs.getObject(1, UUID.class),
                        used && rs.getBoolean(3) && rs.getString(4) != null,
                        rs.getString(4));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** The family a refresh token belongs to, without using it (sign-out). */
    public Optional<UUID> familyOf(String tokenHash) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT family_id FROM edge_refresh_tokens WHERE token_hash = ?")) {
            ps.setString(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** A taken login code: its family and the hash of the browser binding it belongs to. */
    public record LoginCode(UUID familyId, String bindingHash) {}

    public void saveLoginCode(
            String codeHash, UUID familyId, String bindingHash, Instant expiresAt) {
        update(
                "INSERT INTO edge_login_codes (code_hash, family_id, binding_hash, expires_at)"
                        + " VALUES (?,?,?,?)",
                codeHash,
                familyId,
                bindingHash,
                Timestamp.from(expiresAt));
        update("DELETE FROM edge_login_codes WHERE expires_at < now() - interval '1 hour'");
    }

    /**
     * The family of a login code, deleted as it is read (single-use); empty when unknown/expired.
     */
    public Optional<LoginCode> takeLoginCode(String codeHash) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "DELETE FROM edge_login_codes WHERE code_hash = ?"
                                        + " RETURNING family_id, expires_at > now(), binding_hash")) {
            ps.setString(1, codeHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(2)) {
                    return Optional.empty();
                }
                return Optional.of(new LoginCode(rs.getObject(1, UUID.class), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static RuntimeException failed(SQLException e) {
        return new io.gatehouse.shared.error.ServiceUnavailableException(
                "database_unavailable", "Sessions cannot be read or written right now");
    }
}
