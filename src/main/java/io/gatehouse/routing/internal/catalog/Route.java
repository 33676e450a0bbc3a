package io.gatehouse.routing.internal.catalog;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A public alias and the targets it may go to, in order, with the strategy that picks among them.
 */
public record Route(
        UUID id,
        String alias,
        String operation,
        String strategy,
        Set<String> requiredCapabilities,
        int cacheTtlSeconds,
        boolean enabled,
        String version,
        List<RouteTarget> targets) {
    public static final Set<String> STRATEGIES =
            Set.of("priority", "weighted", "lowest-latency", "lowest-cost");
    public static final Set<String> OPERATIONS = Set.of("chat", "embeddings");

    public Route {
        requiredCapabilities = Set.copyOf(requiredCapabilities);
        targets = List.copyOf(targets);
    }

    /** One target: a provider's model, by name, with its weight for the weighted strategy. */
    public record RouteTarget(int position, String provider, String model, int weight) {}
}
