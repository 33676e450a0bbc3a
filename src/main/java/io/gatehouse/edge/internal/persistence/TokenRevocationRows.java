package io.gatehouse.edge.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Whether an access token is still good. Built-in: not logged out, its user active, and issued
 * after the user's last password change or disablement. External: its jti (when it has one) not
 * logged out. One indexed query per management request.
 */
@ApplicationScoped
public class TokenRevocationRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    public boolean isValid(UUID userId, String jti, Instant issuedAt) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT u.status = 'active' AND u.tokens_valid_after <= ?"
                                        + " AND NOT EXISTS (SELECT 1 FROM edge_revoked_tokens r WHERE r.jti = ?)"
                                        + " FROM edge_users u WHERE u.id = ?")) {
            ps.setTimestamp(1, Timestamp.from(issuedAt));
            ps.setString(2, jti);
            ps.setObject(3, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            // fail closed: without the database a token's revocation cannot be ruled out
            throw new io.gatehouse.shared.error.ServiceUnavailableException(
                    "database_unavailable", "The token cannot be checked right now");
        }
    }

    /** Whether an external token's (namespaced) jti was logged out. */
    public boolean isRevoked(String jti) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT 1 FROM edge_revoked_tokens WHERE jti = ?")) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new io.gatehouse.shared.error.ServiceUnavailableException(
                    "database_unavailable", "The token cannot be checked right now");
        }
    }

    public void revoke(String jti, Instant expiresAt) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO edge_revoked_tokens (jti, expires_at) VALUES (?,?) ON CONFLICT DO NOTHING");
                PreparedStatement cleanup =
                        c.prepareStatement(
                                "DELETE FROM edge_revoked_tokens WHERE expires_at < now()")) {
            ps.setString(1, jti);
            ps.setTimestamp(2, Timestamp.from(expiresAt));
            ps.executeUpdate();
            cleanup.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not revoke the token", e);
        }
    }
}
