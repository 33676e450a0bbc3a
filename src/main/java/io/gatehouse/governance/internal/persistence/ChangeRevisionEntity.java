package io.gatehouse.governance.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** One revision of a change's content, kept for history. */
@Entity
@Table(name = "governance_change_revisions")
@IdClass(ChangeRevisionEntity.Key.class)
public class ChangeRevisionEntity {
  @Id
  @Column(name = "change_id")
  public UUID changeId;

  @Id public int revision;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public String content;

  @Column(name = "base_version")
  public String baseVersion;

  @Column(nullable = false)
  public String diff;

  @Column(nullable = false)
  public String risk;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** Composite key (change, revision). */
  public static class Key implements Serializable {
    public UUID changeId;
    public int revision;

    public Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Objects.equals(changeId, k.changeId) && revision == k.revision;
    }

    @Override
    public int hashCode() {
      return Objects.hash(changeId, revision);
    }
  }
}
