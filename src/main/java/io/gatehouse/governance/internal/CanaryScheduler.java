package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.CanaryRows;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.SchemaReady;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Queues the drift canaries' scheduled runs (issue 23). Every {@code gatehouse.canary.tick-ms} each
 * instance looks at the live golden sets that carry a canary and queues the run due now: the due
 * times of a canary of {@code everyMinutes} are the multiples of that period since the epoch (a set
 * published at 12:03 with 60 minutes runs for 12:00 at once, then at 13:00, 14:00, ...). A due time
 * is queued once across instances (a unique index on set and due time); a due time that passed
 * while no instance ran is not caught up. The runs are durable evaluation jobs ({@link
 * EvaluationJobs}), trigger {@code schedule}, run by {@link CanaryRunner}. {@code
 * gatehouse.canary.minute-ms} is the length of a "minute" (tests shorten it).
 */
@ApplicationScoped
public class CanaryScheduler {
    private static final Logger LOG = Logger.getLogger(CanaryScheduler.class.getName());
    static final String ACTOR = "system:canary";

    @Inject CanaryRows rows;
    @Inject EvaluationJobs jobs;
    @Resource ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "gatehouse.canary.tick-ms", defaultValue = "30000")
    long tickMs;

    @Inject
    @ConfigProperty(name = "gatehouse.canary.minute-ms", defaultValue = "60000")
    long minuteMs;

    private volatile ScheduledFuture<?> ticker;

    void onSchemaReady(@Observes SchemaReady ready) {
        long every = Math.max(100, tickMs);
        ticker =
                scheduler.scheduleWithFixedDelay(
                        this::tickQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    void tickQuietly() {
        try {
            if (tick(Instant.now()) > 0) {
                jobs.kick();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Canary schedule not read; the next tick tries again", e);
        }
    }

    /** Queues what is due at {@code now}; answers how many runs this call queued. */
    int tick(Instant now) {
        int queued = 0;
        for (CanaryRows.LiveSet s : rows.liveWithCanary()) {
            CanarySettings canary;
            try {
                canary = CanarySettings.of(JsonInput.readObject(s.content()));
            } catch (RuntimeException e) {
                continue; // "canary" only in a case's text
            }
            if (canary == null) {
                continue;
            }
            Instant due = dueAt(now, canary.everyMinutes(), Math.max(1, minuteMs));
            if (rows.enqueue(UUID.randomUUID(), s.tenantId(), s.name(), s.version(), due, ACTOR)) {
                queued++;
            }
        }
        return queued;
    }

    /** The newest due time at or before {@code now} of a canary every {@code minutes}. */
    static Instant dueAt(Instant now, int minutes, long minuteMs) {
        long period = minutes * minuteMs;
        long ms = now.toEpochMilli();
        return Instant.ofEpochMilli(ms - Math.floorMod(ms, period));
    }
}
