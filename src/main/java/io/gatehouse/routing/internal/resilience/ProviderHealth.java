package io.gatehouse.routing.internal.resilience;

import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * What the gateway knows about one provider right now: its circuit breaker, its bulkhead (the most
 * calls in flight at once) and its moving-average latency.
 */
public final class ProviderHealth {
    private static final double ALPHA = 0.2;
    private final CircuitBreaker breaker;
    private final Semaphore bulkhead;
    private final int maxConcurrency;
    private final String version;
    private volatile double ewmaMs = Double.NaN;

    public ProviderHealth(
            String version,
            int maxConcurrency,
            int failureThreshold,
            long openMillis,
            LongSupplier clock) {
        this.version = version;
        this.maxConcurrency = maxConcurrency;
        this.breaker = new CircuitBreaker(failureThreshold, openMillis, clock);
        this.bulkhead = new Semaphore(maxConcurrency);
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public boolean tryEnter() {
        return bulkhead.tryAcquire();
    }

    public void leave() {
        bulkhead.release();
    }

    public int inFlight() {
        return maxConcurrency - bulkhead.availablePermits();
    }

    public String version() {
        return version;
    }

    public synchronized void recordLatency(long ms) {
        ewmaMs = Double.isNaN(ewmaMs) ? ms : ALPHA * ms + (1 - ALPHA) * ewmaMs;
    }

    /** Exponentially weighted moving average of successful calls' latency, NaN when unmeasured. */
    public double latencyMs() {
        return ewmaMs;
    }
}
