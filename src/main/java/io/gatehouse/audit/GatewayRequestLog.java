package io.gatehouse.audit;

import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TimeBuckets;
import io.gatehouse.shared.WireNames;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Read access to the gateway's request events ({@code gateway.request}, each carrying its request's
 * accounting), always within one tenant. The audit module owns the audit tables; usage reports and
 * the policy test bench read them through here rather than with SQL of their own.
 */
public interface GatewayRequestLog {

    /** How usage totals are grouped. */
    enum Grouping {
        KEY,
        ROUTE,
        MODEL,
        PROVIDER;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Grouping> fromWireName(String name) {
            return WireNames.parse(Grouping.class, Grouping::wireName, name);
        }
    }

    /** Totals of one group; {@code group} is "(none)" for requests without a value. */
    record UsageTotal(
            String group,
            long requests,
            long errors,
            long inputTokens,
            long outputTokens,
            long costMicros,
            long cacheHits) {}

    /** A recorded gateway request without content: its ids, route and canonical details JSON. */
    record RecordedRequest(
            String requestId, Instant occurredAt, String keyId, String route, String detailsJson) {}

    /**
     * Usage in {@code [from, to)}, grouped, ordered by group.
     *
     * @param keyId when not null, only that API key's requests
     */
    List<UsageTotal> usage(
            TenantId tenant, Instant from, Instant to, Grouping groupBy, String keyId);

    /**
     * One bucket of one group of a gateway time series. Latency percentiles are over the requests'
     * whole latency ({@code latency_ms}), null when the bucket has none; {@code withinObjective}
     * counts requests answered below 500 within the latency objective asked for.
     */
    record SeriesRow(
            String group,
            long bucket,
            long requests,
            long errors,
            Double p50Ms,
            Double p95Ms,
            Double p99Ms,
            long inputTokens,
            long outputTokens,
            long costMicros,
            long withinObjective) {}

    /**
     * Gateway requests in {@code window}, per bucket and group (only buckets with requests),
     * ordered by group and bucket.
     *
     * @param groupBy null: one group, {@code all}
     * @param objectiveMs the latency objective {@link SeriesRow#withinObjective} counts against
     */
    List<SeriesRow> series(TenantId tenant, TimeBuckets window, Grouping groupBy, long objectiveMs);

    /**
     * How often a policy rule matched, per bucket: {@code rule} as the policy stage writes it
     * ({@code name@vN/rule-id}), {@code effect} its action ({@code deny}, {@code redact}, ...).
     */
    record RuleCount(long bucket, String rule, String effect, long count) {}

    /**
     * The rules matched in {@code details.policy.input.matched} and {@code
     * details.policy.output.matched} of the tenant's gateway requests in {@code window} (enforced
     * decisions only, not shadow ones), ordered by rule, effect and bucket.
     */
    List<RuleCount> policyRuleMatches(TenantId tenant, TimeBuckets window);

    /**
     * The tenant's most recent production gateway requests, newest first (no evaluation or canary
     * request, no test call through a draft: see {@code RetainedRequests#recent}).
     */
    List<RecordedRequest> recent(TenantId tenant, int limit);
}
