package io.gatehouse.governance.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A tenant's webhook endpoint; the signing secret is sealed under the master key. */
@Entity
@Table(name = "governance_webhooks")
public class WebhookEntity {
    @Id private UUID id;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private String url;

    private String description;

    @Column(name = "secret_sealed", nullable = false)
    private String secretSealed;

    @Column(nullable = false)
    private boolean active;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

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

    public String url() {
        return url;
    }

    public void url(String value) {
        this.url = value;
    }

    public String description() {
        return description;
    }

    public void description(String value) {
        this.description = value;
    }

    public String secretSealed() {
        return secretSealed;
    }

    public void secretSealed(String value) {
        this.secretSealed = value;
    }

    public boolean active() {
        return active;
    }

    public void active(boolean value) {
        this.active = value;
    }

    public String createdBy() {
        return createdBy;
    }

    public void createdBy(String value) {
        this.createdBy = value;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public void createdAt(Instant value) {
        this.createdAt = value;
    }

    public long version() {
        return version;
    }

    public void version(long value) {
        this.version = value;
    }
}
