package io.gatehouse.shared.internal.persistence;

import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The change feed on a PostgreSQL table, polled every half second. The poller reads by sequence
 * number in pages, so it always advances however many rows land at once (a burst of rows with one
 * timestamp used to hold a time-window reader on the same page forever). Sequence numbers can
 * commit out of order: numbers skipped on the way are remembered as gaps ({@link FeedCursor}) and
 * re-read for a minute, so a row whose transaction commits late is still delivered.
 */
@ApplicationScoped
public class PolledChangeFeed implements ChangeFeed {
    private static final Logger LOG = Logger.getLogger(PolledChangeFeed.class.getName());

    /** At startup, rows of the last ten seconds are delivered again (a change may be in flight). */
    private static final long START_WINDOW_MS = 10_000;

    private static final long GAP_PATIENCE_MS = 60_000;
    private static final int PAGE = 5_000;

    /** A poll reads at most this many pages (100,000 rows); the next one carries on. */
    private static final int MAX_PAGES_PER_POLL = 20;

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    @Resource ManagedScheduledExecutorService scheduler;
    @Resource TransactionSynchronizationRegistry transactions;
    @Inject Event<Invalidated> invalidated;

    private final FeedCursor cursor = new FeedCursor(GAP_PATIENCE_MS);
    private ScheduledFuture<?> poller;
    private long lastCleanup;
    private long lastPositionCheck;

    void start(@Observes SchemaReady ready) {
        poller = scheduler.scheduleWithFixedDelay(this::poll, 500, 500, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.cancel(false);
        }
    }

    @Override
    public void publish(String topic, TenantId tenant, String key) {
        Invalidated event = new Invalidated(topic, tenant, key);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO shared_change_feed (topic, tenant_id, item_key) VALUES (?,?,?)")) {
            ps.setString(1, topic);
            ps.setObject(2, tenant == null ? null : tenant.value(), Types.OTHER);
            ps.setString(3, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not publish change " + topic, e);
        }
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(
                    new Synchronization() {
                        @Override
                        public void beforeCompletion() {}

                        @Override
                        public void afterCompletion(int status) {
                            if (status == Status.STATUS_COMMITTED) {
                                fireQuietly(event);
                            }
                        }
                    });
        } else {
            fireQuietly(event);
        }
    }

    private void fireQuietly(Invalidated event) {
        try {
            invalidated.fire(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of " + event.topic() + " failed", e);
        }
    }

    synchronized void poll() {
        // one invalidation per distinct change and poll: a burst of rows for one item costs one
        // event
        Set<Invalidated> batch = new LinkedHashSet<>();
        try (Connection c = dataSource.getConnection()) {
            long now = System.currentTimeMillis();
            if (!cursor.started() || positionAheadOfTable(c, now)) {
                cursor.startAfter(startPosition(c));
            }
            try {
                readGaps(c, batch);
            } catch (SQLException e) {
                // late rows are a refinement: a failure here must not hold up the new ones
                LOG.log(Level.WARNING, "Change feed gaps could not be re-read", e);
            }
            readNew(c, batch, now);
            cursor.expire(now);
            cleanup(c);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "Change feed poll failed; retrying", e);
        } finally {
            // what was read is delivered even when a later page failed: the cursor has moved past
            // it
            batch.forEach(this::fireQuietly);
        }
    }

    private void readNew(Connection c, Set<Invalidated> batch, long now) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT seq, topic, tenant_id, item_key FROM shared_change_feed"
                                + " WHERE seq > ? ORDER BY seq LIMIT "
                                + PAGE)) {
            for (int page = 0; page < MAX_PAGES_PER_POLL; page++) {
                ps.setLong(1, cursor.position());
                int rows = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        cursor.read(rs.getLong(1), now);
                        batch.add(change(rs));
                    }
                }
                if (rows < PAGE) {
                    return;
                }
            }
        }
    }

    private void readGaps(Connection c, Set<Invalidated> batch) throws SQLException {
        List<FeedCursor.Gap> gaps = cursor.gaps();
        if (gaps.isEmpty()) {
            return;
        }
        Long[] from = new Long[gaps.size()];
        Long[] to = new Long[gaps.size()];
        for (int i = 0; i < gaps.size(); i++) {
            from[i] = gaps.get(i).from();
            to[i] = gaps.get(i).to();
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT f.seq, f.topic, f.tenant_id, f.item_key FROM shared_change_feed f"
                                + " JOIN unnest(?::bigint[], ?::bigint[]) AS g(lo, hi) ON f.seq BETWEEN g.lo AND g.hi"
                                + " ORDER BY f.seq LIMIT "
                                + PAGE)) {
            ps.setArray(1, c.createArrayOf("bigint", from));
            ps.setArray(2, c.createArrayOf("bigint", to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    if (cursor.isGap(seq)) {
                        cursor.filled(seq);
                        batch.add(change(rs));
                    }
                }
            }
        }
    }

    private static Invalidated change(ResultSet rs) throws SQLException {
        UUID tenant = (UUID) rs.getObject(3);
        return new Invalidated(
                rs.getString(2), tenant == null ? null : new TenantId(tenant), rs.getString(4));
    }

    /**
     * Just before the first row of the last few seconds, or after the newest row when there is
     * none.
     */
    private static long startPosition(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT coalesce((SELECT min(seq) - 1 FROM shared_change_feed"
                                + " WHERE changed_at >= clock_timestamp() - ? * interval '1 millisecond'),"
                                + " (SELECT max(seq) FROM shared_change_feed), 0)")) {
            ps.setLong(1, START_WINDOW_MS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A database restored from a backup has lower sequence numbers than this reader has seen. */
    private boolean positionAheadOfTable(Connection c, long now) throws SQLException {
        if (now - lastPositionCheck < 30_000) {
            return false;
        }
        lastPositionCheck = now;
        try (PreparedStatement ps = c.prepareStatement("SELECT max(seq) FROM shared_change_feed");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            long newest = rs.getLong(1);
            return !rs.wasNull() && newest < cursor.position();
        }
    }

    private void cleanup(Connection c) throws SQLException {
        long now = System.currentTimeMillis();
        if (now - lastCleanup < 600_000) {
            return;
        }
        lastCleanup = now;
        try (PreparedStatement ps =
                c.prepareStatement(
                        "DELETE FROM shared_change_feed WHERE changed_at < now() - interval '1 day'")) {
            ps.executeUpdate();
        }
    }
}
