package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.internal.provider.ProviderAdapter;
import io.gatehouse.routing.internal.provider.ProviderAdapters;
import io.gatehouse.routing.internal.provider.ProviderCall;
import io.gatehouse.routing.internal.provider.ProviderException;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.internal.resilience.ProviderHealthRegistry;
import io.gatehouse.routing.internal.resilience.RetryBudget;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Provider attempts: the route's candidates in strategy order, tried with failover under the
 * instance's circuit breakers and the tenant's retry budget, each attempt preceded by the stages'
 * {@code beforeProviderCall} and traced, under one deadline per request. Guard-model calls share
 * the same breakers ({@link GuardCalls}).
 */
@ApplicationScoped
public class Attempts {
    private static final jakarta.json.spi.JsonProvider JSON =
            jakarta.json.spi.JsonProvider.provider();
    @Inject ProviderAdapters adapters;
    @Inject SecretBox secrets;
    @Inject Stages stages;
    @Inject GatewayMetrics metrics;
    @Inject GatewayTracing tracing;

    @Inject
    @ConfigProperty(name = "gatehouse.gateway.request-timeout-ms", defaultValue = "120000")
    long requestTimeoutMs;

    @Inject BreakerStatePublisher breakerStates;

    // Breakers report to metrics and to the shared state table (read lazily: the field initializer
    // runs before injection).
    private final ProviderHealthRegistry health =
            new ProviderHealthRegistry(
                    System::currentTimeMillis,
                    (p, b) -> {
                        metrics.watch(p, b);
                        breakerStates.watch(p, b);
                    });
    private final Failover failover = new Failover(health);
    private final Map<TenantId, RetryBudget> budgets = new ConcurrentHashMap<>();

    /**
     * Tries {@code ordered} until one answers, running the stages' {@code beforeProviderCall}
     * before each attempt (so {@code attempt} builds its body from the exchange as they left it);
     * the call takes what was tried and what answered. With {@code holdPermit} (streams) the caller
     * releases the outcome when the stream is over.
     */
    <T> Failover.Outcome<T> run(
            Call call, List<Candidate> ordered, boolean holdPermit, Failover.Attempt<T> attempt)
            throws Failover.Exhausted {
        Failover.Outcome<T> out =
                failover.run(
                        ordered,
                        budget(call.key.tenant()),
                        holdPermit,
                        c -> {
                            stages.beforeProviderCall(call.exchange, c.target());
                            return attempt.call(c);
                        });
        call.attempted(out);
        return out;
    }

    /** The request's deadline, from now. */
    long deadline() {
        return System.nanoTime() + requestTimeoutMs * 1_000_000;
    }

    ProviderAdapter adapter(Candidate c) {
        return adapters.forKind(c.provider().kind());
    }

    /** The route's candidates in the order its strategy gives (latency-aware ones read health). */
    List<Candidate> order(Route route, List<Candidate> candidates) {
        return RouteStrategies.order(
                route.strategy(),
                candidates,
                c -> health.latencyMs(c.provider()),
                ThreadLocalRandom.current());
    }

    private RetryBudget budget(TenantId tenant) {
        return budgets.computeIfAbsent(
                tenant, t -> new RetryBudget(0.2, 10, 10_000, System::currentTimeMillis));
    }

    /** The failover shared by every provider call, so that guards share the circuit breakers. */
    Failover failover() {
        return failover;
    }

    /**
     * A chat call to one candidate: the request as the stages left it and, while unchanged, the
     * client's bytes; the adapter renders (or forwards) its body with the candidate's model name.
     */
    ProviderCall providerCall(
            Candidate c, ChatRequest chat, ClientBytes clientBytes, long deadlineNanos)
            throws ProviderException {
        ProviderCall base = providerCall(c, (JsonObject) null, deadlineNanos);
        return new ProviderCall(
                base.provider(),
                base.model(),
                chat,
                clientBytes,
                base.timeout(),
                base.credential());
    }

    /**
     * A call to one candidate with an OpenAI-shaped body (embeddings, guards): its model name in
     * the body, its credential, what time is left.
     */
    ProviderCall providerCall(Candidate c, JsonObject body, long deadlineNanos)
            throws ProviderException {
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (remaining <= 0) {
            throw new ProviderException(ProviderException.Kind.TIMEOUT, "request deadline passed");
        }
        long timeout = Math.min(c.provider().timeoutMs(), remaining);
        String credential = null;
        Provider p = c.provider();
        if (p.sealedCredential() != null) {
            credential =
                    new String(
                            secrets.open(
                                    p.sealedCredential(),
                                    Provider.credentialContext(p.tenant(), p.name())),
                            StandardCharsets.UTF_8);
        }
        if (body == null) {
            return new ProviderCall(
                    p, c.model(), null, null, null, Duration.ofMillis(timeout), credential);
        }
        return new ProviderCall(
                p,
                c.model(),
                JSON.createObjectBuilder(body).add("model", c.model().name()).build(),
                Duration.ofMillis(timeout),
                credential);
    }

    /** What the client gets when no attempt succeeded, from the last provider failure. */
    static GatehouseException mapExhausted(Failover.Exhausted e) {
        ProviderException last = e.last();
        if (last == null) {
            return new GatehouseException(
                    503,
                    "no_provider_available",
                    "All providers of this model are unavailable right now (circuit open or at capacity)");
        }
        return switch (last.kind()) {
            case CLIENT ->
                    new GatehouseException(
                            400, "upstream_rejected_request", last.getMessage(), null, Map.of());
            case TIMEOUT ->
                    new GatehouseException(
                            504, "upstream_timeout", "The provider did not answer in time");
            case RATE_LIMITED ->
                    new GatehouseException(
                            429,
                            "upstream_rate_limited",
                            "The provider is rate limiting; retry later",
                            null,
                            last.retryAfterMillis() == null
                                    ? Map.of()
                                    : Map.of(
                                            "Retry-After",
                                            String.valueOf(
                                                    (last.retryAfterMillis() + 999) / 1000)));
            case MALFORMED ->
                    new GatehouseException(
                            502,
                            "upstream_malformed_response",
                            "The provider sent a malformed answer");
            default ->
                    new GatehouseException(
                            502,
                            "upstream_unavailable",
                            "The provider failed: " + last.getMessage());
        };
    }
}
