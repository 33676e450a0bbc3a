package io.gatehouse.edge.internal;

import io.gatehouse.shared.LogFields;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every Argon2 computation of the server, a few at a time. Each costs about 19 MiB and a core for
 * tens of milliseconds: unbounded, a burst of logins would use all memory and CPU. Callers must not
 * hold a database connection or a lock while they wait here.
 *
 * <p>Logins use {@link #submit}: they wait in a queue without a thread (a request thread blocked on
 * a slot would starve the server's thread pool during a burst, and every other API call with it)
 * and run on the managed executor when a slot is free. The other (authenticated, rare) callers
 * block for a slot. Whoever waits longer than {@link #MAX_WAIT_MILLIS} gets a 503 {@code
 * login_busy} with {@code Retry-After}.
 */
@ApplicationScoped
public class PasswordHashing {
    static final long MAX_WAIT_MILLIS = 10_000;
    static final int MAX_QUEUED = 1_000;

    /** Argon2 computations at a time; default: half the cores, at least one. */
    @Inject
    @ConfigProperty(name = "gatehouse.auth.hash.concurrency")
    Optional<Integer> concurrency;

    @Resource ManagedExecutorService executor;
    @Resource ManagedScheduledExecutorService scheduler;

    private final PasswordHasher hasher = new PasswordHasher();
    private final ConcurrentLinkedQueue<Job<?>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private Semaphore permits;

    @PostConstruct
    void init() {
        int n =
                concurrency
                        .filter(c -> c > 0)
                        .orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        permits = new Semaphore(n, true);
    }

    public String hash(String password) {
        return bounded(() -> hasher.hash(password));
    }

    public boolean verify(String password, String phc) {
        return bounded(() -> hasher.verify(password, phc));
    }

    /**
     * Runs {@code work} after {@code delay} while holding a slot, with the hasher it may use; no
     * thread waits meanwhile. The stage fails with 503 {@code login_busy} when the queue is full or
     * the work waited too long for a slot.
     */
    public <T> CompletionStage<T> submit(Duration delay, Function<PasswordHasher, T> work) {
        Job<T> job = new Job<>(work, new CompletableFuture<>(), LogFields.capture());
        if (delay.isZero()) {
            enqueue(job);
        } else {
            try {
                scheduler.schedule(() -> enqueue(job), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                job.result().completeExceptionally(busy());
            }
        }
        return job.result();
    }

    /** {@code ids}: the submitting request's log fields, for lines written while it runs. */
    private record Job<T>(
            Function<PasswordHasher, T> work,
            CompletableFuture<T> result,
            long[] enqueuedAt,
            LogFields.Snapshot ids) {
        Job(Function<PasswordHasher, T> work, CompletableFuture<T> result, LogFields.Snapshot ids) {
            this(work, result, new long[1], ids);
        }
    }

    private void enqueue(Job<?> job) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            job.result().completeExceptionally(busy());
            return;
        }
        job.enqueuedAt()[0] = System.nanoTime();
        queue.add(job);
        dispatch();
    }

    /**
     * Starts queued jobs while slots are free; called after every enqueue and every finished job.
     */
    private void dispatch() {
        while (!queue.isEmpty() && permits.tryAcquire()) {
            Job<?> job = queue.poll();
            if (job == null) {
                permits.release(); // another dispatcher took it; look again
                continue;
            }
            queued.decrementAndGet();
            try {
                executor.execute(job.ids().wrap(() -> run(job)));
            } catch (RejectedExecutionException e) {
                permits.release();
                job.result().completeExceptionally(busy());
            }
        }
    }

    private <T> void run(Job<T> job) {
        try {
            if (System.nanoTime() - job.enqueuedAt()[0]
                    > TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS)) {
                job.result().completeExceptionally(busy());
            } else {
                job.result().complete(job.work().apply(hasher));
            }
        } catch (Throwable t) {
            job.result().completeExceptionally(t);
        } finally {
            permits.release();
            dispatch();
        }
    }

    private <T> T bounded(Supplier<T> work) {
        try {
            if (!permits.tryAcquire(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        try {
            return work.get();
        } finally {
            permits.release();
            dispatch();
        }
    }

    private static GatehouseException busy() {
        return new GatehouseException(
                503,
                "login_busy",
                "Too many password checks at once; retry in a moment",
                null,
                Map.of("Retry-After", "2"));
    }
}
