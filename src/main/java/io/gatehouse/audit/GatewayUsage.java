package io.gatehouse.audit;

import io.gatehouse.shared.StorableText;

/**
 * The accounting fields of one gateway request, carried by its audit event so that each request
 * costs one write. Usage reports and budgets read from these. Costs are in micro-units of the
 * catalog's currency (USD by default) so that sums are exact.
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
        String promptVersion,
        String policyVersion) {

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
        String pv = StorableText.escape(promptVersion);
        String pol = StorableText.escape(policyVersion);
        if (k == keyId
                && r == route
                && p == provider
                && m == model
                && g == region
                && pv == promptVersion
                && pol == policyVersion) {
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
                pv,
                pol);
    }
}
