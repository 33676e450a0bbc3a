package io.gatehouse.governance.internal;

import io.gatehouse.governance.RiskClass;

/**
 * How many distinct approvals a change needs. Defaults: one for LOW, two for HIGH; a tenant may set
 * its own number per kind (or for every kind with {@code *}) and risk class.
 */
public final class ApprovalRule {
    public static final String ANY_KIND = "*";

    private ApprovalRule() {}

    public static int defaultFor(RiskClass risk) {
        return risk == RiskClass.HIGH ? 2 : 1;
    }

    /**
     * The number that applies: the kind's own setting, else the tenant's setting for any kind, else
     * the default. A HIGH change never needs fewer than two: four eyes plus the author are the
     * point.
     */
    public static int required(RiskClass risk, Integer forKind, Integer forAnyKind) {
        int n = forKind != null ? forKind : forAnyKind != null ? forAnyKind : defaultFor(risk);
        return risk == RiskClass.HIGH ? Math.max(2, n) : Math.max(1, n);
    }
}
