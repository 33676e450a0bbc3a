package io.gatehouse.routing.internal.catalog;

import java.util.Objects;

/**
 * A route change's candidate content applied to one exchange only (issue 23, {@link
 * RouteChangeKind#evaluate}): attached through {@code routing.stage.StageOverrides}, read by the
 * pipeline's route selection, which takes it in place of the published route of the same alias for
 * that exchange. Every other call, a concurrent one included, still goes the published way. Only
 * in-process code attaches it; no client input reaches it.
 *
 * @param route the draft route (its alias is the change's target)
 */
public record RouteOverride(Route route) {
    public RouteOverride {
        Objects.requireNonNull(route, "route");
    }

    /** The draft route for {@code alias}, or null when this override is for another alias. */
    public Route forAlias(String alias) {
        return route.alias().equals(alias) ? route : null;
    }
}
