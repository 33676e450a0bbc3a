package io.gatehouse.governance.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A tenant's webhook endpoint; the signing secret is sealed under the master key. */
@Entity
@Table(name = "governance_webhooks")
public class WebhookEntity {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public String url;

  public String description;

  @Column(name = "secret_sealed", nullable = false)
  public String secretSealed;

  @Column(nullable = false)
  public boolean active;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Version public long version;
}
