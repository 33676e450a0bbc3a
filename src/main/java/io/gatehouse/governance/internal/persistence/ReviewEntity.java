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
    @Id private UUID id;

    @Column(name = "change_id", nullable = false)
    private UUID changeId;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private int revision;

    @Column(name = "reviewer_id", nullable = false)
    private String reviewerId;

    @Column(name = "reviewer_name", nullable = false)
    private String reviewerName;

    @Column(nullable = false)
    private String decision;

    private String comment;

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

    public int revision() {
        return revision;
    }

    public void revision(int value) {
        this.revision = value;
    }

    public String reviewerId() {
        return reviewerId;
    }

    public void reviewerId(String value) {
        this.reviewerId = value;
    }

    public String reviewerName() {
        return reviewerName;
    }

    public void reviewerName(String value) {
        this.reviewerName = value;
    }

    public String decision() {
        return decision;
    }

    public void decision(String value) {
        this.decision = value;
    }

    public String comment() {
        return comment;
    }

    public void comment(String value) {
        this.comment = value;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public void createdAt(Instant value) {
        this.createdAt = value;
    }
}
