package io.gatehouse.prompts.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A label (environment) of a prompt: its version and, during a canary, a second version's share. */
@Entity
@Table(name = "prompts_labels")
@IdClass(PromptLabelEntity.Key.class)
public class PromptLabelEntity {
  @Id
  @Column(name = "prompt_id")
  public UUID promptId;

  @Id public String label;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public int version;

  @Column(name = "canary_version")
  public Integer canaryVersion;

  @Column(name = "canary_percent", nullable = false)
  public int canaryPercent;

  @Column(name = "change_id")
  public UUID changeId;

  @Column(name = "updated_by", nullable = false)
  public String updatedBy;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  /** Composite key (prompt, label). */
  public static class Key implements Serializable {
    public UUID promptId;
    public String label;

    public Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Objects.equals(promptId, k.promptId) && Objects.equals(label, k.label);
    }

    @Override
    public int hashCode() {
      return Objects.hash(promptId, label);
    }
  }
}
