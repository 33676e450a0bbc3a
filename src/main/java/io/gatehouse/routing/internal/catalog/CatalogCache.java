package io.gatehouse.routing.internal.catalog;

import io.gatehouse.routing.internal.persistence.CatalogRows;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Each tenant's catalog in memory, as an immutable snapshot. Changes become live without restart:
 * database triggers bump a per-tenant revision on every catalog write (whoever writes it), and
 * every instance polls the revisions (one small query every {@code gatehouse.catalog.poll-ms}) and
 * drops stale snapshots; this instance's own publishes also drop them at once after commit.
 */
@ApplicationScoped
public class CatalogCache {
    public static final String TOPIC = "catalog";
    private static final Logger LOG = Logger.getLogger(CatalogCache.class.getName());

    @Inject CatalogRows store;

    @Resource ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "gatehouse.catalog.poll-ms", defaultValue = "1000")
    long pollMillis;

    private final Map<TenantId, CatalogSnapshot> snapshots = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> poll;

    void start(@Observes SchemaReady ready) {
        if (poll == null) {
            poll =
                    scheduler.scheduleWithFixedDelay(
                            this::checkRevisions, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (poll != null) {
            poll.cancel(false);
        }
    }

    public CatalogSnapshot snapshot(TenantId tenant) {
        CatalogSnapshot s = snapshots.get(tenant);
        if (s == null) {
            s = store.load(tenant);
            snapshots.put(tenant, s);
        }
        return s;
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (TOPIC.equals(change.topic())) {
            if (change.tenant() == null) {
                snapshots.clear();
            } else {
                invalidate(change.tenant());
            }
        }
    }

    public void invalidate(TenantId tenant) {
        snapshots.remove(tenant);
    }

    void checkRevisions() {
        try {
            Map<TenantId, Long> revisions = store.revisions();
            snapshots.forEach(
                    (tenant, snap) -> {
                        if (revisions.getOrDefault(tenant, 0L) != snap.revision()) {
                            snapshots.remove(tenant, snap);
                        }
                    });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Catalog revision check failed; keeping cached catalogs", e);
        }
    }
}
