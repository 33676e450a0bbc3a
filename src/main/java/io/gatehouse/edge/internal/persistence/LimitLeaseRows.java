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
import javax.sql.DataSource;

/**
 * Takes slices of a limit's window from PostgreSQL in one call of {@code edge_limit_lease} (V49),
 * which locks the window's row: concurrent instances each get a disjoint slice, the sum of what is
 * granted never exceeds the limit, and a slice's unused part goes back to the window when its
 * instance settles it. An instance refused while others hold slices requests a drain; {@link
 * #drainsRequested} tells the holders.
 */
@ApplicationScoped
public class LimitLeaseRows {
    private static final String LEASE =
            "SELECT leased, total, held_elsewhere, drain_ms"
                    + " FROM edge_limit_lease(?, ?, ?, ?, ?, ?, ?)";

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /**
     * What one lease call obtained (0: refused), how much of the window is granted in total now,
     * how much other instances still hold in unsettled slices, and for how many milliseconds a
     * drain of those slices has been requested (0: none or just now).
     */
    public record Lease(long granted, long totalGranted, long heldElsewhere, long drainMillis) {}

    /** A limit's window. */
    public record Window(String subject, Instant start) {}

    /**
     * Settles this instance's previous slice ({@code unused} units back, {@code release} held units
     * no longer held) and takes {@code take} units plus up to {@code want - take} more as a new
     * slice; all or nothing for {@code take}.
     */
    public Lease lease(
            String subject,
            Instant windowStart,
            long limit,
            long take,
            long want,
            long unused,
            long release) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LEASE)) {
            ps.setString(1, subject);
            ps.setTimestamp(2, Timestamp.from(windowStart));
            ps.setLong(3, limit);
            ps.setLong(4, take);
            ps.setLong(5, want);
            ps.setLong(6, unused);
            ps.setLong(7, release);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Lease(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not lease from limit " + subject, e);
        }
    }

    /** Windows whose holders are asked to give back their unused slices (a handful at most). */
    public List<Window> drainsRequested() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT subject, window_start FROM edge_limit_windows"
                                        + " WHERE drain_requested_at IS NOT NULL")) {
            List<Window> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Window(rs.getString(1), rs.getTimestamp(2).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read limit drain requests", e);
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
