package io.gatehouse.edge.internal;

import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

@ApplicationScoped
public class DefaultTenants implements Tenants {
    @Inject TenantCache directory;

    @Override
    public Optional<TenantId> findBySlug(String slug) {
        return directory.bySlug(slug);
    }

    @Override
    public Optional<String> slugOf(TenantId tenant) {
        return directory.slugOf(tenant);
    }
}
