package io.gatehouse.edge.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Failed logins per (lower-cased username, client address) in {@code edge_login_failures}, shared
 * by all instances. An attempt is counted before its password is checked, so parallel guesses
 * cannot slip past the limit; a success deletes its row. Runs in the caller's transaction.
 */
@ApplicationScoped
public class LoginFailureRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /**
     * The pair's attempts in the current window (this one included) and whether it is locked out.
     */
    public record Charge(int attempts, boolean locked) {}

    public Charge charge(String username, String client, Duration window) {
        String expired = "f.window_start <= now() - make_interval(secs => ?)";
        String sql =
                "INSERT INTO edge_login_failures AS f (username, client, failures, window_start)"
                        + " VALUES (?, ?, 1, now())"
                        + " ON CONFLICT (username, client) DO UPDATE SET"
                        + " failures = CASE WHEN f.locked_until > now() THEN f.failures"
                        + "   WHEN "
                        + expired
                        + " THEN 1 ELSE f.failures + 1 END,"
                        + " window_start = CASE WHEN f.locked_until > now() THEN f.window_start"
                        + "   WHEN "
                        + expired
                        + " THEN now() ELSE f.window_start END,"
                        + " locked_until = CASE WHEN f.locked_until > now() THEN f.locked_until END"
                        + " RETURNING failures, coalesce(locked_until > now(), false)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, username);
            ps.setString(2, client);
            ps.setDouble(3, window.toSeconds());
            ps.setDouble(4, window.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Charge(rs.getInt(1), rs.getBoolean(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count the login attempt", e);
        }
    }

    /** Attempts of a username from all addresses in the current window. */
    public int recentAttempts(String username, Duration window) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT coalesce(sum(failures), 0) FROM edge_login_failures"
                                        + " WHERE username = ? AND window_start > now() - make_interval(secs => ?)")) {
            ps.setString(1, username);
            ps.setDouble(2, window.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read login failures", e);
        }
    }

    /** Locks the pair out when it has used up its attempts; true when this call locked it. */
    public boolean lockIfExhausted(
            String username, String client, int maxAttempts, Duration lockout) {
        return update(
                        "UPDATE edge_login_failures SET locked_until = now() + make_interval(secs => ?)"
                                + " WHERE username = ? AND client = ? AND failures >= ?"
                                + " AND (locked_until IS NULL OR locked_until <= now())",
                        ps -> {
                            ps.setDouble(1, lockout.toSeconds());
                            ps.setString(2, username);
                            ps.setString(3, client);
                            ps.setInt(4, maxAttempts);
                        })
                > 0;
    }

    public void clear(String username, String client) {
        update(
                "DELETE FROM edge_login_failures WHERE username = ? AND client = ?",
                ps -> {
                    ps.setString(1, username);
                    ps.setString(2, client);
                });
    }

    /** Forgets every failure of a username (an admin reset its password). */
    public void clearUser(String username) {
        update(
                "DELETE FROM edge_login_failures WHERE username = ?",
                ps -> ps.setString(1, username));
    }

    /** Rows whose window and lock-out are both over. */
    public void removeExpired(Duration window) {
        update(
                "DELETE FROM edge_login_failures WHERE window_start < now() - make_interval(secs => ?)"
                        + " AND (locked_until IS NULL OR locked_until < now())",
                ps -> ps.setDouble(1, window.toSeconds()));
    }

    /**
     * Lower-cased usernames of a tenant that are locked out from some address, with the lock's end.
     */
    public Map<String, Instant> lockedUntil(UUID tenant) {
        Map<String, Instant> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT f.username, max(f.locked_until) FROM edge_login_failures f"
                                        + " JOIN edge_users u ON lower(u.username) = f.username"
                                        + " WHERE u.tenant_id = ? AND f.locked_until > now() GROUP BY f.username")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read lock-outs", e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not update login failures", e);
        }
    }
}
