package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.catalog.CatalogSnapshot;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.catalog.RouteOverride;
import io.gatehouse.routing.internal.catalog.TestCatalog;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.shared.error.GatehouseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A route change's candidate (issue 23) is taken by route selection for the one exchange that
 * carries it, for its own alias only; every other exchange resolves the published route.
 */
class RouteOverrideTest {
    static Route route(String alias, String provider, boolean enabled, String version) {
        return new Route(
                null,
                alias,
                "chat",
                "priority",
                Set.of(),
                0,
                enabled,
                version,
                List.of(new Route.RouteTarget(0, provider, "m-" + provider, 1)));
    }

    static final Provider LIVE = TestCatalog.provider("live");
    static final Provider DRAFT = TestCatalog.provider("draft");
    static final CatalogSnapshot SNAP =
            new CatalogSnapshot(
                    1,
                    Map.of("live", LIVE, "draft", DRAFT),
                    Map.of(
                            "support",
                            route("support", "live", true, "published"),
                            "other",
                            route("other", "live", true, "published")));

    static Call call(StageOverrides overrides) {
        Call call =
                new Call(
                        new ClientKey(UUID.randomUUID(), "k", TestCatalog.TENANT, Set.of()),
                        "req",
                        null,
                        "chat");
        call.exchange =
                new GatewayExchange(
                        TestCatalog.TENANT,
                        call.key.id().toString(),
                        "req",
                        "chat",
                        "support",
                        null,
                        List.of(new ChatMessage("user", "hi", false)),
                        Map.of());
        if (overrides != null) {
            overrides.applyTo(call.exchange);
        }
        return call;
    }

    @Test
    void theCandidateIsTakenForItsAliasOnTheExchangeThatCarriesIt() {
        StageOverrides o =
                new StageOverrides()
                        .with(
                                RouteOverride.class,
                                new RouteOverride(route("support", "draft", true, "draft")));
        Call candidate = call(o);
        Route r = RouteSelection.resolve(candidate, SNAP, "support", "chat");
        assertThat(r.version()).isEqualTo("draft");
        assertThat(SNAP.candidates(r).get(0).provider().name()).isEqualTo("draft");
        // another alias on the same exchange: the published route
        assertThat(RouteSelection.resolve(call(o), SNAP, "other", "chat").version())
                .isEqualTo("published");
        // an exchange without it (a concurrent live call): the published route
        assertThat(RouteSelection.resolve(call(null), SNAP, "support", "chat").version())
                .isEqualTo("published");
        assertThat(
                        RouteSelection.resolve(call(new StageOverrides()), SNAP, "support", "chat")
                                .version())
                .isEqualTo("published");
    }

    @Test
    void aDisabledCandidateIsNoRouteAndANewOneNeedsNoPublishedRoute() {
        Call disabled =
                call(
                        new StageOverrides()
                                .with(
                                        RouteOverride.class,
                                        new RouteOverride(
                                                route("support", "draft", false, "draft"))));
        assertThatThrownBy(() -> RouteSelection.resolve(disabled, SNAP, "support", "chat"))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("model_not_found"));
        Call fresh =
                call(
                        new StageOverrides()
                                .with(
                                        RouteOverride.class,
                                        new RouteOverride(
                                                route("brand-new", "draft", true, "draft"))));
        assertThat(RouteSelection.resolve(fresh, SNAP, "brand-new", "chat").version())
                .isEqualTo("draft");
        assertThatThrownBy(() -> RouteSelection.resolve(call(null), SNAP, "brand-new", "chat"))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("model_not_found"));
    }
}
