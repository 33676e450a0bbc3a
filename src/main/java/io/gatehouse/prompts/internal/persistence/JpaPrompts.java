package io.gatehouse.prompts.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Prompts, versions and labels through JPA. */
@ApplicationScoped
public class JpaPrompts {
    @PersistenceContext(unitName = "gatehouse")
    EntityManager em;

    public Optional<PromptEntity> find(UUID tenant, String name) {
        return em.createQuery(
                        "select p from PromptEntity p where p.tenantId = :t and p.name = :n",
                        PromptEntity.class)
                .setParameter("t", tenant)
                .setParameter("n", name)
                .getResultStream()
                .findFirst();
    }

    /** The prompt row locked for a publish (serializes version numbering). */
    public Optional<PromptEntity> lock(UUID tenant, String name) {
        return em.createQuery(
                        "select p from PromptEntity p where p.tenantId = :t and p.name = :n",
                        PromptEntity.class)
                .setParameter("t", tenant)
                .setParameter("n", name)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultStream()
                .findFirst();
    }

    /**
     * Creates the prompt row if missing (ON CONFLICT DO NOTHING, so two first publishes do not both
     * fail), then returns it locked.
     */
    public PromptEntity lockOrCreate(UUID tenant, String name) {
        em.createNativeQuery(
                        "INSERT INTO prompts_prompts (id, tenant_id, name, created_at, updated_at, version)"
                                + " VALUES (?1, ?2, ?3, now(), now(), 0) ON CONFLICT (tenant_id, name) DO NOTHING")
                .setParameter(1, UUID.randomUUID())
                .setParameter(2, tenant)
                .setParameter(3, name)
                .executeUpdate();
        return lock(tenant, name).orElseThrow();
    }

    public List<PromptEntity> all(UUID tenant) {
        return em.createQuery(
                        "select p from PromptEntity p where p.tenantId = :t order by p.name",
                        PromptEntity.class)
                .setParameter("t", tenant)
                .getResultList();
    }

    public List<PromptVersionEntity> versions(UUID prompt) {
        return em.createQuery(
                        "select v from PromptVersionEntity v where v.promptId = :p order by v.version",
                        PromptVersionEntity.class)
                .setParameter("p", prompt)
                .getResultList();
    }

    public Optional<PromptVersionEntity> version(UUID prompt, int version) {
        return em.createQuery(
                        "select v from PromptVersionEntity v where v.promptId = :p and v.version = :v",
                        PromptVersionEntity.class)
                .setParameter("p", prompt)
                .setParameter("v", version)
                .getResultStream()
                .findFirst();
    }

    public Optional<PromptVersionEntity> byHash(UUID prompt, String hash) {
        return em.createQuery(
                        "select v from PromptVersionEntity v where v.promptId = :p and v.contentHash = :h"
                                + " order by v.version desc",
                        PromptVersionEntity.class)
                .setParameter("p", prompt)
                .setParameter("h", hash)
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    public int maxVersion(UUID prompt) {
        Integer max =
                em.createQuery(
                                "select max(v.version) from PromptVersionEntity v where v.promptId = :p",
                                Integer.class)
                        .setParameter("p", prompt)
                        .getSingleResult();
        return max == null ? 0 : max;
    }

    public List<PromptLabelEntity> labels(UUID prompt) {
        return em.createQuery(
                        "select l from PromptLabelEntity l where l.promptId = :p order by l.label",
                        PromptLabelEntity.class)
                .setParameter("p", prompt)
                .getResultList();
    }

    public Optional<PromptLabelEntity> label(UUID prompt, String label) {
        PromptLabelEntity.Key k = new PromptLabelEntity.Key();
        k.promptId = prompt;
        k.label = label;
        return Optional.ofNullable(em.find(PromptLabelEntity.class, k));
    }

    /**
     * The version most recently made live, read as a value (a query for a column, not an entity, so
     * an entity already loaded in this transaction cannot answer with stale state).
     */
    public Optional<Integer> liveVersion(UUID tenant, String name) {
        return em.createQuery(
                        "select p.liveVersion from PromptEntity p where p.tenantId = :t and p.name = :n",
                        Integer.class)
                .setParameter("t", tenant)
                .setParameter("n", name)
                .getResultStream()
                .filter(java.util.Objects::nonNull)
                .findFirst();
    }

    public void add(Object entity) {
        em.persist(entity);
    }

    public void flush() {
        em.flush();
    }
}
