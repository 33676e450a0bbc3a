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

    /** The row locked until the transaction ends, so that replacements are serialised. */
    public Optional<EgressAllowListEntity> findForUpdate(UUID tenant) {
        return Optional.ofNullable(
                em.find(EgressAllowListEntity.class, tenant, LockModeType.PESSIMISTIC_WRITE));
    }

    public void add(EgressAllowListEntity list) {
        em.persist(list);
    }
}
