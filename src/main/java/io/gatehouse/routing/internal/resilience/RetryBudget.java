package io.gatehouse.routing.internal.resilience;

import java.util.function.LongSupplier;

/**
 * Caps failover so that it cannot multiply an outage: within a sliding window, retries may be at
 * most {@code ratio} of requests, plus a small floor for quiet periods (the retry budget of
 * Finagle/Envoy). Two fixed half-windows approximate the sliding window.
 */
public final class RetryBudget {
    private final double ratio;
    private final int floor;
    private final long windowMillis;
    private final LongSupplier clock;
    private long bucketStart;
    private long requests;
    private long retries;
    private long prevRequests;
    private long prevRetries;

    public RetryBudget(double ratio, int floor, long windowMillis, LongSupplier clock) {
        this.ratio = ratio;
        this.floor = floor;
        this.windowMillis = windowMillis;
        this.clock = clock;
        this.bucketStart = clock.getAsLong();
    }

    public synchronized void onRequest() {
        roll();
        requests++;
    }

    /** Takes one retry from the budget, or refuses. */
    public synchronized boolean tryRetry() {
        roll();
        long reqs = requests + prevRequests;
        long used = retries + prevRetries;
        if (used < floor + (long) (ratio * reqs)) {
            retries++;
            return true;
        }
        return false;
    }

    private void roll() {
        long now = clock.getAsLong();
        long half = windowMillis / 2;
        if (now - bucketStart >= windowMillis) {
            prevRequests = 0;
            prevRetries = 0;
            requests = 0;
            retries = 0;
            bucketStart = now;
        } else if (now - bucketStart >= half) {
            prevRequests = requests;
            prevRetries = retries;
            requests = 0;
            retries = 0;
            bucketStart = now;
        }
    }
}
