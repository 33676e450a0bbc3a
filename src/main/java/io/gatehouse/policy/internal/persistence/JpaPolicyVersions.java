package io.gatehouse.policy.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Policy versions through JPA, always scoped to one tenant (plus the global ones where stated). */
@ApplicationScoped
public class JpaPolicyVersions {
    @PersistenceContext(unitName = "gatehouse")
    EntityManager em;

    /** Live versions that apply to the tenant: global ones first, then the tenant's, by name. */
    public List<PolicyVersionEntity> liveFor(UUID tenant) {
        List<PolicyVersionEntity> out =
                new ArrayList<>(
                        em.createQuery(
                                        "select p from PolicyVersionEntity p where p.tenantId is null and p.status = 'live' order by p.name",
                                        PolicyVersionEntity.class)
                                .getResultList());
        if (tenant != null) {
            out.addAll(
                    em.createQuery(
                                    "select p from PolicyVersionEntity p where p.tenantId = :t and p.status = 'live' order by p.name",
                                    PolicyVersionEntity.class)
                            .setParameter("t", tenant)
                            .getResultList());
        }
        return out;
    }

    /**
     * The live version's label read as values (not entities): what governance compares under its
     * lock.
     */
    public Optional<String> liveLabel(UUID tenant, String name) {
        var q =
                tenant == null
                        ? em.createQuery(
                                "select p.version from PolicyVersionEntity p where p.tenantId is null and p.name = :n"
                                        + " and p.status = 'live'",
                                Integer.class)
                        : em.createQuery(
                                        "select p.version from PolicyVersionEntity p where p.tenantId = :t and p.name = :n"
                                                + " and p.status = 'live'",
                                        Integer.class)
                                .setParameter("t", tenant);
        return q.setParameter("n", name)
                .getResultStream()
                .findFirst()
                .map(v -> (tenant == null ? "global:" : "") + name + "@v" + v);
    }

    public Optional<PolicyVersionEntity> live(UUID tenant, String name) {
        return history(tenant, name).stream().filter(p -> p.status().equals("live")).findFirst();
    }

    /** All versions of a policy, newest first; tenant null: the global policy. */
    public List<PolicyVersionEntity> history(UUID tenant, String name) {
        var q =
                tenant == null
                        ? em.createQuery(
                                "select p from PolicyVersionEntity p where p.tenantId is null and p.name = :n order by p.version desc",
                                PolicyVersionEntity.class)
                        : em.createQuery(
                                        "select p from PolicyVersionEntity p where p.tenantId = :t and p.name = :n order by p.version desc",
                                        PolicyVersionEntity.class)
                                .setParameter("t", tenant);
        return q.setParameter("n", name).getResultList();
    }

    /** Publishes content as the next version and supersedes the live one (caller's transaction). */
    public PolicyVersionEntity publish(
            UUID tenant,
            String name,
            String content,
            String mode,
            UUID changeId,
            String by,
            boolean rollback) {
        List<PolicyVersionEntity> versions = history(tenant, name);
        int next = versions.isEmpty() ? 1 : versions.get(0).version() + 1;
        for (PolicyVersionEntity v : versions) {
            if (v.status().equals("live")) {
                v.supersede();
            }
        }
        em.flush(); // the one-live index must see the superseded row before the insert
        PolicyVersionEntity e =
                new PolicyVersionEntity(
                        tenant, name, next, content, mode, changeId, by, Instant.now(), rollback);
        em.persist(e);
        return e;
    }
}
