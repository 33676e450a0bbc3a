package io.gatehouse.edge.internal;

import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantLabels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Tenants are labelled by slug in metrics; the directory caches slugs (they never change). */
@ApplicationScoped
public class MetricTenantLabels implements TenantLabels {
    @Inject TenantCache directory;

    @Override
    public String labelOf(TenantId tenant) {
        return directory.slugOf(tenant).orElse(tenant.toString());
    }
}
