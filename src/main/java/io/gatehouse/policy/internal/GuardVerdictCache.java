package io.gatehouse.policy.internal;

import io.gatehouse.shared.TenantId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Guard verdicts reused for the same text, per tenant: keyed by guard name, a digest of the guard's
 * configuration and the SHA-256 of the text (never the text), bounded per tenant (least recently
 * used out first) and in time (the guard's {@code cacheSeconds}). A tenant never sees another's
 * verdicts, and a changed guard configuration never sees verdicts of the old one.
 */
final class GuardVerdictCache {
    record Key(String guard, String configHash, String textHash) {}

    record Verdict(double score, String label, String provider, String model) {}

    private record Entry(Verdict verdict, long expiresAt) {}

    private final int perTenant;
    private final LongSupplier clock;
    private final Map<TenantId, Map<Key, Entry>> byTenant = new ConcurrentHashMap<>();

    GuardVerdictCache(int perTenant, LongSupplier clock) {
        this.perTenant = perTenant;
        this.clock = clock;
    }

    Optional<Verdict> get(TenantId tenant, Key key) {
        Map<Key, Entry> m = byTenant.get(tenant);
        if (m == null) {
            return Optional.empty();
        }
        synchronized (m) {
            Entry e = m.get(key);
            if (e == null) {
                return Optional.empty();
            }
            if (clock.getAsLong() >= e.expiresAt()) {
                m.remove(key);
                return Optional.empty();
            }
            return Optional.of(e.verdict());
        }
    }

    void put(TenantId tenant, Key key, Verdict verdict, long ttlMillis) {
        if (ttlMillis <= 0) {
            return;
        }
        Map<Key, Entry> m = byTenant.computeIfAbsent(tenant, t -> lru(perTenant));
        synchronized (m) {
            m.put(key, new Entry(verdict, clock.getAsLong() + ttlMillis));
        }
    }

    int size(TenantId tenant) {
        Map<Key, Entry> m = byTenant.get(tenant);
        if (m == null) {
            return 0;
        }
        synchronized (m) {
            return m.size();
        }
    }

    private static Map<Key, Entry> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > max;
            }
        };
    }
}
