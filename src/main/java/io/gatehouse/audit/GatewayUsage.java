package io.gatehouse.audit;

/**
 * The accounting fields of one gateway request, carried by its audit event so that each request costs
 * one write. Usage reports and budgets read from these. Costs are in micro-units of the catalog's
 * currency (USD by default) so that sums are exact.
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
    String policyVersion) {}
