package io.gatehouse.routing.internal.catalog;

import io.gatehouse.routing.internal.persistence.CatalogRows;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Writes catalog rows inside the caller's transaction and drops this instance's cached snapshot
 * once it commits; the shared change feed (and the revision bump) tell the other instances.
 */
@ApplicationScoped
public class CatalogWriter {
    @Inject CatalogRows store;
    @Inject CatalogCache cache;
    @Inject ChangeFeed feed;

    @Resource TransactionSynchronizationRegistry tsr;

    public void writeProvider(TenantId tenant, CatalogRows.ProviderRow row, String version) {
        store.upsertProvider(tenant, row, version);
        invalidateAfterCommit(tenant);
    }

    public void writeRoute(TenantId tenant, CatalogRows.RouteRow row, String version) {
        store.upsertRoute(tenant, row, version);
        invalidateAfterCommit(tenant);
    }

    private void invalidateAfterCommit(TenantId tenant) {
        feed.publish(CatalogCache.TOPIC, tenant, null);
        if (tsr != null && tsr.getTransactionStatus() == Status.STATUS_ACTIVE) {
            tsr.registerInterposedSynchronization(
                    new Synchronization() {
                        @Override
                        public void beforeCompletion() {}

                        @Override
                        public void afterCompletion(int status) {
                            cache.invalidate(tenant);
                        }
                    });
        }
        cache.invalidate(tenant);
    }
}
