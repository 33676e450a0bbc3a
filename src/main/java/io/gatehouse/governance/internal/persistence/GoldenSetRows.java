package io.gatehouse.governance.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code governance_golden_sets} (V66): the published versions of each tenant's golden sets, the
 * highest version of a name live. Written only by publishing a {@code golden_set} change, inside
 * its transaction (the JTA data source joins it). Always read by tenant.
 */
@ApplicationScoped
public class GoldenSetRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** One version of a set. */
    public record Row(
            UUID tenantId,
            String name,
            int version,
            String content,
            UUID changeId,
            String publishedBy,
            Instant publishedAt) {}

    private static final String COLUMNS =
            "tenant_id, name, version, content, change_id, published_by, published_at";

    /** The live (highest) version of {@code name}. */
    public Optional<Row> live(UUID tenant, String name) {
        List<Row> r =
                query(
                        "SELECT "
                                + COLUMNS
                                + " FROM governance_golden_sets WHERE tenant_id = ? AND name = ?"
                                + " ORDER BY version DESC LIMIT 1",
                        tenant,
                        name);
        return r.stream().findFirst();
    }

    /** One version of {@code name}. */
    public Optional<Row> version(UUID tenant, String name, int version) {
        return query(
                        "SELECT "
                                + COLUMNS
                                + " FROM governance_golden_sets WHERE tenant_id = ? AND name = ? AND version = ?",
                        tenant,
                        name,
                        version)
                .stream()
                .findFirst();
    }

    /** The live version of each of the tenant's sets, by name. */
    public List<Row> allLive(UUID tenant) {
        return query(
                "SELECT DISTINCT ON (name) "
                        + COLUMNS
                        + " FROM governance_golden_sets WHERE tenant_id = ? ORDER BY name, version DESC",
                tenant);
    }

    /** The live sets of the tenant that bind {@code kind:target}. */
    public List<Row> liveBinding(UUID tenant, String kind, String target) {
        return query(
                "SELECT "
                        + COLUMNS
                        + " FROM (SELECT DISTINCT ON (name) *"
                        + " FROM governance_golden_sets WHERE tenant_id = ? ORDER BY name, version DESC) s"
                        + " WHERE ? = ANY (s.binds) ORDER BY name",
                tenant,
                kind + ":" + target);
    }

    /**
     * Writes the next version of {@code name} (in the caller's transaction, which holds the
     * target's lock) and returns its number.
     */
    public int insertNext(
            UUID tenant,
            String name,
            String content,
            List<String> binds,
            UUID changeId,
            String publishedBy) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO governance_golden_sets (tenant_id, name, version, content,"
                                        + " binds, change_id, published_by) SELECT ?, ?,"
                                        + " coalesce(max(version), 0) + 1, ?, ?, ?, ? FROM governance_golden_sets"
                                        + " WHERE tenant_id = ? AND name = ? RETURNING version")) {
            Array a = c.createArrayOf("text", binds.toArray());
            ps.setObject(1, tenant);
            ps.setString(2, name);
            ps.setString(3, content);
            ps.setArray(4, a);
            ps.setObject(5, changeId);
            ps.setString(6, publishedBy);
            ps.setObject(7, tenant);
            ps.setString(8, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot publish a golden set", e);
        }
    }

    private List<Row> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Row(
                                    rs.getObject(1, UUID.class),
                                    rs.getString(2),
                                    rs.getInt(3),
                                    rs.getString(4),
                                    rs.getObject(5, UUID.class),
                                    rs.getString(6),
                                    rs.getTimestamp(7).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read golden sets", e);
        }
    }
}
