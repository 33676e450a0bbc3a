package io.gatehouse.routing.internal.catalog;

import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.routing.internal.persistence.CatalogRows;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * Route changes through governance. Targets must name an existing provider and model. A new route,
 * sending its traffic to a provider or model it did not use, another operation, enabling it or a
 * changed answer cache (retention) is HIGH risk; strategy, weights and order are LOW.
 */
@ApplicationScoped
public class RouteChangeKind implements ChangeKind {
    @Inject CatalogCache cache;
    @Inject CatalogWriter writer;
    @Inject CatalogRows store;

    @Override
    public String kind() {
        return "route";
    }

    @Override
    public JsonObject validate(TenantId tenant, String target, JsonObject content) {
        CatalogRows.RouteRow row = CatalogContent.route(target, content);
        CatalogSnapshot snap = cache.snapshot(tenant);
        for (Route.RouteTarget t : row.targets()) {
            Provider p = snap.providers().get(t.provider());
            String param = "content.targets[" + t.position() + "]";
            if (p == null) {
                throw new ValidationException(
                        param + ".provider", "no provider named " + t.provider());
            }
            if (p.model(t.model()).isEmpty()) {
                throw new ValidationException(
                        param + ".model", t.provider() + " has no model " + t.model());
            }
            if (row.operation().equals("embeddings")
                    && !p.model(t.model()).get().capabilities().contains("embeddings")) {
                throw new ValidationException(
                        param + ".model", t.model() + " offers no embeddings");
            }
        }
        return content;
    }

    @Override
    public Optional<LiveVersion> live(TenantId tenant, String target) {
        Route r = cache.snapshot(tenant).routes().get(target);
        return r == null
                ? Optional.empty()
                : Optional.of(new LiveVersion(r.version(), CatalogContent.routeContent(r)));
    }

    @Override
    public Optional<String> committedVersion(TenantId tenant, String target) {
        return store.routeVersion(tenant, target);
    }

    /**
     * HIGH for a new route (a new alias policies may or may not match) and whatever {@link
     * CatalogRisk#routeChange} finds (operation, a provider/model pair the route did not use, the
     * answer cache's retention, enabling it); LOW for strategy, weights, order and capabilities.
     */
    @Override
    public RiskClass risk(
            TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live) {
        if (live.isEmpty()) {
            return RiskClass.HIGH;
        }
        CatalogRows.RouteRow row = CatalogContent.route(target, proposed);
        return CatalogRisk.routeChange(live.get().content(), row).isEmpty()
                ? RiskClass.LOW
                : RiskClass.HIGH;
    }

    @Override
    public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
        String version = context.changeId().toString();
        writer.writeRoute(tenant, CatalogContent.route(target, content), version);
        return version;
    }
}
