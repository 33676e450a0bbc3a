package io.gatehouse.edge.internal;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.KeyOwners;
import io.gatehouse.edge.internal.persistence.ApiKeyEntity;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link KeyOwners} from the key's and the tenant's rows, read as committed now. */
@ApplicationScoped
public class DefaultKeyOwners implements KeyOwners {
    @Inject JpaIdentity identity;
    @Inject TenantCache tenants;

    @Override
    public Optional<String> creator(TenantId tenant, UUID keyId) {
        return identity.key(tenant.value(), keyId).map(ApiKeyEntity::createdBy);
    }

    @Override
    public Set<String> creators(TenantId tenant, UUID keyId) {
        Set<String> found = new LinkedHashSet<>();
        Set<UUID> seen = new HashSet<>();
        UUID next = keyId;
        // bounded: a chain is as long as the rotations someone did, never a cycle
        while (next != null && seen.add(next) && seen.size() <= 1000) {
            Optional<ApiKeyEntity> k = identity.key(tenant.value(), next);
            if (k.isEmpty()) {
                break;
            }
            found.add(k.get().createdBy());
            next = k.get().rotatedFrom();
        }
        return found;
    }

    @Override
    public Optional<ClientKey> active(TenantId tenant, UUID keyId) {
        Instant now = Instant.now();
        return identity.key(tenant.value(), keyId)
                .filter(k -> k.revokedAt() == null || k.revokedAt().isAfter(now))
                .filter(k -> k.expiresAt() == null || k.expiresAt().isAfter(now))
                .map(k -> new ClientKey(k.id(), k.name(), tenant, k.allowedRoutes()));
    }

    @Override
    public boolean tenantActive(TenantId tenant) {
        return tenants.isActive(tenant);
    }
}
