package io.gatehouse.shared;

/**
 * The label a tenant carries in metrics: its slug ({@code demo}), readable on dashboards and alert
 * rules and stable across databases, unlike its id. Implemented by edge, which owns tenants;
 * modules that cannot see edge (governance) label their metrics through this interface.
 */
public interface TenantLabels {
    /** The tenant's slug, or its id when it has none (a tenant deleted meanwhile). */
    String labelOf(TenantId tenant);
}
