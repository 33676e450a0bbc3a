package io.gatehouse.audit.internal;

import io.gatehouse.shared.SchemaReady;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The audit module's periodic work, started once the schema is ready: signed checkpoints of every
 * chain that moved (default every 60 s) and the purge of expired content (default hourly). Every
 * instance runs them; checkpoints are idempotent per head and the purge is a single DELETE.
 */
@ApplicationScoped
public class AuditJobs {
    private static final Logger LOG = Logger.getLogger(AuditJobs.class.getName());

    @Resource ManagedScheduledExecutorService scheduler;
    @Inject CheckpointService checkpoints;
    @Inject RetentionService retention;

    @Inject
    @ConfigProperty(name = "gatehouse.audit.checkpoint.interval.seconds", defaultValue = "60")
    long checkpointSeconds;

    @Inject
    @ConfigProperty(name = "gatehouse.audit.purge.interval.seconds", defaultValue = "3600")
    long purgeSeconds;

    private ScheduledFuture<?> checkpointJob;
    private ScheduledFuture<?> purgeJob;

    void start(@Observes SchemaReady ready) {
        checkpointJob =
                scheduler.scheduleWithFixedDelay(
                        () -> guarded("checkpoint", checkpoints::checkpointAll),
                        checkpointSeconds,
                        checkpointSeconds,
                        TimeUnit.SECONDS);
        purgeJob =
                scheduler.scheduleWithFixedDelay(
                        () -> guarded("purge", retention::purge),
                        purgeSeconds,
                        purgeSeconds,
                        TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (checkpointJob != null) {
            checkpointJob.cancel(false);
        }
        if (purgeJob != null) {
            purgeJob.cancel(false);
        }
    }

    private static void guarded(String what, Runnable job) {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Audit " + what + " job failed", e);
        }
    }
}
