package io.gatehouse.routing.internal.resilience;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A circuit breaker for one provider: opens after {@code failureThreshold} consecutive failures,
 * stays open for {@code openMillis}, then lets one trial call through (half-open); the trial's
 * success closes it, its failure opens it again. A provider's {@code Retry-After} also holds it
 * open.
 *
 * <p>Written in code rather than with MicroProfile Fault Tolerance's {@code @CircuitBreaker}: that
 * annotation keeps one breaker per method, while the gateway needs one per provider row, created
 * and re-configured at runtime from the catalog.
 */
public final class CircuitBreaker {
    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int failureThreshold;
    private final long openMillis;
    private final LongSupplier clock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openUntil;
    private boolean trialInFlight;
    private volatile Consumer<State> onTransition = s -> {};

    public CircuitBreaker(int failureThreshold, long openMillis, LongSupplier clock) {
        this.failureThreshold = Math.max(1, failureThreshold);
        this.openMillis = openMillis;
        this.clock = clock;
    }

    /**
     * Told the new state on every change (metrics, the shared state table), after the listeners
     * added before; called under the breaker's lock, keep it short.
     */
    public synchronized void onTransition(Consumer<State> listener) {
        this.onTransition = this.onTransition.andThen(listener);
    }

    private void moveTo(State next) {
        if (state != next) {
            state = next;
            onTransition.accept(next);
        }
    }

    /** Whether a call may go out now; in half-open state only one trial at a time. */
    public synchronized boolean tryAcquire() {
        long now = clock.getAsLong();
        if (state == State.OPEN && now >= openUntil) {
            moveTo(State.HALF_OPEN);
            trialInFlight = false;
        }
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> {
                if (trialInFlight) {
                    yield false;
                }
                trialInFlight = true;
                yield true;
            }
        };
    }

    public synchronized void onSuccess() {
        moveTo(State.CLOSED);
        consecutiveFailures = 0;
        trialInFlight = false;
    }

    public synchronized void onFailure() {
        consecutiveFailures++;
        if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
            open(openMillis);
        }
    }

    /**
     * The provider said when to come back (429/503 with Retry-After): hold the circuit open until
     * then.
     */
    public synchronized void holdOpen(long millis) {
        open(Math.max(millis, 0));
    }

    /**
     * A call that was let through ended without a verdict (client went away): free the trial slot.
     */
    public synchronized void release() {
        trialInFlight = false;
    }

    private void open(long millis) {
        moveTo(State.OPEN);
        openUntil = Math.max(openUntil, clock.getAsLong() + millis);
        trialInFlight = false;
    }

    public synchronized State state() {
        if (state == State.OPEN && clock.getAsLong() >= openUntil) {
            return State.HALF_OPEN;
        }
        return state;
    }
}
