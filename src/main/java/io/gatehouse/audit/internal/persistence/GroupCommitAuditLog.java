package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.shared.RequestsDrained;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Group commit: request threads hand their events to one writer thread and wait; the writer takes
 * everything that queued up while the previous commit ran and appends it in one transaction (one
 * lock and one commit per chain and batch), then releases the waiting threads. Nobody proceeds
 * before their event is committed.
 *
 * <p>Metrics (the audit overhead the benchmark reports): {@code gatehouse_audit_record_wait_us}
 * (histogram in microseconds, tag {@code event} = {@code gateway} for gateway requests, {@code
 * other} otherwise): from the {@code record} call until the event is durable, successful recordings
 * only; a histogram rather than a timer because timer buckets can only be whole milliseconds, too
 * coarse for a local commit. {@code gatehouse_audit_commit_events} (histogram): events per
 * committed batch, so its count is the number of group commits and its sum the number of events
 * committed.
 *
 * <p>Long on purpose: the request side (enqueue and wait), the writer loop and the shutdown flush
 * all work on one queue and one count of outstanding events; split apart, each piece would have to
 * expose them and the stop's guarantee (nothing accepted is dropped) would span classes.
 */
@ApplicationScoped
public class GroupCommitAuditLog {
    private static final Logger LOG = Logger.getLogger(GroupCommitAuditLog.class.getName());
    private static final int MAX_BATCH = 512;
    private static final long WAIT_SECONDS = 10;

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    @Resource ManagedThreadFactory threadFactory;

    @Inject TransactionalAppend inTransaction;

    @Inject MetricRegistry metrics;

    // the stop's budget for committing what is queued (docs/operations.md "Graceful shutdown")
    @Inject
    @ConfigProperty(name = "gatehouse.audit.flush.seconds", defaultValue = "5")
    int flushSeconds;

    private final LinkedBlockingQueue<Waiting> queue = new LinkedBlockingQueue<>(50_000);
    // events accepted and not yet committed or failed (queued or in the writer's batch)
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean running;
    // set by stop() once its wait is over: the writer gives up what is left
    private volatile boolean abandon;
    private Thread writer;
    private Histogram gatewayWait;
    private Histogram otherWait;
    private Histogram commitEvents;
    private Counter writeFailures;
    // Writer thread only: its connection and the chain heads of its own last commits.
    private Connection writerConnection;
    private final Map<String, ChainAppender.Head> heads = new HashMap<>();

    private record Waiting(ChainAppender.Pending pending, CompletableFuture<RecordedEvent> done) {}

    @PostConstruct
    void start() {
        gatewayWait = waitHistogram("gateway");
        otherWait = waitHistogram("other");
        commitEvents =
                metrics.histogram(
                        Metadata.builder()
                                .withName("gatehouse_audit_commit_events")
                                .withDescription(
                                        "Audit events per group commit (one transaction of the writer thread)")
                                .build());
        writeFailures =
                metrics.counter(
                        Metadata.builder()
                                .withName("gatehouse_audit_write_failures")
                                .withDescription(
                                        "Audit events that could not be made durable (the request got 503)")
                                .build());
        running = true;
        writer = threadFactory.newThread(this::writeLoop);
        writer.setName("gatehouse-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private Histogram waitHistogram(String event) {
        return metrics.histogram(
                Metadata.builder()
                        .withName("gatehouse_audit_record_wait_us")
                        .withDescription(
                                "Microseconds from the record call until the audit event is durable (successes)")
                        .build(),
                new Tag("event", event));
    }

    /**
     * Shutdown (after the requests in flight were drained, see shared's {@code ShutdownDrain}):
     * refuses new events, lets the writer commit everything already queued, and interrupts it only
     * if that takes longer than a waiting request would wait anyway.
     */
    /**
     * SIGTERM, once the requests in flight are answered: waits until everything accepted so far is
     * committed, at most {@code gatehouse.audit.flush.seconds}, before Liberty's own stop begins (a
     * request that outlived the drain can hold that stop up to Liberty's 30 s quiesce, past the
     * grace period; the backlog is then already durable).
     */
    void onRequestsDrained(@Observes RequestsDrained drained) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(Math.max(0, flushSeconds));
        int atStart = outstanding.get();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (outstanding.get() == 0) {
            LOG.info(
                    "Audit backlog at shutdown: "
                            + atStart
                            + " event(s) committed in "
                            + ms
                            + " ms");
        } else {
            LOG.warning(
                    "Audit backlog at shutdown: "
                            + outstanding.get()
                            + " event(s) not yet committed after "
                            + flushSeconds
                            + " s (GATEHOUSE_AUDIT_FLUSH_SECONDS)");
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        if (writer != null) {
            LOG.info(
                    "Audit writer stopping: "
                            + queue.size()
                            + " queued event(s) are committed before it exits");
            try {
                writer.join(TimeUnit.SECONDS.toMillis(Math.max(1, flushSeconds)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!writer.isAlive() && queue.isEmpty()) {
                LOG.info("Audit writer stopped: its queue is empty");
            } else if (!writer.isAlive()) {
                LOG.warning("Audit writer stopped with " + queue.size() + " event(s) not written");
            } else {
                LOG.warning(
                        "Audit writer still busy after "
                                + flushSeconds
                                + " s at shutdown (GATEHOUSE_AUDIT_FLUSH_SECONDS); "
                                + queue.size()
                                + " queued event(s) fail");
                abandon = true;
                writer.interrupt();
            }
        }
        // whatever could not be written: its callers get an error, never a silent loss
        List<Waiting> left = new ArrayList<>();
        queue.drainTo(left);
        failAll(left, new IllegalStateException("audit writer stopped"));
    }

    /**
     * Appends through the writer thread and waits until the event is durable; {@code startNanos} is
     * when the caller's {@code record} began ({@link System#nanoTime}), for the wait histogram.
     */
    public RecordedEvent append(AuditEvent event, ContentRetention retention, long startNanos) {
        Waiting w =
                new Waiting(ChainAppender.Pending.of(event, retention), new CompletableFuture<>());
        outstanding.incrementAndGet();
        w.done().whenComplete((r, e) -> outstanding.decrementAndGet());
        if (!running || !queue.offer(w)) {
            w.done().cancel(false);
            writeFailures.inc();
            throw new AuditUnavailableException("The audit trail is not accepting events");
        }
        try {
            RecordedEvent recorded = w.done().get(WAIT_SECONDS, TimeUnit.SECONDS);
            (event.usage() != null ? gatewayWait : otherWait)
                    .update((System.nanoTime() - startNanos) / 1000);
            return recorded;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writeFailures.inc();
            throw new AuditUnavailableException("Interrupted while recording the audit event");
        } catch (ExecutionException | TimeoutException e) {
            writeFailures.inc();
            throw new AuditUnavailableException("The audit event could not be made durable");
        }
    }

    public RecordedEvent appendInTransaction(AuditEvent event, ContentRetention retention) {
        try {
            return inTransaction.append(event, retention);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Audit append in transaction failed", e);
            writeFailures.inc();
            throw new AuditUnavailableException("The audit event could not be recorded");
        }
    }

    private void writeLoop() {
        try {
            writeBatches();
        } finally {
            closeWriterConnection();
        }
    }

    private void writeBatches() {
        List<Waiting> batch = new ArrayList<>(MAX_BATCH);
        List<ChainAppender.Pending> pending = new ArrayList<>(MAX_BATCH);
        // after stop() the loop goes on until the queue is empty: queued events are committed.
        // Liberty interrupts the application's managed threads when it stops the application
        // (before or during stop()): that is no reason to drop the queue, only stop()'s deadline
        // is.
        while (!abandon && (running || !queue.isEmpty())) {
            try {
                Waiting first;
                if (running) {
                    first = queue.poll(1000, TimeUnit.MILLISECONDS);
                } else {
                    Thread.interrupted(); // Liberty's interrupt: keep writing until empty
                    first = queue.poll();
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                for (Waiting w : batch) {
                    pending.add(w.pending());
                }
                List<Outcome> outcomes =
                        commitIsolating(
                                pending,
                                events -> {
                                    List<RecordedEvent> r = commit(events);
                                    // counted before the waiters wake, so committed events never
                                    // lag the recorded waits
                                    commitEvents.update(r.size());
                                    return r;
                                });
                for (int i = 0; i < batch.size(); i++) {
                    Outcome o = outcomes.get(i);
                    if (o.recorded() != null) {
                        batch.get(i).done().complete(o.recorded());
                    } else {
                        batch.get(i).done().completeExceptionally(o.failure());
                    }
                }
            } catch (InterruptedException e) {
                // only poll() throws it, before anything was taken: go on (see above)
                failAll(batch, e);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Audit batch of " + batch.size() + " failed", e);
                failAll(batch, e);
            } finally {
                batch.clear();
                pending.clear();
            }
        }
    }

    /** Commits a batch durably (see {@link #commit}). */
    @FunctionalInterface
    interface BatchCommit {
        List<RecordedEvent> commit(List<ChainAppender.Pending> batch) throws SQLException;
    }

    /** What became of one event of a batch: recorded, or the reason it was not. */
    record Outcome(RecordedEvent recorded, Exception failure) {}

    /**
     * Commits the batch; if PostgreSQL refuses it for its data (one event it cannot store, e.g. a
     * value too large for an index), nothing of it was written, and each event is then committed on
     * its own, so that only the culprit fails and the requests batched with it (any tenant's) do
     * not. Any other failure (connection lost, outcome unknown) fails the whole batch: retrying
     * could append an event twice.
     */
    static List<Outcome> commitIsolating(List<ChainAppender.Pending> batch, BatchCommit commit)
            throws SQLException {
        List<Outcome> out = new ArrayList<>(batch.size());
        try {
            for (RecordedEvent r : commit.commit(batch)) {
                out.add(new Outcome(r, null));
            }
            return out;
        } catch (SQLException e) {
            if (batch.size() == 1 || !refusedForItsData(e)) {
                throw e;
            }
            LOG.log(
                    Level.WARNING,
                    "Audit batch of "
                            + batch.size()
                            + " refused (SQLState "
                            + e.getSQLState()
                            + "); committing its events one by one",
                    e);
        }
        for (ChainAppender.Pending p : batch) {
            try {
                out.add(new Outcome(commit.commit(List.of(p)).get(0), null));
            } catch (SQLException | RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "Audit event " + p.id() + " (" + p.event().action() + ") refused",
                        e);
                out.add(new Outcome(null, e));
            }
        }
        return out;
    }

    /**
     * A statement PostgreSQL refused for the values it carried, atomically (nothing written): data
     * exceptions (class 22, e.g. U+0000 in text or jsonb), integrity violations (23) and program
     * limits (54, e.g. an index row too large).
     */
    static boolean refusedForItsData(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if (state != null
                    && (state.startsWith("22")
                            || state.startsWith("23")
                            || state.startsWith("54"))) {
                return true;
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return false;
    }

    /**
     * One batch, durable on return. Usually one round trip: the writer knows each chain's head from
     * its own last commit and inserts the batch as one autocommitted statement; otherwise (first
     * batch of a chain, another writer appended meanwhile, stored content) the locked path in a
     * transaction.
     */
    private List<RecordedEvent> commit(List<ChainAppender.Pending> pending) throws SQLException {
        Connection c = writerConnection();
        try {
            return ChainAppender.appendDurably(c, pending, heads);
        } catch (SQLException | RuntimeException e) {
            // The outcome of the failed statement may be unknown (connection lost during commit):
            // forget
            // the heads, so that the next batch reads them under the lock, and start a fresh
            // connection.
            heads.clear();
            closeWriterConnection();
            throw e;
        }
    }

    /** The writer's own pooled connection, kept between batches (autocommit on). */
    private Connection writerConnection() throws SQLException {
        if (writerConnection == null) {
            writerConnection = dataSource.getConnection();
            writerConnection.setAutoCommit(true);
        }
        return writerConnection;
    }

    private void closeWriterConnection() {
        if (writerConnection != null) {
            try {
                writerConnection.close();
            } catch (SQLException ignored) {
                // broken anyway
            }
            writerConnection = null;
        }
    }

    private static void failAll(List<Waiting> batch, Exception cause) {
        for (Waiting w : batch) {
            w.done().completeExceptionally(cause);
        }
    }
}
