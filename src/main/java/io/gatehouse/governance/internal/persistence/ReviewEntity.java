package io.gatehouse.governance.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A review decision on one revision of a change. */
@Entity
@Table(name = "governance_reviews")
public class ReviewEntity {
  @Id public UUID id;

  @Column(name = "change_id", nullable = false)
  public UUID changeId;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public int revision;

  @Column(name = "reviewer_id", nullable = false)
  public String reviewerId;

  @Column(name = "reviewer_name", nullable = false)
  public String reviewerName;

  @Column(nullable = false)
  public String decision;

  public String comment;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
