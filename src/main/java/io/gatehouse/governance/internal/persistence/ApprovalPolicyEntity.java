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
  public UUID tenantId;

  @Id public String kind;

  @Id public String risk;

  @Column(name = "required_approvals", nullable = false)
  public int requiredApprovals;

  @Column(name = "updated_by", nullable = false)
  public String updatedBy;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

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
