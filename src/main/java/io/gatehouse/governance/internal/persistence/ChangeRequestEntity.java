package io.gatehouse.governance.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A change request row. Never leaves the governance module. */
@Entity
@Table(name = "governance_changes")
public class ChangeRequestEntity {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public String kind;

  @Column(nullable = false)
  public String target;

  @Column(nullable = false)
  public String state;

  @Column(nullable = false)
  public int revision;

  @Column(nullable = false)
  public String content;

  @Column(name = "base_version")
  public String baseVersion;

  @Column(nullable = false)
  public String diff;

  @Column(nullable = false)
  public String risk;

  @Column(name = "author_id", nullable = false)
  public String authorId;

  @Column(name = "author_name", nullable = false)
  public String authorName;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Column(name = "submitted_at")
  public Instant submittedAt;

  @Column(name = "published_at")
  public Instant publishedAt;

  @Column(name = "published_by")
  public String publishedBy;

  @Column(name = "published_version")
  public String publishedVersion;

  @Column(name = "rollback_of")
  public UUID rollbackOf;

  @Column(name = "post_hoc_review")
  public String postHocReview;

  @Version public long version;
}
