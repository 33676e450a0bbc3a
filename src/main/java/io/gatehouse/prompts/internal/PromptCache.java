package io.gatehouse.prompts.internal;

import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published prompts for the gateway's hot path, in memory. Every publish or rollback writes topic
 * {@code prompt} to the shared change feed in its transaction; the feed tells this instance right
 * after commit and every other instance within about a second (it polls), and the tenant's entries
 * are dropped then.
 */
@ApplicationScoped
public class PromptCache {
    static final String TOPIC = "prompt";

    @Inject PromptRegistry registry;

    private record Key(TenantId tenant, String prompt, String label) {}

    private volatile ConcurrentHashMap<Key, Optional<ResolvedLabel>> entries =
            new ConcurrentHashMap<>();

    public Optional<ResolvedLabel> get(TenantId tenant, String prompt, String label) {
        ConcurrentHashMap<Key, Optional<ResolvedLabel>> map = entries;
        Key k = new Key(tenant, prompt, label);
        Optional<ResolvedLabel> hit = map.get(k);
        if (hit != null) {
            return hit;
        }
        // Loaded into the map captured before loading: if an invalidation swaps the map meanwhile,
        // a
        // possibly stale result lands in the discarded map, never in the new one.
        Optional<ResolvedLabel> loaded = registry.load(tenant, prompt, label);
        map.put(k, loaded);
        return loaded;
    }

    /** Drops everything (publishes are rare; a full drop keeps the race reasoning simple). */
    public void invalidate() {
        entries = new ConcurrentHashMap<>();
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (TOPIC.equals(change.topic())) {
            invalidate();
        }
    }
}
