package io.gatehouse.routing.internal.persistence;

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
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code routing_breaker_states} (V52): the last known state of every instance's circuit breaker
 * per provider, written on each transition, read by the statistics API.
 */
@ApplicationScoped
public class BreakerStateRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** One instance's breaker of one provider, as last written. */
    public record Row(String instance, String provider, String state, Instant changedAt) {}

    /**
     * Stores a transition unless a later one of the same breaker is already stored (writes may
     * arrive out of order); closed rows a day old are dropped on the way.
     */
    public void record(
            String instance,
            UUID providerId,
            UUID tenant,
            String provider,
            String state,
            long openMs,
            Instant at)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement del =
                    c.prepareStatement(
                            "DELETE FROM routing_breaker_states WHERE state = 'closed'"
                                    + " AND changed_at < now() - interval '1 day'")) {
                del.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_breaker_states (instance, provider_id, tenant_id, provider,"
                                    + " state, open_ms, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                                    + " ON CONFLICT (instance, provider_id) DO UPDATE SET state = EXCLUDED.state,"
                                    + " provider = EXCLUDED.provider, open_ms = EXCLUDED.open_ms,"
                                    + " changed_at = EXCLUDED.changed_at"
                                    + " WHERE routing_breaker_states.changed_at <= EXCLUDED.changed_at")) {
                ps.setString(1, instance);
                ps.setObject(2, providerId);
                ps.setObject(3, tenant);
                ps.setString(4, provider);
                ps.setString(5, state);
                ps.setLong(6, openMs);
                ps.setTimestamp(7, Timestamp.from(at));
                ps.executeUpdate();
            }
        }
    }

    /**
     * The breakers of the tenant's providers and of global ones, on every instance that wrote one;
     * an open breaker whose open period has passed reads as half-open (as the breaker itself does).
     * The query is cancelled after {@code timeoutSeconds} (SQLState 57014).
     */
    public List<Row> list(UUID tenant, int timeoutSeconds) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT instance, provider, CASE WHEN state = 'open' AND changed_at"
                                        + " + open_ms * interval '1 millisecond' <= now() THEN 'half_open'"
                                        + " ELSE state END, changed_at FROM routing_breaker_states"
                                        + " WHERE tenant_id = ? OR tenant_id IS NULL"
                                        + " ORDER BY provider, instance")) {
            ps.setObject(1, tenant);
            ps.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Row(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return out;
    }
}
