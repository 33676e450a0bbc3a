package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.GatewayRequestLog;
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

  @Override
  public List<UsageTotal> usage(
      TenantId tenant, Instant from, Instant to, Grouping groupBy, String keyId) {
    String sql =
        "SELECT coalesce("
            + column(groupBy)
            + ", '(none)') AS g, count(*), count(*) FILTER (WHERE status_code >= 400),"
            + " coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),"
            + " coalesce(sum(cost_micros), 0), count(*) FILTER (WHERE cache_hit)"
            + " FROM audit_events WHERE tenant_id = ? AND action = 'gateway.request'"
            + " AND occurred_at >= ? AND occurred_at < ?"
            + (keyId == null ? "" : " AND key_id = ?")
            + " GROUP BY g ORDER BY g";
    List<UsageTotal> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, tenant.value());
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
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT request_id, occurred_at, key_id, route, details::text FROM audit_events"
                    + " WHERE tenant_id = ? AND action = 'gateway.request'"
                    + " ORDER BY occurred_at DESC LIMIT ?")) {
      ps.setObject(1, tenant.value());
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
