package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.CatalogSnapshot;
import io.gatehouse.routing.internal.catalog.Prices;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.catalog.RouteOverride;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Route selection: the alias the stages left on the exchange, checked against the key's allowed
 * models and the route's operation, narrowed to the targets that can serve this request and that
 * the stages allow (classification, provider restrictions).
 */
final class RouteSelection {
    private RouteSelection() {}

    /**
     * The route the alias names, if this key may use it for this operation: a route change's draft
     * when the exchange carries one for this alias ({@link RouteOverride}, an evaluation's
     * candidate side), else the published route.
     */
    static Route resolve(Call call, CatalogSnapshot snap, String alias, String operation) {
        call.alias = alias;
        RouteOverride override =
                call.exchange == null ? null : call.exchange.attachment(RouteOverride.class);
        Route draft = override == null ? null : override.forAlias(alias);
        Route route =
                (draft != null ? Optional.of(draft).filter(Route::enabled) : snap.route(alias))
                        .orElseThrow(
                                () ->
                                        new GatehouseException(
                                                404,
                                                "model_not_found",
                                                "The model '"
                                                        + alias
                                                        + "' does not exist or you do not have access to it",
                                                "model",
                                                Map.of()));
        call.route = route.alias();
        if (!call.key.mayUse(alias)) {
            throw new GatehouseException(
                    403,
                    "model_not_allowed",
                    "This API key may not use the model '" + alias + "'",
                    "model",
                    Map.of());
        }
        if (!route.operation().equals(operation)) {
            throw new ValidationException(
                    "model_not_supported",
                    "model",
                    "The model '" + alias + "' serves " + route.operation() + ", not " + operation);
        }
        return route;
    }

    /** The route's targets that have the capabilities the request needs and that it may use. */
    static List<Candidate> candidates(
            Call call, CatalogSnapshot snap, Route route, JsonObject req, String operation) {
        Set<String> needed = new HashSet<>(route.requiredCapabilities());
        needed.addAll(GatewayRequests.requiredCapabilities(req, operation));
        List<Candidate> all = snap.candidates(route);
        List<Candidate> capable =
                all.stream().filter(c -> c.model().capabilities().containsAll(needed)).toList();
        if (capable.isEmpty() && !all.isEmpty()) {
            throw new ValidationException(
                    "model_capability_missing",
                    "model",
                    "No target of '"
                            + route.alias()
                            + "' supports what this request needs: "
                            + needed);
        }
        List<Candidate> allowed =
                capable.stream().filter(c -> call.exchange.providerAllowed(c.target())).toList();
        if (allowed.isEmpty() && !capable.isEmpty()) {
            List<String> why = new ArrayList<>(call.exchange.providerRestrictions());
            if (call.exchange.classification() > 0) {
                why.add("classification " + call.exchange.classification());
            }
            throw new ForbiddenException(
                    "no_provider_allowed",
                    "No provider of '"
                            + route.alias()
                            + "' is allowed for this request: "
                            + String.join("; ", why));
        }
        if (allowed.isEmpty()) {
            throw new GatehouseException(
                    503,
                    "no_provider_available",
                    "The model '" + route.alias() + "' has no provider configured");
        }
        return allowed;
    }

    /** What the call may cost at most: priced at the dearest candidate failover may reach. */
    static long maxCost(List<Candidate> candidates, long inputTokens, long outputTokens) {
        long max = 0;
        for (Candidate c : candidates) {
            max = Math.max(max, Prices.costMicros(c.model(), inputTokens, outputTokens));
        }
        return max;
    }
}
