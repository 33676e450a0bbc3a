package io.gatehouse.edge.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.UUID;

/** Test bean inside the micro-deployment: JPA work in container-managed transactions. */
@ApplicationScoped
public class TenantProbe {
    public record Snapshot(String slug, String displayName, long version, String provider) {}

    @PersistenceContext(unitName = "gatehouse-it")
    EntityManager em;

    @Transactional
    public void create(UUID id, String slug, String name) {
        em.persist(new TenantEntity(id, slug, name));
    }

    @Transactional
    public void rename(UUID id, String name) {
        em.find(TenantEntity.class, id).displayName(name);
    }

    @Transactional
    public Snapshot read(UUID id) {
        TenantEntity t = em.find(TenantEntity.class, id);
        String provider = em.getEntityManagerFactory().getClass().getName();
        return new Snapshot(t.slug(), t.displayName(), t.version(), provider);
    }
}
