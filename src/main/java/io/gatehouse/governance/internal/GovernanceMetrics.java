package io.gatehouse.governance.internal;

import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantLabels;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Governance signals as metrics: the review backlog per tenant and kind, and the age of its oldest
 * change (read from the database every {@code gatehouse.metrics.backlog-refresh-ms}, so every
 * instance reports the same numbers), and webhook delivery attempts by outcome.
 */
@ApplicationScoped
public class GovernanceMetrics {
    private static final Logger LOG = Logger.getLogger(GovernanceMetrics.class.getName());
    private static final Metadata BACKLOG =
            Metadata.builder()
                    .withName("gatehouse_review_backlog")
                    .withDescription("Changes waiting for review (state in_review), by kind")
                    .build();
    private static final Metadata OLDEST =
            Metadata.builder()
                    .withName("gatehouse_review_backlog_oldest_seconds")
                    .withDescription("Age of the oldest change waiting for review, 0 when none")
                    .build();
    private static final Metadata DELIVERIES =
            Metadata.builder()
                    .withName("gatehouse_webhook_deliveries")
                    .withDescription(
                            "Webhook delivery attempts by outcome (delivered, http_error_5xx,"
                                    + " refused, ...)")
                    .build();

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    @Resource ManagedScheduledExecutorService scheduler;
    @Inject MetricRegistry registry;
    @Inject TenantLabels tenants;

    @Inject
    @ConfigProperty(name = "gatehouse.metrics.backlog-refresh-ms", defaultValue = "15000")
    long refreshMs;

    private record Key(TenantId tenant, String kind) {}

    // The last read; gauges registered once per label set read from here (absent now: 0).
    private volatile Map<Key, Long> counts = Map.of();
    private volatile Map<TenantId, Long> oldestEpochSecond = Map.of();
    private final Map<Key, Boolean> registered = new ConcurrentHashMap<>();
    private ScheduledFuture<?> refresher;

    void start(@Observes SchemaReady ready) {
        refresher =
                scheduler.scheduleWithFixedDelay(
                        this::refresh, 0, Math.max(refreshMs, 100), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (refresher != null) {
            refresher.cancel(false);
        }
    }

    void refresh() {
        Map<Key, Long> c = new HashMap<>();
        Map<TenantId, Long> oldest = new HashMap<>();
        try (Connection con = dataSource.getConnection();
                PreparedStatement ps =
                        con.prepareStatement(
                                "SELECT tenant_id, kind, count(*), min(submitted_at)"
                                        + " FROM governance_changes WHERE state = 'in_review'"
                                        + " GROUP BY tenant_id, kind");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TenantId t = new TenantId(rs.getObject(1, UUID.class));
                c.put(new Key(t, rs.getString(2)), rs.getLong(3));
                Timestamp at = rs.getTimestamp(4);
                if (at != null) {
                    oldest.merge(t, at.toInstant().getEpochSecond(), Math::min);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "Review backlog not read; gauges keep their last values", e);
            return;
        }
        counts = Map.copyOf(c);
        oldestEpochSecond = Map.copyOf(oldest);
        for (Key k : c.keySet()) {
            register(k);
        }
    }

    private void register(Key k) {
        if (registered.putIfAbsent(k, Boolean.TRUE) != null) {
            return;
        }
        Tag tenant = new Tag("tenant", tenants.labelOf(k.tenant()));
        registry.gauge(
                BACKLOG,
                this,
                m -> m.counts.getOrDefault(k, 0L),
                tenant,
                new Tag("kind", k.kind()));
        if (registered.putIfAbsent(new Key(k.tenant(), null), Boolean.TRUE) == null) {
            registry.gauge(OLDEST, this, m -> m.oldestAgeSeconds(k.tenant()), tenant);
        }
    }

    private long oldestAgeSeconds(TenantId tenant) {
        Long at = oldestEpochSecond.get(tenant);
        return at == null ? 0 : Math.max(0, System.currentTimeMillis() / 1000 - at);
    }

    /** One webhook delivery attempt and its outcome ({@code delivered} or why not). */
    void delivery(TenantId tenant, String outcome) {
        registry.counter(
                        DELIVERIES,
                        new Tag("tenant", tenants.labelOf(tenant)),
                        new Tag("outcome", outcome))
                .inc();
    }
}
