package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.persistence.JpaPolicyVersions;
import io.gatehouse.policy.internal.persistence.PolicyVersionEntity;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live policies per tenant, cached for the hot path. Every publish (and the demo seed) writes
 * topic {@code policy} to the shared change feed in its transaction; the feed tells this instance
 * right after commit and every other instance within about a second (it polls), and the cache is
 * dropped then. Compiled policies are cached per version id, so CEL is compiled once per version.
 */
@ApplicationScoped
public class PolicyCache implements PolicySource {
    static final String TOPIC = "policy";

    private static final UUID GLOBAL = new UUID(0, 0);

    @Inject JpaPolicyVersions versions;

    private volatile ConcurrentHashMap<UUID, List<CompiledPolicy>> byTenant =
            new ConcurrentHashMap<>();
    private final Map<UUID, CompiledPolicy> compiled = new ConcurrentHashMap<>();

    @Override
    public List<CompiledPolicy> policiesFor(TenantId tenant) {
        ConcurrentHashMap<UUID, List<CompiledPolicy>> map = byTenant;
        UUID key = tenant == null ? GLOBAL : tenant.value();
        List<CompiledPolicy> hit = map.get(key);
        if (hit != null) {
            return hit;
        }
        // Loaded into the map captured before loading: if an invalidation swaps the map
        // meanwhile, a possibly stale result lands in the discarded map, never in the new one.
        UUID t = tenant == null ? null : tenant.value();
        List<CompiledPolicy> loaded = new ArrayList<>();
        for (PolicyVersionEntity v : versions.liveFor(t)) {
            loaded.add(compiled.computeIfAbsent(v.id(), id -> compile(v)));
        }
        List<CompiledPolicy> result = List.copyOf(loaded);
        map.put(key, result);
        return result;
    }

    /**
     * Drops every tenant's entry: a global policy applies to all tenants, and publishes are rare (a
     * full drop keeps the race reasoning simple).
     */
    void invalidate() {
        byTenant = new ConcurrentHashMap<>();
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (TOPIC.equals(change.topic())) {
            invalidate();
        }
    }

    static CompiledPolicy compile(PolicyVersionEntity v) {
        return CompiledPolicy.compile(
                v.name(), v.label(), v.tenantId() == null, JsonInput.readObject(v.content()));
    }
}
