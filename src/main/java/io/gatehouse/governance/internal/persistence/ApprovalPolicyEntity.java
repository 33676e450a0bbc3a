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

/** A tenant's required number of approvals for a kind (or {@code *}) and risk class. */
@Entity
@Table(name = "governance_approval_policies")
@IdClass(ApprovalPolicyEntity.Key.class)
public class ApprovalPolicyEntity {
    @Id
    @Column(name = "tenant_id")
    private UUID tenantId;

    @Id private String kind;

    @Id private String risk;

    @Column(name = "required_approvals", nullable = false)
    private int requiredApprovals;

    /** Whether publishing needs evidence; null inherits ({@code *}, else false). V71. */
    @Column(name = "require_evidence")
    private Boolean requireEvidence;

    @Column(name = "updated_by", nullable = false)
    private String updatedBy;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    // Accessors: field writes must go through the entity (Hibernate enhances it for dirty
    // tracking).

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

    public String risk() {
        return risk;
    }

    public void risk(String value) {
        this.risk = value;
    }

    public int requiredApprovals() {
        return requiredApprovals;
    }

    public void requiredApprovals(int value) {
        this.requiredApprovals = value;
    }

    public Boolean requireEvidence() {
        return requireEvidence;
    }

    public void requireEvidence(Boolean value) {
        this.requireEvidence = value;
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

    /** Composite key (tenant, kind, risk). */
    public static class Key implements Serializable {
        public UUID tenantId;
        public String kind;
        public String risk;

        public Key() {}

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && Objects.equals(tenantId, k.tenantId)
                    && Objects.equals(kind, k.kind)
                    && Objects.equals(risk, k.risk);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenantId, kind, risk);
        }
    }
}
