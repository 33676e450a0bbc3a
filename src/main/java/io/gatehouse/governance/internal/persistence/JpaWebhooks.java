package io.gatehouse.governance.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Webhook endpoints and the delivery outbox. */
@ApplicationScoped
public class JpaWebhooks {
    @PersistenceContext(unitName = "gatehouse")
    EntityManager em;

    public List<WebhookEntity> active(UUID tenant) {
        return em.createQuery(
                        "select w from WebhookEntity w where w.tenantId = :t and w.active = true order by w.createdAt",
                        WebhookEntity.class)
                .setParameter("t", tenant)
                .getResultList();
    }

    public List<WebhookEntity> all(UUID tenant) {
        return em.createQuery(
                        "select w from WebhookEntity w where w.tenantId = :t order by w.createdAt, w.id",
                        WebhookEntity.class)
                .setParameter("t", tenant)
                .getResultList();
    }

    public Optional<WebhookEntity> find(UUID tenant, UUID id) {
        WebhookEntity w = em.find(WebhookEntity.class, id);
        return w != null && w.tenantId().equals(tenant) ? Optional.of(w) : Optional.empty();
    }

    public void add(Object entity) {
        em.persist(entity);
    }

    public List<WebhookDeliveryEntity> deliveries(UUID tenant, UUID webhook, int limit) {
        return em.createQuery(
                        "select d from WebhookDeliveryEntity d where d.tenantId = :t and d.webhookId = :w"
                                + " order by d.createdAt desc, d.id",
                        WebhookDeliveryEntity.class)
                .setParameter("t", tenant)
                .setParameter("w", webhook)
                .setMaxResults(limit)
                .getResultList();
    }

    /** A delivery ready to send: its row and the endpoint (URL, sealed secret). */
    public record Due(
            UUID id,
            UUID webhookId,
            UUID tenantId,
            String event,
            String payload,
            int attempts,
            String url,
            String secretSealed) {}

    /**
     * Claims due deliveries for this instance: rows another instance is claiming are skipped (SKIP
     * LOCKED), and each claimed row's next attempt moves a lease into the future so that a crash
     * mid-send only delays it.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Due> claimDue(int max, long leaseSeconds) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows =
                em.createNativeQuery(
                                "SELECT d.id, d.webhook_id, d.tenant_id, d.event, d.payload, d.attempts, w.url,"
                                        + " w.secret_sealed FROM governance_webhook_deliveries d"
                                        + " JOIN governance_webhooks w ON w.id = d.webhook_id"
                                        + " WHERE d.status = 'pending' AND d.next_attempt_at <= now()"
                                        + " ORDER BY d.created_at LIMIT ?1 FOR UPDATE OF d SKIP LOCKED")
                        .setParameter(1, max)
                        .getResultList();
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Due> due =
                rows.stream()
                        .map(
                                r ->
                                        new Due(
                                                uuid(r[0]),
                                                uuid(r[1]),
                                                uuid(r[2]),
                                                (String) r[3],
                                                (String) r[4],
                                                ((Number) r[5]).intValue(),
                                                (String) r[6],
                                                (String) r[7]))
                        .toList();
        em.createQuery(
                        "update WebhookDeliveryEntity d set d.nextAttemptAt = :lease where d.id in :ids")
                .setParameter("lease", Instant.now().plusSeconds(leaseSeconds))
                .setParameter("ids", due.stream().map(Due::id).toList())
                .executeUpdate();
        return due;
    }

    private static UUID uuid(Object o) {
        return o instanceof UUID u ? u : UUID.fromString(o.toString());
    }

    /** Records an attempt's outcome. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void attempted(
            UUID id, boolean delivered, String outcome, Instant nextAttempt, boolean giveUp) {
        WebhookDeliveryEntity d = em.find(WebhookDeliveryEntity.class, id);
        if (d == null) {
            return;
        }
        d.attempts(d.attempts() + 1);
        d.lastOutcome(outcome);
        if (delivered) {
            d.status("delivered");
            d.deliveredAt(Instant.now());
        } else if (giveUp) {
            d.status("failed");
        } else {
            d.nextAttemptAt(nextAttempt);
        }
    }
}
