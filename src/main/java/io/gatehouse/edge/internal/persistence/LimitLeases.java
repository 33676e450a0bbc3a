package io.gatehouse.edge.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Takes slices of a limit's window from PostgreSQL in one atomic statement. The row is locked for
 * the update, so concurrent instances each get a disjoint slice and the sum of what was granted
 * never exceeds the limit.
 */
@ApplicationScoped
public class LimitLeases {
    private static final String LEASE =
            "INSERT INTO edge_limit_windows AS w (subject, window_start, granted, last_grant)"
                    + " VALUES (?, ?, LEAST(?, ?), LEAST(?, ?))"
                    + " ON CONFLICT (subject, window_start) DO UPDATE"
                    + " SET last_grant = GREATEST(0, LEAST(EXCLUDED.last_grant, ? - w.granted)),"
                    + "     granted = w.granted + GREATEST(0, LEAST(EXCLUDED.last_grant, ? - w.granted))"
                    + " RETURNING last_grant, granted";

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** What one lease call obtained, and how much of the window is granted in total now. */
    public record Lease(long granted, long totalGranted) {}

    public Lease lease(String subject, Instant windowStart, long want, long limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LEASE)) {
            ps.setString(1, subject);
            ps.setTimestamp(2, Timestamp.from(windowStart));
            ps.setLong(3, want);
            ps.setLong(4, limit);
            ps.setLong(5, want);
            ps.setLong(6, limit);
            ps.setLong(7, limit);
            ps.setLong(8, limit);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Lease(rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not lease from limit " + subject, e);
        }
    }

    /** Adds usage beyond what was leased (a settle that came out higher than its reservation). */
    public void charge(String subject, Instant windowStart, long amount) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO edge_limit_windows AS w (subject, window_start, granted, last_grant)"
                                        + " VALUES (?, ?, ?, 0) ON CONFLICT (subject, window_start) DO UPDATE"
                                        + " SET granted = w.granted + EXCLUDED.granted")) {
            ps.setString(1, subject);
            ps.setTimestamp(2, Timestamp.from(windowStart));
            ps.setLong(3, amount);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not charge limit " + subject, e);
        }
    }

    public void purgeBefore(Instant before) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "DELETE FROM edge_limit_windows WHERE window_start < ?")) {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not purge limit windows", e);
        }
    }
}
