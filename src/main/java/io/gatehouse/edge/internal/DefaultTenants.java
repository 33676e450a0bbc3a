package io.gatehouse.edge.internal;

import io.gatehouse.edge.Tenants;
import io.gatehouse.edge.internal.persistence.JpaTenants;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** {@link Tenants} over the tenant table. */
@ApplicationScoped
public class DefaultTenants implements Tenants {
  @Inject JpaTenants tenants;

  @Override
  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<TenantId> findBySlug(String slug) {
    return tenants.findBySlug(slug).map(t -> new TenantId(t.getId()));
  }
}
