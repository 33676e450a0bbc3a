package io.gatehouse.edge.internal;

import io.gatehouse.edge.Tenants;
import io.gatehouse.edge.internal.persistence.JpaTenants;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;

@ApplicationScoped
public class DefaultTenants implements Tenants {
  @Inject JpaTenants tenants;

  @Override
  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<TenantId> findBySlug(String slug) {
    return tenants.findBySlug(slug).map(t -> new TenantId(t.getId()));
  }

  @Override
  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<String> slugOf(TenantId tenant) {
    return tenants.find(tenant.value()).map(TenantEntity::getSlug);
  }
}
