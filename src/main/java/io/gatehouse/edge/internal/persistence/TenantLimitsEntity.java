package io.gatehouse.edge.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.UUID;

/**
 * A tenant's request and token rates and its cost budgets (null: unlimited), and the share of them
 * its evaluation runs may use (null: the default).
 */
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

    // the share of each limit and budget evaluation runs may use (1..100); null: the default
    @Column(name = "evaluation_share_percent")
    private Integer evaluationSharePercent;

    @Version private long version;

    protected TenantLimitsEntity() {}

    public TenantLimitsEntity(UUID tenantId) {
        this.tenantId = tenantId;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public Integer rpmLimit() {
        return rpmLimit;
    }

    public void rpmLimit(Integer v) {
        this.rpmLimit = v;
    }

    public Integer tpmLimit() {
        return tpmLimit;
    }

    public void tpmLimit(Integer v) {
        this.tpmLimit = v;
    }

    public Long dailyBudgetMicros() {
        return dailyBudgetMicros;
    }

    public void dailyBudgetMicros(Long v) {
        this.dailyBudgetMicros = v;
    }

    public Long monthlyBudgetMicros() {
        return monthlyBudgetMicros;
    }

    public void monthlyBudgetMicros(Long v) {
        this.monthlyBudgetMicros = v;
    }

    public Integer evaluationSharePercent() {
        return evaluationSharePercent;
    }

    public void evaluationSharePercent(Integer v) {
        this.evaluationSharePercent = v;
    }
}
