package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.shared.StatsTimeout;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TimeBuckets;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@link GatewayRequestLog} over {@code audit_events} (read-only, as the runtime role). */
@ApplicationScoped
public class JdbcGatewayRequestLog implements GatewayRequestLog {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    @Inject
    @ConfigProperty(
            name = StatsTimeout.TIMEOUT_SETTING,
            defaultValue = "" + StatsTimeout.DEFAULT_TIMEOUT_SECONDS)
    int statsTimeoutSeconds;

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
                    + "' AND details -> '"
                    + LineageKeys.EVALUATION_RUN
                    + "' IS NULL AND details -> '"
                    + LineageKeys.TEST_CALL_OF
                    + "' IS NULL ORDER BY occurred_at DESC LIMIT ?";

    @Override
    public List<UsageTotal> usage(
            TenantId tenant, Instant from, Instant to, Grouping groupBy, String keyId) {
        String sql = usageSql(groupBy, keyId != null);
        List<UsageTotal> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(statsTimeoutSeconds);
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
            throw StatsTimeout.failure(e, statsTimeoutSeconds, "usage");
        }
        return out;
    }

    /** The bucket of an event: whole steps since the window's start (both bound as numbers). */
    static final String BUCKET = "floor((extract(epoch FROM occurred_at)::float8 - ?) / ?)::bigint";

    static String seriesSql(Grouping groupBy) {
        return "SELECT "
                + (groupBy == null ? "'all'" : "coalesce(" + column(groupBy) + ", '(none)')")
                + " AS g, "
                + BUCKET
                + " AS b, count(*), count(*) FILTER (WHERE status_code >= 400),"
                + " percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms),"
                + " percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms),"
                + " percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms),"
                + " coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),"
                + " coalesce(sum(cost_micros), 0),"
                + " count(*) FILTER (WHERE status_code < 500 AND latency_ms <= ?)"
                + " FROM audit_events WHERE chain_id = ? AND action = '"
                + LineageKeys.ACTION_GATEWAY_REQUEST
                + "' AND occurred_at >= ? AND occurred_at < ?"
                + " GROUP BY g, b ORDER BY g, b";
    }

    @Override
    public List<SeriesRow> series(
            TenantId tenant, TimeBuckets window, Grouping groupBy, long objectiveMs) {
        List<SeriesRow> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(seriesSql(groupBy))) {
            ps.setDouble(1, window.fromEpochSeconds());
            ps.setLong(2, window.stepSeconds());
            ps.setLong(3, objectiveMs);
            ps.setString(4, tenant.toString());
            ps.setTimestamp(5, Timestamp.from(window.from()));
            ps.setTimestamp(6, Timestamp.from(window.to()));
            ps.setQueryTimeout(statsTimeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new SeriesRow(
                                    rs.getString(1),
                                    rs.getLong(2),
                                    rs.getLong(3),
                                    rs.getLong(4),
                                    nullableDouble(rs, 5),
                                    nullableDouble(rs, 6),
                                    nullableDouble(rs, 7),
                                    rs.getLong(8),
                                    rs.getLong(9),
                                    rs.getLong(10),
                                    rs.getLong(11)));
                }
            }
        } catch (SQLException e) {
            throw StatsTimeout.failure(e, statsTimeoutSeconds, "the gateway series");
        }
        return out;
    }

    static final String RULES_SQL =
            "SELECT m.matched, "
                    + BUCKET
                    + " AS b, count(*) FROM audit_events e, LATERAL ("
                    + " SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.details #> '{policy,input,matched}')"
                    + " = 'array' THEN e.details #> '{policy,input,matched}' END) AS matched"
                    + " UNION ALL"
                    + " SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.details #> '{policy,output,matched}')"
                    + " = 'array' THEN e.details #> '{policy,output,matched}' END)) m"
                    + " WHERE e.chain_id = ? AND e.action = '"
                    + LineageKeys.ACTION_GATEWAY_REQUEST
                    + "' AND e.occurred_at >= ? AND e.occurred_at < ? AND e.details -> 'policy' IS NOT NULL"
                    + " GROUP BY m.matched, b ORDER BY m.matched, b";

    @Override
    public List<RuleCount> policyRuleMatches(TenantId tenant, TimeBuckets window) {
        List<RuleCount> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(RULES_SQL)) {
            ps.setDouble(1, window.fromEpochSeconds());
            ps.setLong(2, window.stepSeconds());
            ps.setString(3, tenant.toString());
            ps.setTimestamp(4, Timestamp.from(window.from()));
            ps.setTimestamp(5, Timestamp.from(window.to()));
            ps.setQueryTimeout(statsTimeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // "name@vN/rule-id:action"; the action never holds a colon
                    String matched = rs.getString(1);
                    int colon = matched.lastIndexOf(':');
                    out.add(
                            new RuleCount(
                                    rs.getLong(2),
                                    colon < 0 ? matched : matched.substring(0, colon),
                                    colon < 0 ? null : matched.substring(colon + 1),
                                    rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw StatsTimeout.failure(e, statsTimeoutSeconds, "the policy rule matches");
        }
        return out;
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double d = rs.getDouble(column);
        return rs.wasNull() ? null : d;
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
