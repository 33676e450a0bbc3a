package io.gatehouse.governance.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code governance_change_evidence} (V71): evidence a change's kind computed for one of its
 * revisions (a policy change's traffic replay), written once per computation after the transition
 * committed (each statement commits on its own). Always read by tenant.
 */
@ApplicationScoped
public class ChangeEvidenceRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** One computation as stored; {@code summary} is JSON, null for an error. */
    public record Row(
            UUID id,
            UUID tenantId,
            UUID changeId,
            int revision,
            String type,
            String trigger,
            String status,
            String summary,
            String error,
            Instant createdAt) {}

    public void insert(
            UUID tenant,
            UUID changeId,
            int revision,
            String type,
            String trigger,
            String status,
            String summary,
            String error) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO governance_change_evidence (id, tenant_id, change_id,"
                                        + " revision, type, trigger, status, summary, error) VALUES"
                                        + " (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, tenant);
            ps.setObject(3, changeId);
            ps.setInt(4, revision);
            ps.setString(5, type);
            ps.setString(6, trigger);
            ps.setString(7, status);
            ps.setString(8, summary);
            ps.setString(9, error);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record a change's evidence", e);
        }
    }

    /** A change's computed evidence, oldest first. */
    public List<Row> ofChange(UUID tenant, UUID changeId) {
        List<Row> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id, tenant_id, change_id, revision, type, trigger, status,"
                                        + " summary, error, created_at FROM governance_change_evidence"
                                        + " WHERE tenant_id = ? AND change_id = ? ORDER BY created_at,"
                                        + " id")) {
            ps.setObject(1, tenant);
            ps.setObject(2, changeId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Row(
                                    rs.getObject(1, UUID.class),
                                    rs.getObject(2, UUID.class),
                                    rs.getObject(3, UUID.class),
                                    rs.getInt(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    rs.getString(7),
                                    rs.getString(8),
                                    rs.getString(9),
                                    rs.getTimestamp(10).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read a change's evidence", e);
        }
        return out;
    }
}
