package io.gatehouse.governance.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One webhook message to send (the outbox row), with its delivery attempts. */
@Entity
@Table(name = "governance_webhook_deliveries")
public class WebhookDeliveryEntity {
    @Id private UUID id;

    @Column(name = "webhook_id", nullable = false)
    private UUID webhookId;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(name = "change_id", nullable = false)
    private UUID changeId;

    @Column(nullable = false)
    private String event;

    @Column(nullable = false)
    private String payload;

    @Column(nullable = false)
    private String status;

    @Column(nullable = false)
    private int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    private Instant nextAttemptAt;

    /** How the last attempt went, as a class (never a status code or an exception name). */
    @Column(name = "last_outcome")
    private String lastOutcome;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "delivered_at")
    private Instant deliveredAt;

    // Accessors: field writes must go through the entity (Hibernate enhances it for dirty
    // tracking).

    public UUID id() {
        return id;
    }

    public void id(UUID value) {
        this.id = value;
    }

    public UUID webhookId() {
        return webhookId;
    }

    public void webhookId(UUID value) {
        this.webhookId = value;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public void tenantId(UUID value) {
        this.tenantId = value;
    }

    public UUID changeId() {
        return changeId;
    }

    public void changeId(UUID value) {
        this.changeId = value;
    }

    public String event() {
        return event;
    }

    public void event(String value) {
        this.event = value;
    }

    public String payload() {
        return payload;
    }

    public void payload(String value) {
        this.payload = value;
    }

    public String status() {
        return status;
    }

    public void status(String value) {
        this.status = value;
    }

    public int attempts() {
        return attempts;
    }

    public void attempts(int value) {
        this.attempts = value;
    }

    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    public void nextAttemptAt(Instant value) {
        this.nextAttemptAt = value;
    }

    public String lastOutcome() {
        return lastOutcome;
    }

    public void lastOutcome(String value) {
        this.lastOutcome = value;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public void createdAt(Instant value) {
        this.createdAt = value;
    }

    public Instant deliveredAt() {
        return deliveredAt;
    }

    public void deliveredAt(Instant value) {
        this.deliveredAt = value;
    }
}
