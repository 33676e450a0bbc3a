package io.gatehouse.prompts.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An immutable prompt version. */
@Entity
@Table(name = "prompts_versions")
public class PromptVersionEntity {
  @Id public UUID id;

  @Column(name = "prompt_id", nullable = false)
  public UUID promptId;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public int version;

  @Column(nullable = false)
  public String messages;

  @Column(nullable = false)
  public String variables;

  @Column(nullable = false)
  public String route;

  @Column(nullable = false)
  public String parameters;

  @Column(name = "content_hash", nullable = false)
  public String contentHash;

  @Column(name = "published_label", nullable = false)
  public String publishedLabel;

  @Column(name = "change_id")
  public UUID changeId;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
