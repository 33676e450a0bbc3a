package io.gatehouse.governance.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Change requests, their revisions, reviews, comments and approval policies through JPA. */
@ApplicationScoped
public class JpaChangeRequests {
    @PersistenceContext(unitName = "gatehouse")
    EntityManager em;

    public Optional<ChangeRequestEntity> find(UUID tenant, UUID id) {
        ChangeRequestEntity c = em.find(ChangeRequestEntity.class, id);
        return c != null && c.tenantId().equals(tenant) ? Optional.of(c) : Optional.empty();
    }

    /**
     * The change, locked (SELECT ... FOR UPDATE) until the transaction ends: two reviewers acting
     * at once are serialized here, so the second sees the first one's outcome.
     */
    public Optional<ChangeRequestEntity> lock(UUID tenant, UUID id) {
        ChangeRequestEntity c =
                em.find(ChangeRequestEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        return c != null && c.tenantId().equals(tenant) ? Optional.of(c) : Optional.empty();
    }

    public List<ChangeRequestEntity> list(
            UUID tenant,
            String state,
            String kind,
            String target,
            String postHocReview,
            int limit) {
        StringBuilder q =
                new StringBuilder("select c from ChangeRequestEntity c where c.tenantId = :t");
        if (state != null) {
            q.append(" and c.state = :state");
        }
        if (kind != null) {
            q.append(" and c.kind = :kind");
        }
        if (target != null) {
            q.append(" and c.target = :target");
        }
        if (postHocReview != null) {
            q.append(" and c.postHocReview = :phr");
        }
        q.append(" order by c.updatedAt desc, c.id");
        TypedQuery<ChangeRequestEntity> tq =
                em.createQuery(q.toString(), ChangeRequestEntity.class).setParameter("t", tenant);
        if (state != null) {
            tq.setParameter("state", state);
        }
        if (kind != null) {
            tq.setParameter("kind", kind);
        }
        if (target != null) {
            tq.setParameter("target", target);
        }
        if (postHocReview != null) {
            tq.setParameter("phr", postHocReview);
        }
        return tq.setMaxResults(limit).getResultList();
    }

    /** Published changes of a target (normally at most one), locked. */
    public List<ChangeRequestEntity> publishedOf(UUID tenant, String kind, String target) {
        return em.createQuery(
                        "select c from ChangeRequestEntity c where c.tenantId = :t and c.kind = :k"
                                + " and c.target = :target and c.state = 'published'",
                        ChangeRequestEntity.class)
                .setParameter("t", tenant)
                .setParameter("k", kind)
                .setParameter("target", target)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList();
    }

    public void add(Object entity) {
        em.persist(entity);
    }

    /** Writes pending changes now, so constraint violations surface inside the service. */
    public void flush() {
        em.flush();
    }

    public List<ReviewEntity> reviews(UUID change) {
        return em.createQuery(
                        "select r from ReviewEntity r where r.changeId = :c order by r.createdAt, r.id",
                        ReviewEntity.class)
                .setParameter("c", change)
                .getResultList();
    }

    /** A comment of the change {@code change} (tenant-checked through the change), if any. */
    public Optional<CommentEntity> comment(UUID change, UUID id) {
        CommentEntity m = em.find(CommentEntity.class, id);
        return m != null && m.changeId().equals(change) ? Optional.of(m) : Optional.empty();
    }

    /** How many comments the change has (those given with workflow actions included). */
    public long commentCount(UUID change) {
        return em.createQuery(
                        "select count(c) from CommentEntity c where c.changeId = :c", Long.class)
                .setParameter("c", change)
                .getSingleResult();
    }

    public List<CommentEntity> comments(UUID change) {
        return em.createQuery(
                        "select c from CommentEntity c where c.changeId = :c order by c.createdAt, c.id",
                        CommentEntity.class)
                .setParameter("c", change)
                .getResultList();
    }

    public List<ChangeRevisionEntity> revisions(UUID change) {
        return em.createQuery(
                        "select r from ChangeRevisionEntity r where r.changeId = :c order by r.revision",
                        ChangeRevisionEntity.class)
                .setParameter("c", change)
                .getResultList();
    }

    /** The revisions of several changes at once (for lists), by change and revision. */
    public List<ChangeRevisionEntity> revisions(java.util.Collection<UUID> changes) {
        if (changes.isEmpty()) {
            return List.of();
        }
        return em.createQuery(
                        "select r from ChangeRevisionEntity r where r.changeId in :c order by r.changeId, r.revision",
                        ChangeRevisionEntity.class)
                .setParameter("c", changes)
                .getResultList();
    }

    /**
     * Serializes publishing (and break-glass rollback) of one target across every instance: a
     * transaction-scoped advisory lock on (tenant, kind, target), held until commit or rollback.
     * The caller compares the change's base with what is live only after taking it, so the second
     * of two publishes sees the first one's outcome. Lock class 7003 is governance's (audit uses
     * 7001, the signing keys 7002); a hash collision only serializes two unrelated targets.
     */
    public void lockTarget(UUID tenant, String kind, String target) {
        em.createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(7003, hashtext(?1))")
                .setParameter(1, tenant + "/" + kind + "/" + target)
                .getSingleResult();
    }

    public List<ApprovalPolicyEntity> policies(UUID tenant) {
        return em.createQuery(
                        "select p from ApprovalPolicyEntity p where p.tenantId = :t order by p.kind, p.risk",
                        ApprovalPolicyEntity.class)
                .setParameter("t", tenant)
                .getResultList();
    }

    public Optional<ApprovalPolicyEntity> policy(UUID tenant, String kind, String risk) {
        ApprovalPolicyEntity.Key k = new ApprovalPolicyEntity.Key();
        k.tenantId = tenant;
        k.kind = kind;
        k.risk = risk;
        return Optional.ofNullable(em.find(ApprovalPolicyEntity.class, k));
    }

    public void remove(ApprovalPolicyEntity p) {
        em.remove(p);
    }
}
