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

/**
 * A label (environment) of a prompt: its version and, during a canary, a second version's share.
 */
@Entity
@Table(name = "prompts_labels")
@IdClass(PromptLabelEntity.Key.class)
public class PromptLabelEntity {
    @Id
    @Column(name = "prompt_id")
    private UUID promptId;

    @Id private String label;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private int version;

    @Column(name = "canary_version")
    private Integer canaryVersion;

    @Column(name = "canary_percent", nullable = false)
    private int canaryPercent;

    @Column(name = "change_id")
    private UUID changeId;

    @Column(name = "updated_by", nullable = false)
    private String updatedBy;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    // Accessors: field writes must go through the entity (Hibernate enhances it for dirty
    // tracking).

    public UUID promptId() {
        return promptId;
    }

    public void promptId(UUID value) {
        this.promptId = value;
    }

    public String label() {
        return label;
    }

    public void label(String value) {
        this.label = value;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public void tenantId(UUID value) {
        this.tenantId = value;
    }

    public int version() {
        return version;
    }

    public void version(int value) {
        this.version = value;
    }

    public Integer canaryVersion() {
        return canaryVersion;
    }

    public void canaryVersion(Integer value) {
        this.canaryVersion = value;
    }

    public int canaryPercent() {
        return canaryPercent;
    }

    public void canaryPercent(int value) {
        this.canaryPercent = value;
    }

    public UUID changeId() {
        return changeId;
    }

    public void changeId(UUID value) {
        this.changeId = value;
    }

    public String updatedBy() {
        return updatedBy;
    }

    public void updatedBy(String value) {
        this.updatedBy = value;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public void updatedAt(Instant value) {
        this.updatedAt = value;
    }

    /** Composite key (prompt, label). */
    public static class Key implements Serializable {
        public UUID promptId;
        public String label;

        public Key() {}

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && Objects.equals(promptId, k.promptId)
                    && Objects.equals(label, k.label);
        }

        @Override
        public int hashCode() {
            return Objects.hash(promptId, label);
        }
    }
}
