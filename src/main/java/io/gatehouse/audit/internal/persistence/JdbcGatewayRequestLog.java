package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.shared.TenantId;
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

/** {@link GatewayRequestLog} over {@code audit_events} (read-only, as the runtime role). */
@ApplicationScoped
public class JdbcGatewayRequestLog implements GatewayRequestLog {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** The audit column behind each grouping (never client text in SQL). */
    private static String column(Grouping g) {
        return switch (g) {
            case KEY -> "key_id";
            case ROUTE -> "route";
            case MODEL -> "model";
            case PROVIDER -> "provider";
        };
    }

    /**
     * A tenant's events are exactly its chain (CHECK chain_id = tenant_id::text), so these reads
     * filter by chain_id and use the (chain_id, occurred_at) index; package-visible for
     * AuditIndexPlanIT.
     */
    static String usageSql(Grouping groupBy, boolean byKey) {
        return "SELECT coalesce("
                + column(groupBy)
                + ", '(none)') AS g, count(*), count(*) FILTER (WHERE status_code >= 400),"
                + " coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),"
                + " coalesce(sum(cost_micros), 0), count(*) FILTER (WHERE cache_hit)"
                + " FROM audit_events WHERE chain_id = ? AND action = '"
                + LineageKeys.ACTION_GATEWAY_REQUEST
                + "' AND occurred_at >= ? AND occurred_at < ?"
                + (byKey ? " AND key_id = ?" : "")
                + " GROUP BY g ORDER BY g";
    }

    static final String RECENT_SQL =
            "SELECT request_id, occurred_at, key_id, route, details::text FROM audit_events"
                    + " WHERE chain_id = ? AND action = '"
                    + LineageKeys.ACTION_GATEWAY_REQUEST
                    + "' ORDER BY occurred_at DESC LIMIT ?";

    @Override
    public List<UsageTotal> usage(
            TenantId tenant, Instant from, Instant to, Grouping groupBy, String keyId) {
        String sql = usageSql(groupBy, keyId != null);
        List<UsageTotal> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant.toString());
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            if (keyId != null) {
                ps.setString(4, keyId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new UsageTotal(
                                    rs.getString(1),
                                    rs.getLong(2),
                                    rs.getLong(3),
                                    rs.getLong(4),
                                    rs.getLong(5),
                                    rs.getLong(6),
                                    rs.getLong(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read usage", e);
        }
        return out;
    }

    @Override
    public List<RecordedRequest> recent(TenantId tenant, int limit) {
        List<RecordedRequest> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(RECENT_SQL)) {
            ps.setString(1, tenant.toString());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(2);
                    out.add(
                            new RecordedRequest(
                                    rs.getString(1),
                                    at == null ? null : at.toInstant(),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read recent gateway requests", e);
        }
        return out;
    }
}
