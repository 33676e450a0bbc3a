package io.gatehouse.edge.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A tenant row. Never leaves the edge module; other modules hold a {@code TenantId}. */
@Entity
@Table(name = "edge_tenants")
public class TenantEntity {
    @Id private UUID id;

    @Column(nullable = false, unique = true)
    private String slug;

    @Column(name = "display_name", nullable = false)
    private String displayName;

    @Column(nullable = false)
    private String status;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version private long version;

    protected TenantEntity() {}

    public TenantEntity(UUID id, String slug, String displayName) {
        this.id = id;
        this.slug = slug;
        this.displayName = displayName;
        this.status = "active";
        this.createdAt = Instant.now();
    }

    public UUID id() {
        return id;
    }

    public String slug() {
        return slug;
    }

    public String displayName() {
        return displayName;
    }

    public void displayName(String displayName) {
        this.displayName = displayName;
    }

    public String status() {
        return status;
    }

    public void status(String status) {
        this.status = status;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public long version() {
        return version;
    }
}
