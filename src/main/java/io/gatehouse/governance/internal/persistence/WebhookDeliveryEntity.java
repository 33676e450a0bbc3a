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
  @Id public UUID id;

  @Column(name = "webhook_id", nullable = false)
  public UUID webhookId;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(name = "change_id", nullable = false)
  public UUID changeId;

  @Column(nullable = false)
  public String event;

  @Column(nullable = false)
  public String payload;

  @Column(nullable = false)
  public String status;

  @Column(nullable = false)
  public int attempts;

  @Column(name = "next_attempt_at", nullable = false)
  public Instant nextAttemptAt;

  @Column(name = "last_status_code")
  public Integer lastStatusCode;

  @Column(name = "last_error")
  public String lastError;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "delivered_at")
  public Instant deliveredAt;
}
