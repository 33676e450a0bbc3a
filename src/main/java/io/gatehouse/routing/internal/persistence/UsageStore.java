package io.gatehouse.routing.internal.persistence;

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
import java.util.Map;
import javax.sql.DataSource;

/**
 * Usage totals read from the gateway's audit events (each request's accounting travels in its one
 * audit row), always within one tenant.
 */
@ApplicationScoped
public class UsageStore {
  /** Allowed groupings and the audit column behind each (never client text in SQL). */
  public static final Map<String, String> GROUPS =
      Map.of("key", "key_id", "route", "route", "model", "model", "provider", "provider");

  @Resource(lookup = "jdbc/gatehouse")
  DataSource dataSource;

  public record UsageRow(
      String group,
      long requests,
      long errors,
      long inputTokens,
      long outputTokens,
      long costMicros,
      long cacheHits) {}

  /**
   * @param keyId when not null, only that key's requests
   */
  public List<UsageRow> usage(
      TenantId tenant, Instant from, Instant to, String groupBy, String keyId) {
    String column = GROUPS.get(groupBy);
    if (column == null) {
      throw new IllegalArgumentException("groupBy");
    }
    String sql =
        "SELECT coalesce("
            + column
            + ", '(none)') AS g, count(*), count(*) FILTER (WHERE status_code >= 400),"
            + " coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),"
            + " coalesce(sum(cost_micros), 0), count(*) FILTER (WHERE cache_hit)"
            + " FROM audit_events WHERE tenant_id = ? AND action = 'gateway.request'"
            + " AND occurred_at >= ? AND occurred_at < ?"
            + (keyId == null ? "" : " AND key_id = ?")
            + " GROUP BY g ORDER BY g";
    List<UsageRow> out = new ArrayList<>();
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
              new UsageRow(
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
}
