package io.gatehouse.edge;

import io.gatehouse.shared.TenantId;
import java.util.Set;
import java.util.UUID;

/**
 * A client application's API key as the gateway sees it once the edge has verified it (the secret
 * itself is never kept).
 *
 * @param id the key's id (also the audit actor of its requests)
 * @param prefix the public part shown in listings, e.g. {@code gh_live_ab12}
 * @param tenant the tenant the key belongs to
 * @param name a label chosen by the admin
 * @param allowedRoutes route aliases the key may use; empty means all of the tenant's routes
 */
public record ClientKey(
        UUID id, String prefix, TenantId tenant, String name, Set<String> allowedRoutes) {
    public ClientKey {
        allowedRoutes = Set.copyOf(allowedRoutes);
    }

    public boolean mayUse(String routeAlias) {
        return allowedRoutes.isEmpty() || allowedRoutes.contains(routeAlias);
    }
}
