package io.gatehouse.audit;

import io.gatehouse.shared.TenantId;
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

    /** The tenant's most recent gateway requests, newest first. */
    List<RecordedRequest> recent(TenantId tenant, int limit);
}
