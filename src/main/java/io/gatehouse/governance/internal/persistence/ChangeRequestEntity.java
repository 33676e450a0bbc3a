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
    @Id private UUID id;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private String kind;

    @Column(nullable = false)
    private String target;

    @Column(nullable = false)
    private String state;

    @Column(nullable = false)
    private int revision;

    @Column(nullable = false)
    private String content;

    @Column(name = "base_version")
    private String baseVersion;

    @Column(nullable = false)
    private String diff;

    @Column(nullable = false)
    private String risk;

    @Column(name = "author_id", nullable = false)
    private String authorId;

    @Column(name = "author_name", nullable = false)
    private String authorName;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "submitted_at")
    private Instant submittedAt;

    @Column(name = "published_at")
    private Instant publishedAt;

    @Column(name = "published_by")
    private String publishedBy;

    @Column(name = "published_version")
    private String publishedVersion;

    @Column(name = "rollback_of")
    private UUID rollbackOf;

    @Column(name = "post_hoc_review")
    private String postHocReview;

    /** The override of a failed evaluation run its publication used (JSON), if any (V71). */
    @Column(name = "evidence_override")
    private String evidenceOverride;

    @Version private long version;

    // Accessors: field writes must go through the entity (Hibernate enhances it for dirty
    // tracking).

    public UUID id() {
        return id;
    }

    public void id(UUID value) {
        this.id = value;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public void tenantId(UUID value) {
        this.tenantId = value;
    }

    public String kind() {
        return kind;
    }

    public void kind(String value) {
        this.kind = value;
    }

    public String target() {
        return target;
    }

    public void target(String value) {
        this.target = value;
    }

    public String state() {
        return state;
    }

    public void state(String value) {
        this.state = value;
    }

    public int revision() {
        return revision;
    }

    public void revision(int value) {
        this.revision = value;
    }

    public String content() {
        return content;
    }

    public void content(String value) {
        this.content = value;
    }

    public String baseVersion() {
        return baseVersion;
    }

    public void baseVersion(String value) {
        this.baseVersion = value;
    }

    public String diff() {
        return diff;
    }

    public void diff(String value) {
        this.diff = value;
    }

    public String risk() {
        return risk;
    }

    public void risk(String value) {
        this.risk = value;
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

    public Instant createdAt() {
        return createdAt;
    }

    public void createdAt(Instant value) {
        this.createdAt = value;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public void updatedAt(Instant value) {
        this.updatedAt = value;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    public void submittedAt(Instant value) {
        this.submittedAt = value;
    }

    public Instant publishedAt() {
        return publishedAt;
    }

    public void publishedAt(Instant value) {
        this.publishedAt = value;
    }

    public String publishedBy() {
        return publishedBy;
    }

    public void publishedBy(String value) {
        this.publishedBy = value;
    }

    public String publishedVersion() {
        return publishedVersion;
    }

    public void publishedVersion(String value) {
        this.publishedVersion = value;
    }

    public UUID rollbackOf() {
        return rollbackOf;
    }

    public void rollbackOf(UUID value) {
        this.rollbackOf = value;
    }

    public String postHocReview() {
        return postHocReview;
    }

    public void postHocReview(String value) {
        this.postHocReview = value;
    }

    public long version() {
        return version;
    }

    public void version(long value) {
        this.version = value;
    }

    public String evidenceOverride() {
        return evidenceOverride;
    }

    public void evidenceOverride(String value) {
        this.evidenceOverride = value;
    }
}
