package io.gatehouse.edge.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A tenant's egress allow-list: its entries as a JSON array, and who changed it last. */
@Entity
@Table(name = "edge_egress_allowlists")
public class EgressAllowListEntity {
    @Id
    @Column(name = "tenant_id")
    private UUID tenantId;

    @Column(nullable = false)
    private String entries;

    @Column(name = "updated_by", nullable = false)
    private String updatedBy;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version private long version;

    protected EgressAllowListEntity() {}

    public EgressAllowListEntity(
            UUID tenantId, String entries, String updatedBy, Instant updatedAt) {
        this.tenantId = tenantId;
        this.entries = entries;
        this.updatedBy = updatedBy;
        this.updatedAt = updatedAt;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public String entries() {
        return entries;
    }

    public String updatedBy() {
        return updatedBy;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public void replace(String entries, String updatedBy, Instant updatedAt) {
        this.entries = entries;
        this.updatedBy = updatedBy;
        this.updatedAt = updatedAt;
    }
}
