package io.gatehouse.edge.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.UUID;

/** A tenant's request and token rates and its cost budgets (null: unlimited). */
@Entity
@Table(name = "edge_tenant_limits")
public class TenantLimitsEntity {
    @Id
    @Column(name = "tenant_id")
    private UUID tenantId;

    @Column(name = "rpm_limit")
    private Integer rpmLimit;

    @Column(name = "tpm_limit")
    private Integer tpmLimit;

    @Column(name = "daily_budget_micros")
    private Long dailyBudgetMicros;

    @Column(name = "monthly_budget_micros")
    private Long monthlyBudgetMicros;

    @Version private long version;

    protected TenantLimitsEntity() {}

    public TenantLimitsEntity(UUID tenantId) {
        this.tenantId = tenantId;
    }

    public UUID getTenantId() {
        return tenantId;
    }

    public Integer getRpmLimit() {
        return rpmLimit;
    }

    public void setRpmLimit(Integer v) {
        this.rpmLimit = v;
    }

    public Integer getTpmLimit() {
        return tpmLimit;
    }

    public void setTpmLimit(Integer v) {
        this.tpmLimit = v;
    }

    public Long getDailyBudgetMicros() {
        return dailyBudgetMicros;
    }

    public void setDailyBudgetMicros(Long v) {
        this.dailyBudgetMicros = v;
    }

    public Long getMonthlyBudgetMicros() {
        return monthlyBudgetMicros;
    }

    public void setMonthlyBudgetMicros(Long v) {
        this.monthlyBudgetMicros = v;
    }
}
