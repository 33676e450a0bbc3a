package io.gatehouse.governance.internal;

import io.gatehouse.shared.Caller;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Test bean of {@code ChangeTransitionsIT}: a caller's transaction around a transition. */
@ApplicationScoped
public class TransitionProbe {
    @Inject ChangeRequestService changes;

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** Submits inside the caller's transaction, which then fails. */
    @Transactional
    public void submitThenFail(Caller author, UUID change) {
        ChangeView v = changes.submit(author, "req-" + UUID.randomUUID(), change, null);
        if (!"in_review".equals(v.state())) {
            throw new AssertionError("the submit itself went through: " + v.state());
        }
        throw new IllegalStateException("the caller's transaction fails after the transition");
    }

    /** The actions of the tenant's audit events for one change, in chain order. */
    public List<String> actions(TenantId tenant, UUID change) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT action FROM audit_events WHERE chain_id = ?"
                                        + " AND target_id = ? ORDER BY seq")) {
            ps.setString(1, tenant.toString());
            ps.setString(2, change.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Reviews stored for a change (whoever wrote them). */
    public int reviews(UUID change) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM governance_reviews WHERE change_id = ?")) {
            ps.setObject(1, change);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
