package io.gatehouse.edge;

import io.gatehouse.shared.Caller;
import io.gatehouse.shared.TenantId;
import java.util.Set;
import java.util.UUID;

/**
 * A client application's API key as the gateway sees it once the edge has verified it (the secret
 * itself is never kept). The request holds it as its {@link Caller} ({@link #caller()}); {@link
 * #of(Caller)} reads it back.
 *
 * @param id the key's id (also the audit actor of its requests)
 * @param name the label its admin gave it (the audit trail shows it beside the key's id)
 * @param tenant the tenant the key belongs to
 * @param allowedRoutes route aliases the key may use; empty means all of the tenant's routes
 */
public record ClientKey(UUID id, String name, TenantId tenant, Set<String> allowedRoutes) {
    public ClientKey {
        allowedRoutes = Set.copyOf(allowedRoutes);
    }

    /** The key of an API-key caller (see {@code CurrentCaller.requireApiKey}). */
    public static ClientKey of(Caller caller) {
        if (!caller.isApiKey()) {
            throw new IllegalArgumentException("Not an API key: " + caller.kind());
        }
        return new ClientKey(
                UUID.fromString(caller.subject()),
                caller.name(),
                caller.tenant(),
                caller.allowedRoutes());
    }

    /** This key as the request's caller: no roles, its route scope. */
    public Caller caller() {
        return Caller.apiKey(id, name, tenant, allowedRoutes);
    }

    public boolean mayUse(String routeAlias) {
        return allowedRoutes.isEmpty() || allowedRoutes.contains(routeAlias);
    }
}
