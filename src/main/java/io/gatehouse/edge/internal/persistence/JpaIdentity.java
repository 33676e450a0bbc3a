package io.gatehouse.edge.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Users, API keys and tenant limits through JPA; every query that serves a caller is tenant-scoped.
 */
@ApplicationScoped
public class JpaIdentity {
    @PersistenceContext(unitName = "gatehouse")
    EntityManager em;

    public Optional<UserEntity> userByUsername(String username) {
        return em.createQuery(
                        "select u from UserEntity u where lower(u.username) = lower(:n)",
                        UserEntity.class)
                .setParameter("n", username)
                .getResultStream()
                .findFirst();
    }

    public Optional<UserEntity> user(UUID tenant, UUID id) {
        return Optional.ofNullable(em.find(UserEntity.class, id))
                .filter(u -> u.tenantId().equals(tenant));
    }

    public List<UserEntity> users(UUID tenant) {
        return em.createQuery(
                        "select u from UserEntity u where u.tenantId = :t order by u.username",
                        UserEntity.class)
                .setParameter("t", tenant)
                .getResultList();
    }

    public boolean anyUserWithRole(String role) {
        return em.createQuery("select u.roles from UserEntity u", String.class)
                .getResultStream()
                .anyMatch(r -> ("," + r + ",").contains("," + role + ","));
    }

    public void add(Object entity) {
        em.persist(entity);
    }

    /** Writes pending changes now, so that a constraint violation surfaces here. */
    public void flush() {
        em.flush();
    }

    public Optional<ApiKeyEntity> keyByHash(String hash) {
        return em.createQuery(
                        "select k from ApiKeyEntity k where k.secretHash = :h", ApiKeyEntity.class)
                .setParameter("h", hash)
                .getResultStream()
                .findFirst();
    }

    public Optional<ApiKeyEntity> key(UUID tenant, UUID id) {
        return Optional.ofNullable(em.find(ApiKeyEntity.class, id))
                .filter(k -> k.tenantId().equals(tenant));
    }

    public List<ApiKeyEntity> keys(UUID tenant) {
        return em.createQuery(
                        "select k from ApiKeyEntity k where k.tenantId = :t order by k.createdAt",
                        ApiKeyEntity.class)
                .setParameter("t", tenant)
                .getResultList();
    }

    public Optional<TenantLimitsEntity> limits(UUID tenant) {
        return Optional.ofNullable(em.find(TenantLimitsEntity.class, tenant));
    }
}
