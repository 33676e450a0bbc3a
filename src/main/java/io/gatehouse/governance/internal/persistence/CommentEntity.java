package io.gatehouse.governance.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A comment on a change, on its own or given with an action. */
@Entity
@Table(name = "governance_comments")
public class CommentEntity {
  @Id public UUID id;

  @Column(name = "change_id", nullable = false)
  public UUID changeId;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  @Column(name = "author_id", nullable = false)
  public String authorId;

  @Column(name = "author_name", nullable = false)
  public String authorName;

  @Column(nullable = false)
  public String action;

  @Column(nullable = false)
  public String body;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
