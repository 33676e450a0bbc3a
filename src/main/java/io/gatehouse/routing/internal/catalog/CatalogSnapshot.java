package io.gatehouse.routing.internal.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** An immutable view of one tenant's catalog at a revision. */
public record CatalogSnapshot(
        long revision, Map<String, Provider> providers, Map<String, Route> routes) {
    private static final Logger LOG = Logger.getLogger(CatalogSnapshot.class.getName());

    public CatalogSnapshot {
        providers = Map.copyOf(providers);
        routes = Map.copyOf(routes);
    }

    public Optional<Route> route(String alias) {
        return Optional.ofNullable(routes.get(alias)).filter(Route::enabled);
    }

    /**
     * The route's targets that exist and are enabled, in route order. A target naming a model that
     * no longer exists is skipped (and logged), not fatal: the route may still have others.
     */
    public List<Candidate> candidates(Route route) {
        List<Candidate> out = new ArrayList<>();
        for (Route.RouteTarget t : route.targets()) {
            Provider p = providers.get(t.provider());
            if (p == null || !p.enabled()) {
                continue;
            }
            var m = p.model(t.model());
            if (m.isEmpty()) {
                LOG.warning(
                        () ->
                                "Route "
                                        + route.alias()
                                        + " names unknown model "
                                        + t.provider()
                                        + "/"
                                        + t.model());
                continue;
            }
            out.add(new Candidate(p, m.get(), t.weight(), t.position()));
        }
        return out;
    }
}
