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
    @Id private UUID id;

    @Column(name = "change_id", nullable = false)
    private UUID changeId;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(name = "author_id", nullable = false)
    private String authorId;

    @Column(name = "author_name", nullable = false)
    private String authorName;

    @Column(nullable = false)
    private String action;

    /** The comment this one answers (same change), or null for a comment of its own. */
    @Column(name = "parent_id")
    private UUID parentId;

    @Column(nullable = false)
    private String body;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    // Accessors: field writes must go through the entity (Hibernate enhances it for dirty
    // tracking).

    public UUID id() {
        return id;
    }

    public void id(UUID value) {
        this.id = value;
    }

    public UUID changeId() {
        return changeId;
    }

    public void changeId(UUID value) {
        this.changeId = value;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public void tenantId(UUID value) {
        this.tenantId = value;
    }

    public String authorId() {
        return authorId;
    }

    public void authorId(String value) {
        this.authorId = value;
    }

    public String authorName() {
        return authorName;
    }

    public void authorName(String value) {
        this.authorName = value;
    }

    public String action() {
        return action;
    }

    public void action(String value) {
        this.action = value;
    }

    public UUID parentId() {
        return parentId;
    }

    public void parentId(UUID value) {
        this.parentId = value;
    }

    public String body() {
        return body;
    }

    public void body(String value) {
        this.body = value;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public void createdAt(Instant value) {
        this.createdAt = value;
    }
}
