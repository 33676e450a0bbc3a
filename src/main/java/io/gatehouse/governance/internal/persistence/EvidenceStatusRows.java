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
 * What the change list's {@code evidenceStatus} reads for a whole page of changes, never per
 * change: the evaluation runs of the page's changes ({@code governance_evaluation_runs}, V66) and
 * the tenant's live golden sets with what they bind ({@code governance_golden_sets}), so that the
 * list judges as the publish gate does ({@code GoldenSetRows.liveBinding}).
 */
@ApplicationScoped
public class EvidenceStatusRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** One run's place and status, as stored ({@code queued}, {@code running}, ...). */
    public record RunStatus(
            UUID id,
            UUID changeId,
            int revision,
            String goldenSet,
            int goldenSetVersion,
            String status,
            String requestedBy) {}

    /** A live (highest) version of a set and what it binds ({@code kind:target}). */
    public record LiveSet(String name, int version, List<String> binds) {}

    /** The tenant's runs of these changes, oldest first (a later run of a set comes later). */
    public List<RunStatus> ofChanges(UUID tenant, Collection<UUID> changes) {
        List<RunStatus> out = new ArrayList<>();
        if (changes.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id, change_id, revision, golden_set, golden_set_version,"
                                        + " status, requested_by FROM governance_evaluation_runs WHERE"
                                        + " tenant_id = ? AND change_id = ANY (?) ORDER BY"
                                        + " created_at, id")) {
            Array ids = c.createArrayOf("uuid", changes.toArray());
            ps.setObject(1, tenant);
            ps.setArray(2, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new RunStatus(
                                    rs.getObject(1, UUID.class),
                                    rs.getObject(2, UUID.class),
                                    rs.getInt(3),
                                    rs.getString(4),
                                    rs.getInt(5),
                                    rs.getString(6),
                                    rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the evaluation runs' statuses", e);
        }
        return out;
    }

    /** The tenant's live golden sets, each with its binds. */
    public List<LiveSet> liveSets(UUID tenant) {
        List<LiveSet> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT DISTINCT ON (name) name, version, binds FROM"
                                        + " governance_golden_sets WHERE tenant_id = ? ORDER BY"
                                        + " name, version DESC")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array a = rs.getArray(3);
                    List<String> binds = a == null ? List.of() : List.of((String[]) a.getArray());
                    out.add(new LiveSet(rs.getString(1), rs.getInt(2), binds));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the live golden sets", e);
        }
        return out;
    }
}
