package io.gatehouse.routing.internal.catalog;

import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.routing.internal.persistence.CatalogRows;
import io.gatehouse.routing.stage.EvaluationCalls;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
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
    @Inject EvaluationCalls evaluations;

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

    /** A golden set may bind a route (issue 23): its cases run over the draft or the live route. */
    @Override
    public boolean offersEvaluation() {
        return true;
    }

    /**
     * One case over the route: the case's messages sent to the route's alias (the case names no
     * other model; prompt variables have no prompt to fill here), with the candidate's route
     * content applied to that exchange only ({@link RouteOverride}, read by route selection), or
     * over the published route when {@code call.candidate()} is null (a route that is not live yet
     * answers 404 {@code model_not_found} there). Runs as a chat call; the answer says how the
     * gateway ended it.
     */
    @Override
    public EvaluationAnswer evaluate(EvaluationCall call) {
        if (call.messages() == null || call.messages().isEmpty()) {
            throw new ValidationException(
                    "input.messages", "a route's case sends messages to the route");
        }
        if (call.variables() != null) {
            throw new ValidationException(
                    "input.variables", "a route's case has no prompt to fill in: send messages");
        }
        if (call.model() != null && !call.model().equals(call.target())) {
            throw new ValidationException(
                    "input.model", "a route's case runs over the route itself: leave model out");
        }
        StageOverrides overrides = new StageOverrides();
        if (call.candidate() != null) {
            CatalogRows.RouteRow row = CatalogContent.route(call.target(), call.candidate());
            overrides.with(RouteOverride.class, new RouteOverride(draft(row)));
        }
        JsonObject body =
                Json.createObjectBuilder()
                        .add("model", call.target())
                        .add("messages", call.messages())
                        .build();
        return evaluations.chat(call.tenant(), call.requestId(), body, overrides, call.of());
    }

    /** The draft as a route of the catalog (no id: it is in no table; version {@code draft}). */
    static Route draft(CatalogRows.RouteRow row) {
        return new Route(
                null,
                row.alias(),
                row.operation(),
                row.strategy(),
                row.requiredCapabilities(),
                row.cacheTtlSeconds(),
                row.enabled(),
                "draft",
                row.targets());
    }
}
