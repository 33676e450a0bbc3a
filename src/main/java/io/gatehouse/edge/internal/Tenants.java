package io.gatehouse.edge.internal;

import io.gatehouse.shared.TenantId;
import java.util.Optional;

/** Looks tenants up for other modules (seeding, platform views). */
public interface Tenants {
    Optional<TenantId> findBySlug(String slug);

    Optional<String> slugOf(TenantId tenant);
}
