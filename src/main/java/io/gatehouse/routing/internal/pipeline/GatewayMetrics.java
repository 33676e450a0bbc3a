package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.resilience.CircuitBreaker;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantLabels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Prometheus metrics of the model gateway, per tenant (by slug) and route: requests by provider and
 * status, duration, time to first token, tokens, cost, cache hits; per provider: attempt latency,
 * errors, failovers, breaker state and transitions. Durations are histograms with buckets (see
 * {@code mp.metrics.distribution.timer.buckets} in microprofile-config.properties) so they can be
 * aggregated across pods. They replace Liberty's generic per-request HTTP timers on the hot path
 * (see {@code gatehouse.monitor.filter} in server.xml): each metric is looked up in the registry
 * once per label set and cached here, instead of building a metric id on every request.
 *
 * <p>Labels are bounded by configuration: {@code route} is a configured alias or {@code "-"} when
 * the request named no existing route (client-chosen model names never become labels); providers
 * and models are catalog names. Requests, tokens and cost carry {@code traffic}: {@code
 * production}, {@code evaluation} (an evaluation run's calls, issue 23) or {@code test_call} (a
 * person's test call through a draft), so dashboards tell evaluation traffic from production.
 */
@ApplicationScoped
public class GatewayMetrics {
    static final String REQUESTS_NAME = "gatehouse_gateway_requests";
    private static final Metadata REQUESTS =
            metadata(
                    REQUESTS_NAME,
                    "Requests of the OpenAI-compatible API by route, provider and HTTP status");
    private static final Metadata DURATION =
            metadata(
                    "gatehouse_gateway_request_duration",
                    "Duration of OpenAI-compatible API requests inside Gatehouse, audit commit included");
    private static final Metadata TTFT =
            metadata(
                    "gatehouse_gateway_time_to_first_token",
                    "Time from the request's arrival to the first streamed token sent to the client");
    private static final Metadata TOKENS =
            metadata(
                    "gatehouse_gateway_tokens",
                    "Tokens accounted by the gateway (provider usage, or estimated)");
    private static final Metadata COST =
            metadata(
                    "gatehouse_gateway_cost_microusd",
                    "Cost accounted by the gateway, in millionths of a US dollar");
    private static final Metadata CACHE_HITS =
            metadata("gatehouse_gateway_cache_hits", "Answers served from the response cache");
    private static final Metadata ATTEMPT_LATENCY =
            metadata(
                    "gatehouse_provider_latency",
                    "Duration of calls to providers (each attempt), by provider, model and result");
    private static final Metadata PROVIDER_ERRORS =
            metadata(
                    "gatehouse_provider_errors",
                    "Failed or skipped provider attempts by result (timeout, server, circuit_open, ...)");
    private static final Metadata FAILOVERS =
            metadata(
                    "gatehouse_gateway_failovers",
                    "Moves to the next candidate provider within one request");
    private static final Metadata BREAKER_TRANSITIONS =
            metadata(
                    "gatehouse_breaker_transitions",
                    "Circuit-breaker state changes on this instance, by the state entered");
    private static final Metadata BREAKER_STATE =
            metadata(
                    "gatehouse_breaker_state",
                    "Circuit-breaker state on this instance: 0 closed, 1 half-open, 2 open");

    /** The {@code traffic} label's values. */
    static final String PRODUCTION = "production";

    static final String EVALUATION = "evaluation";
    static final String TEST_CALL = "test_call";

    @Inject MetricRegistry registry;
    @Inject TenantLabels tenants;

    /** What one finished gateway request reports. */
    public record Finished(
            TenantId tenant,
            String route,
            String provider,
            int status,
            long elapsedNanos,
            Long ttftMs,
            long inputTokens,
            long outputTokens,
            long costMicros,
            boolean cacheHit,
            List<Failover.AttemptRecord> attempts,
            String traffic) {
        public Finished {
            traffic = traffic == null ? PRODUCTION : traffic;
        }
    }

    private record RequestKey(
            TenantId tenant, String route, String provider, int status, String traffic) {}

    private record RouteKey(TenantId tenant, String route, String kind) {}

    private record TrafficKey(TenantId tenant, String route, String metric, String traffic) {}

    private record AttemptKey(TenantId tenant, String provider, String model, String result) {}

    private record ProviderKey(TenantId tenant, String provider) {}

    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<RouteKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<RouteKey, Counter> counters = new ConcurrentHashMap<>();
    private final Map<AttemptKey, Timer> attemptTimers = new ConcurrentHashMap<>();
    private final Map<AttemptKey, Counter> attemptErrors = new ConcurrentHashMap<>();
    private final Map<ProviderKey, AtomicReference<CircuitBreaker>> breakers =
            new ConcurrentHashMap<>();
    private final Map<String, String> labels = new ConcurrentHashMap<>();

    public void record(Finished f) {
        String r = f.route() == null ? "-" : f.route();
        requests.computeIfAbsent(
                        new RequestKey(
                                f.tenant(),
                                r,
                                f.provider() == null ? "-" : f.provider(),
                                f.status(),
                                f.traffic()),
                        k ->
                                registry.counter(
                                        REQUESTS,
                                        tenant(k.tenant()),
                                        new Tag("route", k.route()),
                                        new Tag("provider", k.provider()),
                                        new Tag("status", Integer.toString(k.status())),
                                        new Tag("traffic", k.traffic())))
                .inc();
        timer(DURATION, f.tenant(), r).update(Duration.ofNanos(f.elapsedNanos()));
        if (f.ttftMs() != null) {
            timer(TTFT, f.tenant(), r).update(Duration.ofMillis(f.ttftMs()));
        }
        if (f.inputTokens() > 0) {
            traffic(TOKENS, f.tenant(), r, "input", f.traffic()).inc(f.inputTokens());
        }
        if (f.outputTokens() > 0) {
            traffic(TOKENS, f.tenant(), r, "output", f.traffic()).inc(f.outputTokens());
        }
        if (f.costMicros() > 0) {
            traffic(COST, f.tenant(), r, null, f.traffic()).inc(f.costMicros());
        }
        if (f.cacheHit()) {
            counter(CACHE_HITS, f.tenant(), r, null).inc();
        }
        attempts(f.tenant(), r, f.attempts());
    }

    private void attempts(TenantId tenant, String route, List<Failover.AttemptRecord> attempts) {
        boolean failedBefore = false;
        for (Failover.AttemptRecord a : attempts) {
            if (failedBefore) {
                counter(FAILOVERS, tenant, route, null).inc();
            }
            AttemptKey k = new AttemptKey(tenant, a.provider(), a.model(), a.result());
            boolean called = a.ms() > 0 || a.status() > 0 || "ok".equals(a.result());
            if (called) {
                attemptTimers
                        .computeIfAbsent(
                                k,
                                key ->
                                        registry.timer(
                                                ATTEMPT_LATENCY,
                                                tenant(key.tenant()),
                                                new Tag("provider", key.provider()),
                                                new Tag("model", key.model()),
                                                new Tag("result", key.result())))
                        .update(Duration.ofMillis(a.ms()));
            }
            if (!"ok".equals(a.result())) {
                failedBefore = true;
                attemptErrors
                        .computeIfAbsent(
                                k,
                                key ->
                                        registry.counter(
                                                PROVIDER_ERRORS,
                                                tenant(key.tenant()),
                                                new Tag("provider", key.provider()),
                                                new Tag("model", key.model()),
                                                new Tag("result", key.result())))
                        .inc();
            }
        }
    }

    /**
     * A breaker was created for a provider (first use, or its catalog version changed): its state
     * becomes a gauge and its transitions a counter.
     */
    public void watch(Provider p, CircuitBreaker breaker) {
        ProviderKey key = new ProviderKey(p.tenant(), p.name());
        AtomicReference<CircuitBreaker> current =
                breakers.computeIfAbsent(
                        key,
                        k -> {
                            AtomicReference<CircuitBreaker> ref = new AtomicReference<>();
                            registry.gauge(
                                    BREAKER_STATE,
                                    ref,
                                    GatewayMetrics::stateValue,
                                    tenant(k.tenant()),
                                    new Tag("provider", k.provider()));
                            return ref;
                        });
        current.set(breaker);
        breaker.onTransition(
                state ->
                        registry.counter(
                                        BREAKER_TRANSITIONS,
                                        tenant(key.tenant()),
                                        new Tag("provider", key.provider()),
                                        new Tag("state", state.name().toLowerCase()))
                                .inc());
    }

    private static double stateValue(AtomicReference<CircuitBreaker> ref) {
        CircuitBreaker b = ref.get();
        if (b == null) {
            return 0;
        }
        return switch (b.state()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }

    private Timer timer(Metadata m, TenantId tenant, String route) {
        return timers.computeIfAbsent(
                new RouteKey(tenant, route, m.getName()),
                k -> registry.timer(m, tenant(k.tenant()), new Tag("route", k.route())));
    }

    /** A per-route counter; {@code kind} adds a {@code kind} label when not null. */
    private Counter counter(Metadata m, TenantId tenant, String route, String kind) {
        return counters.computeIfAbsent(
                new RouteKey(tenant, route, m.getName() + "/" + kind),
                k ->
                        kind == null
                                ? registry.counter(m, tenant(tenant), new Tag("route", route))
                                : registry.counter(
                                        m,
                                        tenant(tenant),
                                        new Tag("route", route),
                                        new Tag("kind", kind)));
    }

    private final Map<TrafficKey, Counter> trafficCounters = new ConcurrentHashMap<>();

    /** A per-route counter with the {@code traffic} label (and {@code kind} when not null). */
    private Counter traffic(Metadata m, TenantId tenant, String route, String kind, String t) {
        return trafficCounters.computeIfAbsent(
                new TrafficKey(tenant, route, m.getName() + "/" + kind, t),
                k ->
                        kind == null
                                ? registry.counter(
                                        m,
                                        tenant(tenant),
                                        new Tag("route", route),
                                        new Tag("traffic", t))
                                : registry.counter(
                                        m,
                                        tenant(tenant),
                                        new Tag("route", route),
                                        new Tag("kind", kind),
                                        new Tag("traffic", t)));
    }

    private Tag tenant(TenantId id) {
        return new Tag("tenant", labels.computeIfAbsent(id.toString(), s -> tenants.labelOf(id)));
    }

    private static Metadata metadata(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).build();
    }
}
