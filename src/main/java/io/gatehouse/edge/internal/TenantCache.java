package io.gatehouse.edge.internal;

import io.gatehouse.edge.internal.persistence.JpaTenants;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ServiceUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenant slugs and ids, cached: tenants are few and their slugs never change. Also which tenants
 * are suspended, for the authentication filter: the set is re-read after every status change, which
 * reaches every instance through the change feed (topic {@value #TOPIC}).
 */
@ApplicationScoped
public class TenantCache {
    public static final String TOPIC = "tenant";

    @Inject JpaTenants tenants;
    private final ConcurrentHashMap<String, TenantId> bySlug = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TenantId, String> slugs = new ConcurrentHashMap<>();
    private volatile Set<UUID> suspended = Set.of();
    private volatile boolean suspendedStale = true;

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<TenantId> bySlug(String slug) {
        TenantId id = bySlug.get(slug);
        if (id != null) {
            return Optional.of(id);
        }
        Optional<TenantEntity> t = tenants.findBySlug(slug);
        t.ifPresent(e -> remember(e));
        return t.map(e -> new TenantId(e.id()));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<String> slugOf(TenantId id) {
        String s = slugs.get(id);
        if (s != null) {
            return Optional.of(s);
        }
        Optional<TenantEntity> t = tenants.find(id.value());
        t.ifPresent(this::remember);
        return t.map(TenantEntity::slug);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean isActive(TenantId id) {
        return tenants.find(id.value()).map(t -> t.status().equals("active")).orElse(false);
    }

    /**
     * Whether the tenant is suspended, from memory. When the set must be re-read and the database
     * cannot answer, this fails closed (503) rather than let a suspended tenant through.
     */
    public boolean isSuspended(TenantId id) {
        if (suspendedStale) {
            reloadSuspended();
        }
        return suspended.contains(id.value());
    }

    private synchronized void reloadSuspended() {
        if (!suspendedStale) {
            return;
        }
        suspendedStale = false;
        try {
            suspended = Set.copyOf(tenants.suspendedIds());
        } catch (RuntimeException e) {
            suspendedStale = true;
            throw new ServiceUnavailableException(
                    "database_unavailable", "The tenant's status cannot be checked right now");
        }
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (TOPIC.equals(change.topic())) {
            suspendedStale = true;
        }
    }

    void remember(TenantEntity e) {
        bySlug.put(e.slug(), new TenantId(e.id()));
        slugs.put(new TenantId(e.id()), e.slug());
    }
}
