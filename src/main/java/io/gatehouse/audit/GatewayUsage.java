package io.gatehouse.audit;

import io.gatehouse.shared.StorableText;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The accounting fields of one gateway request, carried by its audit event so that each request
 * costs one write. Usage reports and budgets read from these. Costs are in micro-units of the
 * catalog's currency (USD by default) so that sums are exact.
 *
 * <p>{@code versions} are what the request-path stages reported they applied, by lineage key
 * ({@link LineageKeys}); the record names no stage. The audit store keeps the versions that have
 * columns of their own ({@link LineageKeys#VERSION_COLUMNS}) where they always were, in those
 * columns and in the event's hashed usage, and any other version in the event's details under
 * {@link LineageKeys#VERSIONS_DETAIL}.
 */
public record GatewayUsage(
        String keyId,
        String route,
        String provider,
        String model,
        String region,
        int statusCode,
        long inputTokens,
        long outputTokens,
        boolean tokensEstimated,
        long costMicros,
        long latencyMs,
        long providerLatencyMs,
        Long timeToFirstTokenMs,
        boolean cacheHit,
        boolean streamed,
        Map<String, String> versions) {

    /** Keeps the stages' order; a key reported without a version is left out. */
    public GatewayUsage {
        Map<String, String> v = new LinkedHashMap<>();
        if (versions != null) {
            versions.forEach(
                    (k, value) -> {
                        if (k != null && value != null) {
                            v.put(k, value);
                        }
                    });
        }
        versions = v.isEmpty() ? Map.of() : Collections.unmodifiableMap(v);
    }

    /** The version reported under this lineage key, or null. */
    public String version(String lineageKey) {
        return versions.get(lineageKey);
    }

    /**
     * This usage with its text fields escaped for storage ({@code StorableText}); itself when
     * clean.
     */
    public GatewayUsage storable() {
        String k = StorableText.escape(keyId);
        String r = StorableText.escape(route);
        String p = StorableText.escape(provider);
        String m = StorableText.escape(model);
        String g = StorableText.escape(region);
        Map<String, String> v = new LinkedHashMap<>();
        boolean versionsClean = true;
        for (Map.Entry<String, String> e : versions.entrySet()) {
            String ek = StorableText.escape(e.getKey());
            String ev = StorableText.escape(e.getValue());
            versionsClean &= ek == e.getKey() && ev == e.getValue();
            v.put(ek, ev);
        }
        if (k == keyId
                && r == route
                && p == provider
                && m == model
                && g == region
                && versionsClean) {
            return this;
        }
        return new GatewayUsage(
                k,
                r,
                p,
                m,
                g,
                statusCode,
                inputTokens,
                outputTokens,
                tokensEstimated,
                costMicros,
                latencyMs,
                providerLatencyMs,
                timeToFirstTokenMs,
                cacheHit,
                streamed,
                v);
    }
}
