package io.gatehouse.edge.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;
import java.util.UUID;

/** Egress allow-list rows through JPA. */
@ApplicationScoped
public class JpaEgressAllowLists {
    @PersistenceContext(unitName = "gatehouse")
    EntityManager em;

    public Optional<EgressAllowListEntity> find(UUID tenant) {
        return Optional.ofNullable(em.find(EgressAllowListEntity.class, tenant));
    }

    /**
     * The row locked until the transaction ends, so that replacements are serialised: first a
     * transaction-scoped advisory lock on the tenant's list (class 7011), which also serialises the
     * first two saves of a list that has no row yet (a row lock cannot: there is no row to lock,
     * and the second insert would fail on the primary key), then the row itself.
     */
    public Optional<EgressAllowListEntity> findForUpdate(UUID tenant) {
        em.createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(7011, hashtext(?1))")
                .setParameter(1, tenant.toString())
                .getSingleResult();
        return Optional.ofNullable(
                em.find(EgressAllowListEntity.class, tenant, LockModeType.PESSIMISTIC_WRITE));
    }

    public void add(EgressAllowListEntity list) {
        em.persist(list);
    }
}
