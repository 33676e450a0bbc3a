package io.gatehouse.shared.internal.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Graceful shutdown: when the application stops ({@code server stop}, SIGTERM), before any of its
 * beans is destroyed, new requests are refused (503, {@link DrainFilter}), readiness turns DOWN,
 * and the stop waits until the requests already inside have been answered, at most {@code
 * gatehouse.shutdown.drain.seconds} (default 25, under Kubernetes' default grace period of 30 s).
 * Their audit events are then committed (each request waits for its own), and the audit writer
 * commits whatever is still queued before it exits.
 */
@ApplicationScoped
public class ShutdownDrain {
    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class.getName());

    @Inject
    @ConfigProperty(name = "gatehouse.shutdown.drain.seconds", defaultValue = "25")
    int drainSeconds;

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    /** Counts a request in; false (and not counted) once draining has begun. */
    boolean enter() {
        inFlight.incrementAndGet();
        if (draining) {
            leave();
            return false;
        }
        return true;
    }

    void leave() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
        draining = true;
        long start = System.nanoTime();
        long deadline = start + Math.max(0, drainSeconds) * 1_000_000_000L;
        int atStart = inFlight.get();
        synchronized (this) {
            long left;
            while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        int left = inFlight.get();
        if (left == 0) {
            LOG.info("Shutdown: " + atStart + " request(s) in flight answered in " + ms + " ms");
        } else {
            LOG.warning(
                    "Shutdown: "
                            + left
                            + " request(s) still running after "
                            + drainSeconds
                            + " s (GATEHOUSE_SHUTDOWN_DRAIN_SECONDS); stopping anyway");
        }
    }

    /** True once the application is stopping. */
    public boolean draining() {
        return draining;
    }
}
