package io.gatehouse.edge;

import io.gatehouse.shared.TenantId;
import java.util.Optional;

/** Looks tenants up for other modules (which hold ids, never tenant rows). */
public interface Tenants {
  Optional<TenantId> findBySlug(String slug);
}
