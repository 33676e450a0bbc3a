package io.gatehouse.prompts.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A managed prompt of a tenant. */
@Entity
@Table(name = "prompts_prompts")
public class PromptEntity {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public String name;

  /** The version most recently made live (by a publish or a rollback): what new changes base on. */
  @Column(name = "live_version")
  public Integer liveVersion;

  @Column(name = "live_label")
  public String liveLabel;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Version public long version;
}
