package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Test bean inside {@code TransactionalAppendIT}'s micro-deployment: the caller's side of an
 * append, in container-managed JTA transactions, with a JPA write of its own (a tenant row).
 */
@ApplicationScoped
public class ChainProbe {
    /** One stored event of a chain. */
    public record Row(long seq, UUID eventId, String action, String prevHash, String hash) {}

    @Inject TransactionalAppend append;

    @PersistenceContext(unitName = "gatehouse-it")
    EntityManager em;

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    @Resource ManagedExecutorService executor;

    static AuditEvent event(TenantId chain, String action) {
        return AuditEvent.of(chain, "system", "chain-probe", action)
                .target("probe", action)
                .build();
    }

    @Transactional
    public RecordedEvent append(TenantId chain, String action) throws SQLException {
        return append.append(event(chain, action), ContentRetention.NONE);
    }

    /** Appends, then keeps the transaction (and the chain's lock) open for {@code lingerMs}. */
    @Transactional
    public RecordedEvent appendAndLinger(TenantId chain, String action, long lingerMs)
            throws SQLException, InterruptedException {
        RecordedEvent r = append.append(event(chain, action), ContentRetention.NONE);
        Thread.sleep(lingerMs);
        return r;
    }

    /** The caller's own write (a tenant row through JPA) and its event, in one transaction. */
    @Transactional
    public RecordedEvent createTenant(TenantId chain, UUID tenantRow) throws SQLException {
        em.persist(new TenantEntity(tenantRow, "it-" + tenantRow.toString().substring(0, 8), "x"));
        em.flush();
        return append.append(event(chain, "tenant.create"), ContentRetention.NONE);
    }

    /** As {@link #createTenant}, then the transaction fails after both writes: nothing stays. */
    @Transactional
    public RecordedEvent createTenantThenFail(TenantId chain, UUID tenantRow, List<UUID> appended)
            throws SQLException {
        RecordedEvent r = createTenant(chain, tenantRow);
        appended.add(r.eventId());
        throw new IllegalStateException("the action fails after its event was appended");
    }

    public boolean tenantExists(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM edge_tenants WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    /** The chain's events in seq order, read outside any transaction of the probe. */
    public List<Row> rows(TenantId chain) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT seq, event_id, action, prev_hash, hash FROM audit_events"
                                        + " WHERE chain_id = ? ORDER BY seq")) {
            ps.setString(1, chain.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Row(
                                    rs.getLong(1),
                                    (UUID) rs.getObject(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5)));
                }
            }
        }
        return out;
    }

    /**
     * Recomputes every event's hash from its stored row (as {@code ChainVerifier} does, without its
     * checkpoint part: the application's checkpoint job may sign the test's chains meanwhile) and
     * follows the links from the genesis hash; the events that do not hold, or none.
     */
    public List<String> brokenEvents(TenantId chain) throws SQLException {
        List<String> broken = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + EventRowMapper.COLUMNS
                                        + " FROM audit_events WHERE chain_id = ? ORDER BY seq")) {
            ps.setString(1, chain.toString());
            try (ResultSet rs = ps.executeQuery()) {
                String prev = ChainHash.GENESIS;
                long expected = 1;
                while (rs.next()) {
                    long seq = rs.getLong("seq");
                    Map<String, Object> hashed = EventRowMapper.hashedForm(rs);
                    if (seq != expected) {
                        broken.add("gap before " + seq);
                    }
                    if (!prev.equals(hashed.get("prevHash"))) {
                        broken.add(seq + ": prevHash is not the previous event's hash");
                    }
                    if (!ChainHash.hash(hashed).equals(rs.getString("hash"))) {
                        broken.add(seq + ": hash does not match its content");
                    }
                    prev = rs.getString("hash");
                    expected = seq + 1;
                }
            }
        }
        return broken;
    }

    public ManagedExecutorService executor() {
        return executor;
    }
}
