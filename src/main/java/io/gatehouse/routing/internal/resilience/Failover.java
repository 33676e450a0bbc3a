package io.gatehouse.routing.internal.resilience;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.provider.ProviderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tries a request's candidates in order: skips a provider whose circuit is open or whose bulkhead
 * is full, fails over on connect errors, timeouts, 429, 5xx and malformed answers (a 429/503's
 * {@code Retry-After} holds that provider's circuit open), never on the client's own 4xx, and stops
 * when the retry budget is spent.
 */
public final class Failover {
    private static final long MAX_RETRY_AFTER_MS = 300_000;

    /** Attempt results: the call went out and answered. */
    public static final String OK = "ok";

    /** Attempt results of calls that never went out (the provider is not to blame for them). */
    public static final String CIRCUIT_OPEN = "circuit_open";

    public static final String BULKHEAD_FULL = "bulkhead_full";
    public static final String RETRY_BUDGET_SPENT = "retry_budget_spent";

    /**
     * Every value an attempt's {@code result} can take: {@link #OK}, the skips, and each {@link
     * ProviderException.Kind} in lower case. Metrics label attempts with it, so alert rules and
     * dashboards may match only these (AlertRulesTest cross-checks them).
     */
    public static java.util.Set<String> results() {
        java.util.Set<String> all =
                new java.util.TreeSet<>(
                        List.of(OK, CIRCUIT_OPEN, BULKHEAD_FULL, RETRY_BUDGET_SPENT));
        for (ProviderException.Kind k : ProviderException.Kind.values()) {
            all.add(resultOf(k));
        }
        return all;
    }

    static String resultOf(ProviderException.Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** One attempt at one candidate. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call(Candidate candidate) throws ProviderException;
    }

    /** What an attempt came to, for the audit event. */
    public record AttemptRecord(String provider, String model, String result, int status, long ms) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", provider);
            m.put("model", model);
            m.put("result", result);
            if (status > 0) {
                m.put("status", status);
            }
            m.put("ms", ms);
            return m;
        }
    }

    /**
     * The successful attempt. When the permit is held (streams), the caller must call {@link
     * #release()} once the stream is over.
     */
    public record Outcome<T>(
            T result,
            Candidate candidate,
            long providerLatencyMs,
            List<AttemptRecord> attempts,
            ProviderHealth health,
            boolean holdsPermit) {
        public void release() {
            if (holdsPermit) {
                health.leave();
            }
        }
    }

    /** No candidate answered; {@code last} is the last provider error, null when none was tried. */
    public static final class Exhausted extends Exception {
        private final transient ProviderException last;
        private final transient List<AttemptRecord> attempts;

        Exhausted(ProviderException last, List<AttemptRecord> attempts) {
            super(last == null ? "no provider available" : last.getMessage(), null, false, false);
            this.last = last;
            this.attempts = List.copyOf(attempts);
        }

        public ProviderException last() {
            return last;
        }

        public List<AttemptRecord> attempts() {
            return attempts;
        }
    }

    private final ProviderHealthRegistry registry;

    public Failover(ProviderHealthRegistry registry) {
        this.registry = registry;
    }

    public <T> Outcome<T> run(
            List<Candidate> ordered, RetryBudget budget, boolean holdPermit, Attempt<T> attempt)
            throws Exhausted {
        List<AttemptRecord> attempts = new ArrayList<>();
        ProviderException last = null;
        boolean tried = false;
        if (budget != null) {
            budget.onRequest();
        }
        for (Candidate c : ordered) {
            String pname = c.provider().name();
            String mname = c.model().name();
            ProviderHealth h = registry.of(c.provider());
            if (!h.breaker().tryAcquire()) {
                attempts.add(new AttemptRecord(pname, mname, CIRCUIT_OPEN, 0, 0));
                continue;
            }
            if (!h.tryEnter()) {
                h.breaker().release();
                attempts.add(new AttemptRecord(pname, mname, BULKHEAD_FULL, 0, 0));
                continue;
            }
            if (tried && budget != null && !budget.tryRetry()) {
                h.leave();
                h.breaker().release();
                attempts.add(new AttemptRecord(pname, mname, RETRY_BUDGET_SPENT, 0, 0));
                break;
            }
            tried = true;
            long start = System.nanoTime();
            boolean keep = false;
            try {
                T result = attempt.call(c);
                long ms = (System.nanoTime() - start) / 1_000_000;
                h.breaker().onSuccess();
                h.recordLatency(ms);
                attempts.add(new AttemptRecord(pname, mname, OK, 0, ms));
                keep = holdPermit;
                return new Outcome<>(result, c, ms, attempts, h, holdPermit);
            } catch (ProviderException e) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                attempts.add(new AttemptRecord(pname, mname, resultOf(e.kind()), e.status(), ms));
                if (e.tripsBreaker()) {
                    h.breaker().onFailure();
                } else if (e.kind() == ProviderException.Kind.CLIENT) {
                    h.breaker().onSuccess(); // the provider is healthy: it judged the request
                } else {
                    h.breaker().release();
                }
                if (e.retryAfterMillis() != null) {
                    h.breaker().holdOpen(Math.min(e.retryAfterMillis(), MAX_RETRY_AFTER_MS));
                }
                if (!e.retryable()) {
                    throw new Exhausted(e, attempts);
                }
                last = e;
            } catch (RuntimeException e) {
                h.breaker().release();
                throw e;
            } finally {
                if (!keep) {
                    h.leave();
                }
            }
        }
        throw new Exhausted(last, attempts);
    }
}
