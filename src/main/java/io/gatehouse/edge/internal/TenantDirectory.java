package io.gatehouse.edge.internal;

import io.gatehouse.edge.internal.persistence.JpaTenants;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Tenant slugs and ids, cached: tenants are few and their slugs never change. */
@ApplicationScoped
public class TenantDirectory {
  @Inject JpaTenants tenants;
  private final ConcurrentHashMap<String, TenantId> bySlug = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TenantId, String> slugs = new ConcurrentHashMap<>();

  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<TenantId> bySlug(String slug) {
    TenantId id = bySlug.get(slug);
    if (id != null) {
      return Optional.of(id);
    }
    Optional<TenantEntity> t = tenants.findBySlug(slug);
    t.ifPresent(e -> remember(e));
    return t.map(e -> new TenantId(e.getId()));
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<String> slugOf(TenantId id) {
    String s = slugs.get(id);
    if (s != null) {
      return Optional.of(s);
    }
    Optional<TenantEntity> t = tenants.find(id.value());
    t.ifPresent(this::remember);
    return t.map(TenantEntity::getSlug);
  }

  @Transactional(Transactional.TxType.SUPPORTS)
  public boolean isActive(TenantId id) {
    return tenants.find(id.value()).map(t -> t.getStatus().equals("active")).orElse(false);
  }

  void remember(TenantEntity e) {
    bySlug.put(e.getSlug(), new TenantId(e.getId()));
    slugs.put(new TenantId(e.getId()), e.getSlug());
  }
}
