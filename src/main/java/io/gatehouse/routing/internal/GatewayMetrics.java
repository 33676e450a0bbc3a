package io.gatehouse.routing.internal;

import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Prometheus metrics of the OpenAI-compatible API, per tenant and route: requests by provider and
 * status, duration, tokens. They replace Liberty's generic per-request HTTP timers on the hot path
 * (see {@code gatehouse.monitor.filter} in server.xml): each metric is looked up in the registry
 * once per label set and cached here, instead of building a metric id on every request.
 *
 * <p>Labels are bounded by configuration: {@code route} is a configured alias or {@code "-"} when
 * the request named no existing route (client-chosen model names never become labels).
 */
@ApplicationScoped
public class GatewayMetrics {
    private static final Metadata REQUESTS =
            metadata(
                    "gatehouse_gateway_requests",
                    "Requests of the OpenAI-compatible API by route, provider and HTTP status");
    private static final Metadata DURATION =
            metadata(
                    "gatehouse_gateway_request_duration",
                    "Duration of OpenAI-compatible API requests inside Gatehouse, audit commit included");
    private static final Metadata TOKENS =
            metadata(
                    "gatehouse_gateway_tokens",
                    "Tokens accounted by the gateway (provider usage, or estimated)");

    @Inject MetricRegistry registry;

    private record RequestKey(TenantId tenant, String route, String provider, int status) {}

    private record RouteKey(TenantId tenant, String route) {}

    private record TokenKey(TenantId tenant, String route, String kind) {}

    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<RouteKey, Timer> durations = new ConcurrentHashMap<>();
    private final Map<TokenKey, Counter> tokens = new ConcurrentHashMap<>();

    /**
     * One finished gateway request. {@code route} and {@code provider} may be null (never reached).
     */
    public void record(
            TenantId tenant,
            String route,
            String provider,
            int status,
            long elapsedNanos,
            long inputTokens,
            long outputTokens) {
        String r = route == null ? "-" : route;
        requests.computeIfAbsent(
                        new RequestKey(tenant, r, provider == null ? "-" : provider, status),
                        k ->
                                registry.counter(
                                        REQUESTS,
                                        new Tag("tenant", k.tenant().toString()),
                                        new Tag("route", k.route()),
                                        new Tag("provider", k.provider()),
                                        new Tag("status", Integer.toString(k.status()))))
                .inc();
        durations
                .computeIfAbsent(
                        new RouteKey(tenant, r),
                        k ->
                                registry.timer(
                                        DURATION,
                                        new Tag("tenant", k.tenant().toString()),
                                        new Tag("route", k.route())))
                .update(Duration.ofNanos(elapsedNanos));
        if (inputTokens > 0) {
            tokens(tenant, r, "input").inc(inputTokens);
        }
        if (outputTokens > 0) {
            tokens(tenant, r, "output").inc(outputTokens);
        }
    }

    private static Metadata metadata(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).build();
    }

    private Counter tokens(TenantId tenant, String route, String kind) {
        return tokens.computeIfAbsent(
                new TokenKey(tenant, route, kind),
                k ->
                        registry.counter(
                                TOKENS,
                                new Tag("tenant", k.tenant().toString()),
                                new Tag("route", k.route()),
                                new Tag("kind", k.kind())));
    }
}
