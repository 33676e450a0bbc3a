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
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The change feed on a PostgreSQL table. Sequence numbers can commit out of order, so the poller
 * re-reads a trailing ten-second window and remembers which rows it has already delivered instead of
 * trusting "everything after the highest seq seen".
 */
@ApplicationScoped
public class PolledChangeFeed implements ChangeFeed {
  private static final Logger LOG = Logger.getLogger(PolledChangeFeed.class.getName());
  private static final long WINDOW_MS = 10_000;

  @Resource(lookup = "jdbc/gatehouse")
  DataSource dataSource;

  @Resource ManagedScheduledExecutorService scheduler;
  @Resource TransactionSynchronizationRegistry transactions;
  @Inject Event<Invalidated> invalidated;

  private final Map<Long, Long> delivered = new HashMap<>();
  private volatile Instant pollFrom;
  private ScheduledFuture<?> poller;
  private long lastCleanup;

  void start(@Observes SchemaReady ready) {
    pollFrom = Instant.now().minusMillis(WINDOW_MS);
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
    Instant from = pollFrom;
    Instant newest = from;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT seq, topic, tenant_id, item_key, changed_at FROM shared_change_feed"
                    + " WHERE changed_at >= ? ORDER BY seq LIMIT 5000")) {
      ps.setTimestamp(1, Timestamp.from(from.minusMillis(WINDOW_MS)));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          Instant at = rs.getTimestamp(5).toInstant();
          if (at.isAfter(newest)) {
            newest = at;
          }
          if (delivered.putIfAbsent(seq, at.toEpochMilli()) != null) {
            continue;
          }
          UUID tenant = (UUID) rs.getObject(3);
          fireQuietly(
              new Invalidated(
                  rs.getString(2), tenant == null ? null : new TenantId(tenant), rs.getString(4)));
        }
      }
      pollFrom = newest;
      long horizon = newest.toEpochMilli() - 3 * WINDOW_MS;
      delivered.values().removeIf(t -> t < horizon);
      cleanup(c);
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.FINE, "Change feed poll failed; retrying", e);
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
