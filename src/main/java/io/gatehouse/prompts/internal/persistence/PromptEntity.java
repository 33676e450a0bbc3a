package io.gatehouse.prompts.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A managed prompt of a tenant. */
@Entity
@Table(name = "prompts_prompts")
public class PromptEntity {
    @Id private UUID id;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private String name;

    /**
     * The version most recently made live (by a publish or a rollback): what new changes base on.
     */
    @Column(name = "live_version")
    private Integer liveVersion;

    @Column(name = "live_label")
    private String liveLabel;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

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

    public String name() {
        return name;
    }

    public void name(String value) {
        this.name = value;
    }

    public Integer liveVersion() {
        return liveVersion;
    }

    public void liveVersion(Integer value) {
        this.liveVersion = value;
    }

    public String liveLabel() {
        return liveLabel;
    }

    public void liveLabel(String value) {
        this.liveLabel = value;
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

    public long version() {
        return version;
    }

    public void version(long value) {
        this.version = value;
    }
}
