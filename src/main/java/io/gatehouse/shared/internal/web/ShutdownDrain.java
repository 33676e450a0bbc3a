package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.RequestsDrained;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Graceful shutdown. On SIGTERM (what Kubernetes sends; the Open Liberty Operator's pods have no
 * preStop hook) the server first keeps serving while reporting not ready for {@code
 * gatehouse.shutdown.delay.seconds}, so that endpoints and load balancers stop sending before
 * anything is refused; then it refuses new requests (503, {@link DrainFilter}) and waits until the
 * requests inside have been answered, at most {@code gatehouse.shutdown.drain.seconds}; then the
 * audit writer commits its backlog ({@link RequestsDrained}); only then does Liberty's own stop
 * begin (the JVM's SIGTERM handling). Worst case: delay + drain + audit flush + Liberty's stop,
 * which docs/operations.md counts against each manifest's grace period (KubernetesManifestsTest).
 *
 * <p>{@code server stop} (no signal) skips the delay: Liberty quiesces, then the application's stop
 * drains the same way before any of its beans is destroyed.
 */
@ApplicationScoped
public class ShutdownDrain {
    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class.getName());
    private static final Signal TERM = new Signal("TERM");

    @Inject
    @ConfigProperty(name = "gatehouse.shutdown.delay.seconds", defaultValue = "5")
    int delaySeconds;

    @Inject
    @ConfigProperty(name = "gatehouse.shutdown.drain.seconds", defaultValue = "11")
    int drainSeconds;

    @Inject Event<RequestsDrained> drained;

    @Resource ManagedThreadFactory threads;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean terminating = new AtomicBoolean();
    // readiness DOWN (from SIGTERM on); draining: new requests are refused
    private volatile boolean stopping;
    private volatile boolean draining;
    private volatile boolean drainedOnSignal;
    private volatile SignalHandler previousTermHandler;

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

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        try {
            previousTermHandler = Signal.handle(TERM, this::onTerm);
            LOG.info(
                    "Shutdown on SIGTERM: not ready but serving for "
                            + delaySeconds
                            + " s (GATEHOUSE_SHUTDOWN_DELAY_SECONDS), then requests drained for at"
                            + " most "
                            + drainSeconds
                            + " s (GATEHOUSE_SHUTDOWN_DRAIN_SECONDS)");
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // e.g. -Xrs: the JVM's own handling stays, the stop then drains without the delay
            LOG.warning("SIGTERM cannot be handled (" + e.getMessage() + "); no delay at stop");
        }
    }

    private void onTerm(Signal signal) {
        if (!terminating.compareAndSet(false, true)) {
            return; // a second SIGTERM while the first is handled: nothing new to do
        }
        stopping = true;
        Runnable sequence = () -> drainThenStop(signal);
        Thread t;
        try {
            t = threads.newThread(sequence);
        } catch (RuntimeException e) {
            t = new Thread(sequence);
        }
        t.setName("gatehouse-shutdown");
        t.start();
    }

    private void drainThenStop(Signal signal) {
        try {
            LOG.info(
                    "Shutdown: SIGTERM received; /health/ready is DOWN, requests are still served"
                            + " for "
                            + delaySeconds
                            + " s while this instance leaves the load balancers");
            sleepSeconds(delaySeconds);
            awaitInFlight();
            drainedOnSignal = true;
            drained.fire(new RequestsDrained());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Shutdown: drain before the stop failed; stopping anyway", e);
        } finally {
            // Liberty's own stop (its JVM shutdown hook), on a thread the application does not
            // own: the stop tears this application down and must not wait for itself
            SignalHandler previous = previousTermHandler;
            Thread exit =
                    new Thread(
                            () -> {
                                if (previous != null
                                        && previous != SignalHandler.SIG_DFL
                                        && previous != SignalHandler.SIG_IGN) {
                                    previous.handle(signal);
                                } else {
                                    System.exit(128 + signal.getNumber());
                                }
                            },
                            "gatehouse-stop");
            exit.start();
        }
    }

    private static void sleepSeconds(int seconds) {
        try {
            TimeUnit.SECONDS.sleep(Math.max(0, seconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
        restoreTermHandler();
        if (drainedOnSignal) {
            LOG.info("Shutdown: " + inFlight.get() + " request(s) in flight at the stop");
            return; // drained before Liberty's stop began: no second wait
        }
        awaitInFlight();
    }

    private void restoreTermHandler() {
        SignalHandler previous = previousTermHandler;
        if (previous != null && !terminating.get()) {
            try {
                Signal.handle(TERM, previous);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.fine("SIGTERM handler not restored: " + e.getMessage());
            }
        }
    }

    /** Refuses new requests from now on and waits for those inside, at most the drain time. */
    private void awaitInFlight() {
        stopping = true;
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

    /** True once new requests are refused. */
    public boolean draining() {
        return draining;
    }

    /** True from SIGTERM (or the application's stop) on: readiness is DOWN. */
    public boolean stopping() {
        return stopping;
    }
}
