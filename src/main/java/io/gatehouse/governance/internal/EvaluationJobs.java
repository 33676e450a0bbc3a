package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.EvaluationRows;
import io.gatehouse.shared.SchemaReady;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Evaluation runs as durable jobs (issue 23): a {@link ManagedScheduledExecutorService} polls for
 * claimable runs every {@code gatehouse.evaluation.poll-ms} (and at once when a run is queued on
 * this instance), a {@link ManagedExecutorService} runs them, at most {@code
 * gatehouse.evaluation.concurrency} at a time per instance. A claim takes a lease of {@code
 * gatehouse.evaluation.lease-seconds} ({@link EvaluationRows#claim}, SKIP LOCKED) that a heartbeat
 * renews every third of it while the run goes on; when an instance dies its leases lapse and
 * another instance (or this one restarted, under a new owner id) claims the run and resumes it. The
 * owner id is unique per process start.
 */
@ApplicationScoped
public class EvaluationJobs {
    private static final Logger LOG = Logger.getLogger(EvaluationJobs.class.getName());

    @Inject EvaluationRows rows;
    @Inject EvaluationRunner runner;

    @Inject
    @ConfigProperty(name = "gatehouse.evaluation.poll-ms", defaultValue = "5000")
    long pollMs;

    @Inject
    @ConfigProperty(name = "gatehouse.evaluation.lease-seconds", defaultValue = "60")
    long leaseSeconds;

    @Inject
    @ConfigProperty(name = "gatehouse.evaluation.concurrency", defaultValue = "2")
    int concurrency;

    @Resource ManagedExecutorService executor;
    @Resource ManagedScheduledExecutorService scheduler;

    /** This process's lease owner id. */
    final String owner = ownerId();

    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile ScheduledFuture<?> poller;

    static String ownerId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
    }

    void onSchemaReady(@Observes SchemaReady ready) {
        long every = Math.max(100, pollMs);
        poller =
                scheduler.scheduleWithFixedDelay(
                        this::pollQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.cancel(false);
        }
    }

    /** Looks for work now (a run was just queued on this instance). */
    public void kick() {
        try {
            executor.execute(this::pollQuietly);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Evaluation kick refused; the poller will find the run", e);
        }
    }

    void pollQuietly() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        try {
            // runs whose instances kept dying end as errors; this instance's statement ended these
            // (and no other instance's did), so each finish event is written once
            for (EvaluationRows.Run ended : rows.endInterrupted()) {
                try {
                    runner.interrupted(ended);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Evaluation run " + ended.id() + ": no finish event", e);
                }
            }
            // at most the steps' bulkhead: a run beyond it would meet BulkheadException
            while (active.get() < Math.min(EvaluationSteps.BULKHEAD, Math.max(1, concurrency))) {
                Optional<EvaluationRows.Run> claimed = rows.claim(owner, leaseSeconds);
                if (claimed.isEmpty()) {
                    return;
                }
                active.incrementAndGet();
                try {
                    executor.execute(() -> runLeased(claimed.get()));
                } catch (RuntimeException e) {
                    // not started: the lease lapses and the run is claimed again
                    active.decrementAndGet();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Evaluation poll failed", e);
        } finally {
            polling.set(false);
        }
    }

    /** Runs a claimed run under its lease, renewed by a heartbeat until it ends. */
    void runLeased(EvaluationRows.Run run) {
        AtomicBoolean owned = new AtomicBoolean(true);
        long beat = Math.max(1, leaseSeconds * 1000 / 3);
        ScheduledFuture<?> heartbeat =
                scheduler.scheduleWithFixedDelay(
                        () -> renew(run, owned), beat, beat, TimeUnit.MILLISECONDS);
        try {
            runner.run(run, owner, owned::get);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Evaluation run " + run.id() + " failed", e);
        } finally {
            heartbeat.cancel(false);
            active.decrementAndGet();
        }
        // more may be waiting
        kick();
    }

    private void renew(EvaluationRows.Run run, AtomicBoolean owned) {
        try {
            if (owned.get() && !rows.heartbeat(run.id(), owner, leaseSeconds)) {
                owned.set(false);
            }
        } catch (RuntimeException e) {
            // the database is unreachable: keep going, the next beat tries again; if the lease
            // lapses meanwhile another instance may claim it and this one's finish writes nothing
            LOG.log(Level.FINE, "Evaluation heartbeat failed", e);
        }
    }
}
