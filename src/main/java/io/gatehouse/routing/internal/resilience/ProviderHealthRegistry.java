package io.gatehouse.routing.internal.resilience;

import io.gatehouse.routing.internal.catalog.Provider;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * One {@link ProviderHealth} per provider (so one provider failing never trips another's breaker),
 * renewed when the provider's catalog version changes (new concurrency limit, new base URL).
 * Options: {@code breakerFailures} (default 5), {@code breakerOpenMs} (default 30000).
 */
public final class ProviderHealthRegistry {
    private final Map<UUID, ProviderHealth> health = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final BiConsumer<Provider, CircuitBreaker> watcher;

    public ProviderHealthRegistry(LongSupplier clock) {
        this(clock, (p, b) -> {});
    }

    /** {@code watcher} sees every breaker created (metrics: its state and transitions). */
    public ProviderHealthRegistry(
            LongSupplier clock, BiConsumer<Provider, CircuitBreaker> watcher) {
        this.clock = clock;
        this.watcher = watcher;
    }

    public ProviderHealth of(Provider p) {
        return health.compute(
                p.id(), (id, h) -> h != null && h.version().equals(p.version()) ? h : created(p));
    }

    private ProviderHealth created(Provider p) {
        ProviderHealth h =
                new ProviderHealth(
                        p.version(),
                        p.maxConcurrency(),
                        (int) p.optionLong("breakerFailures", 5),
                        p.optionLong("breakerOpenMs", 30_000),
                        clock);
        watcher.accept(p, h.breaker());
        return h;
    }

    /** Moving-average latency, NaN when unmeasured. */
    public double latencyMs(Provider p) {
        ProviderHealth h = health.get(p.id());
        return h == null ? Double.NaN : h.latencyMs();
    }
}
