package io.gatehouse.governance.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The statuses of the evaluation runs of many changes at once ({@code governance_evaluation_runs},
 * V66), for the change list's {@code evidenceStatus}: one statement for a whole page of changes,
 * never one per change.
 */
@ApplicationScoped
public class EvidenceStatusRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** One run's place and status, as stored ({@code queued}, {@code running}, ...). */
    public record RunStatus(UUID changeId, int revision, String goldenSet, String status) {}

    /** The tenant's runs of these changes, oldest first (a later run of a set comes later). */
    public List<RunStatus> ofChanges(UUID tenant, Collection<UUID> changes) {
        List<RunStatus> out = new ArrayList<>();
        if (changes.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT change_id, revision, golden_set, status FROM"
                                        + " governance_evaluation_runs WHERE tenant_id = ? AND"
                                        + " change_id = ANY (?) ORDER BY created_at, id")) {
            Array ids = c.createArrayOf("uuid", changes.toArray());
            ps.setObject(1, tenant);
            ps.setArray(2, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new RunStatus(
                                    rs.getObject(1, UUID.class),
                                    rs.getInt(2),
                                    rs.getString(3),
                                    rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the evaluation runs' statuses", e);
        }
        return out;
    }
}
