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
    private UUID changeId;

    @Id private int revision;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private String content;

    @Column(name = "base_version")
    private String baseVersion;

    @Column(nullable = false)
    private String diff;

    @Column(nullable = false)
    private String risk;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    @Column(name = "created_by_name", nullable = false)
    private String createdByName;

    /** How the revision came about: create, revise, rebase or rollback. */
    @Column(nullable = false)
    private String action;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    // Accessors: field writes must go through the entity (Hibernate enhances it for dirty
    // tracking).

    public UUID changeId() {
        return changeId;
    }

    public void changeId(UUID value) {
        this.changeId = value;
    }

    public int revision() {
        return revision;
    }

    public void revision(int value) {
        this.revision = value;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public void tenantId(UUID value) {
        this.tenantId = value;
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

    public String createdBy() {
        return createdBy;
    }

    public void createdBy(String value) {
        this.createdBy = value;
    }

    public String createdByName() {
        return createdByName;
    }

    public void createdByName(String value) {
        this.createdByName = value;
    }

    public String action() {
        return action;
    }

    public void action(String value) {
        this.action = value;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public void createdAt(Instant value) {
        this.createdAt = value;
    }

    /** Composite key (change, revision). */
    public static class Key implements Serializable {
        public UUID changeId;
        public int revision;

        public Key() {}

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && Objects.equals(changeId, k.changeId)
                    && revision == k.revision;
        }

        @Override
        public int hashCode() {
            return Objects.hash(changeId, revision);
        }
    }
}
