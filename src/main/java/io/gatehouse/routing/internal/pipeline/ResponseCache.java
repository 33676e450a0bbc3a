package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Exact-match answer cache, opt-in per route ({@code cache_ttl_seconds > 0}). The key is the
 * tenant, the route and a hash of the exact upstream body (after prompt rendering and redaction),
 * so a repeat is served only within the same tenant and never across tenants. Bounded in entries.
 */
public final class ResponseCache {
    /** A cached answer and where it came from. */
    public record Entry(
            JsonObject answer,
            String provider,
            String model,
            String region,
            long expiresAtMillis) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final LongSupplier clock;

    public ResponseCache(int maxEntries, LongSupplier clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    public static String key(TenantId tenant, String route, JsonObject upstreamBody) {
        return key(tenant, route, upstreamBody.toString());
    }

    /**
     * The key of an upstream body's text (the client's bytes or a rendering, see ChatOperation).
     */
    public static String key(TenantId tenant, String route, String upstreamBody) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(tenant.toString().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(route.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(upstreamBody.getBytes(StandardCharsets.UTF_8));
            return tenant + ":" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Entry> get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (e.expiresAtMillis() <= clock.getAsLong()) {
            entries.remove(key, e);
            return Optional.empty();
        }
        return Optional.of(e);
    }

    public void put(
            String key,
            JsonObject answer,
            String provider,
            String model,
            String region,
            int ttlSeconds) {
        long now = clock.getAsLong();
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> e.expiresAtMillis() <= now);
            if (entries.size() >= maxEntries) {
                return; // full of live entries: skip rather than evict on the hot path
            }
        }
        entries.put(key, new Entry(answer, provider, model, region, now + ttlSeconds * 1000L));
    }
}
