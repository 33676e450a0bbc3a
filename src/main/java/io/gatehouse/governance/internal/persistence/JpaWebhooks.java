package io.gatehouse.governance.internal.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
            String secretSealed,
            Instant lease) {}

    /**
     * Claims due deliveries for this instance: rows another instance is claiming are skipped (SKIP
     * LOCKED), and each claimed row's next attempt moves a lease into the future so that a crash
     * mid-send only delays it. The lease instant (to the database's microsecond) also identifies
     * the claim: {@link #attempted} writes only while the row still carries it.
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
        Instant lease = Instant.now().plusSeconds(leaseSeconds).truncatedTo(ChronoUnit.MICROS);
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
                                                (String) r[7],
                                                lease))
                        .toList();
        em.createQuery(
                        "update WebhookDeliveryEntity d set d.nextAttemptAt = :lease where d.id in :ids")
                .setParameter("lease", lease)
                .setParameter("ids", due.stream().map(Due::id).toList())
                .executeUpdate();
        return due;
    }

    private static UUID uuid(Object o) {
        return o instanceof UUID u ? u : UUID.fromString(o.toString());
    }

    /**
     * Records an attempt's outcome, only if this claim still holds the row: once the lease has
     * expired and another instance has claimed the row (a new lease), the other instance's attempt
     * is the one recorded, so an attempt is never counted twice. The row lock orders this against a
     * concurrent claim. False when nothing was recorded.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean attempted(
            UUID id,
            Instant lease,
            boolean delivered,
            String outcome,
            Instant nextAttempt,
            boolean giveUp) {
        WebhookDeliveryEntity d =
                em.find(WebhookDeliveryEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (d == null || !"pending".equals(d.status()) || !lease.equals(d.nextAttemptAt())) {
            return false;
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
        return true;
    }
}
