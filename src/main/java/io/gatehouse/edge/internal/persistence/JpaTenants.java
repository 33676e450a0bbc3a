package io.gatehouse.edge.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Tenant rows through JPA. */
@ApplicationScoped
public class JpaTenants {
    @PersistenceContext(unitName = "gatehouse")
    EntityManager em;

    public Optional<TenantEntity> find(UUID id) {
        return Optional.ofNullable(em.find(TenantEntity.class, id));
    }

    public Optional<TenantEntity> findBySlug(String slug) {
        return em.createQuery(
                        "select t from TenantEntity t where t.slug = :slug", TenantEntity.class)
                .setParameter("slug", slug)
                .getResultStream()
                .findFirst();
    }

    public List<TenantEntity> all() {
        return em.createQuery("select t from TenantEntity t order by t.slug", TenantEntity.class)
                .getResultList();
    }

    /** Ids of the suspended tenants (a non-transactional read: fresh from the database). */
    public List<UUID> suspendedIds() {
        return em.createQuery(
                        "select t.id from TenantEntity t where t.status = 'suspended'", UUID.class)
                .getResultList();
    }

    public TenantEntity add(TenantEntity t) {
        em.persist(t);
        return t;
    }
}
