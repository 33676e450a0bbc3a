package io.gatehouse.routing.internal;

import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.routing.internal.catalog.CatalogSnapshot;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.persistence.CatalogStore;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Route changes through governance. Targets must name an existing provider and model. Sending a
 * route's traffic to a provider it did not use before is HIGH risk; other route changes are LOW.
 */
@ApplicationScoped
public class RouteChangeKind implements ChangeKind {
  @Inject CatalogCache cache;
  @Inject CatalogWriter writer;

  @Override
  public String kind() {
    return "route";
  }

  @Override
  public JsonObject validate(TenantId tenant, String target, JsonObject content) {
    CatalogStore.RouteRow row = CatalogContent.route(target, content);
    CatalogSnapshot snap = cache.snapshot(tenant);
    for (Route.RouteTarget t : row.targets()) {
      Provider p = snap.providers().get(t.provider());
      String param = "content.targets[" + t.position() + "]";
      if (p == null) {
        throw new ValidationException(param + ".provider", "no provider named " + t.provider());
      }
      if (p.model(t.model()).isEmpty()) {
        throw new ValidationException(param + ".model", t.provider() + " has no model " + t.model());
      }
      if (row.operation().equals("embeddings")
          && !p.model(t.model()).get().capabilities().contains("embeddings")) {
        throw new ValidationException(param + ".model", t.model() + " offers no embeddings");
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
  public RiskClass risk(
      TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live) {
    Route r = cache.snapshot(tenant).routes().get(target);
    CatalogStore.RouteRow row = CatalogContent.route(target, proposed);
    Set<String> before =
        r == null
            ? Set.of()
            : r.targets().stream().map(Route.RouteTarget::provider).collect(Collectors.toSet());
    boolean newDestination =
        r != null && row.targets().stream().anyMatch(t -> !before.contains(t.provider()));
    return newDestination ? RiskClass.HIGH : RiskClass.LOW;
  }

  @Override
  public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
    String version = context.changeId().toString();
    writer.writeRoute(tenant, CatalogContent.route(target, content), version);
    return version;
  }
}
