package io.gatehouse.edge.internal;

import io.gatehouse.edge.internal.persistence.LimitLeases;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Spends limits locally from slices leased out of PostgreSQL (see {@link LimitLeases}), exactly
 * across instances. A slice is a fraction of what remains in the window, so slices shrink as the
 * quota runs low and the last units go one request at a time, with nothing held back. A slice lives
 * {@link #SLICE_TTL_MS}: then it is settled, what was not used goes back to the window (by the next
 * lease, or by {@link #settleExpired} when the instance is idle). An instance that finds the window
 * spent while other instances still hold slices waits for them to settle (at most {@link
 * #SETTLE_WAIT_MS}) before it refuses, so a request is refused only when the whole limit is used or
 * reserved, not while quota sits unused on another instance. A slice of an instance that died is
 * never given back: it counts as used.
 */
public class LeasedLimiter {
    /** How long a slice may be spent before its unused part is given back. */
    static final long SLICE_TTL_MS = 250;

    /** Longest a refusal waits for other instances' slices to settle. */
    static final long SETTLE_WAIT_MS = 2_000;

    /** How often an instance gives back its expired slices (see {@link #settleExpired}). */
    public static final long SETTLE_PERIOD_MS = 50;

    /** A window found fully spent is refused locally for this long before asking again. */
    static final long SPENT_RECHECK_MS = 200;

    /** The database side (see {@link LimitLeases#lease} and {@link LimitLeases#charge}). */
    public interface Leaser {
        LimitLeases.Lease lease(
                String subject,
                Instant window,
                long limit,
                long take,
                long want,
                long unused,
                long release,
                long ttlMillis);

        void charge(String subject, Instant window, long amount);
    }

    /** One subject's window on this instance. */
    static final class Bucket {
        final String subject;
        final Instant window;
        final long limit;

        /** Units this instance may still spend: its slice's unused part plus units given back. */
        long available;

        /** What the database counts as held by this instance's current slice. */
        long held;

        /** System.nanoTime after which the slice is settled instead of spent. */
        long sliceDeadline;

        long globalGranted;

        /** The window was found fully spent, with no slice held anywhere: refuse until then. */
        boolean spent;

        long spentUntil;

        Bucket(String subject, Instant window, long limit) {
            this.subject = subject;
            this.window = window;
            this.limit = limit;
        }
    }

    private final Leaser leaser;
    private final int expectedInstances;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public LeasedLimiter(Leaser leaser, int expectedInstances) {
        this(leaser, expectedInstances, System::nanoTime);
    }

    LeasedLimiter(Leaser leaser, int expectedInstances, LongSupplier nanoClock) {
        this.leaser = leaser;
        this.expectedInstances = Math.max(1, expectedInstances);
        this.nanoClock = nanoClock;
    }

    Bucket bucket(String subject, Instant window, long limit) {
        // the limit is part of the identity: a changed limit starts a fresh local bucket (the
        // shared window row keeps counting what was already granted)
        String id = subject + "@" + window.getEpochSecond() + "#" + limit;
        return buckets.computeIfAbsent(id, k -> new Bucket(subject, window, limit));
    }

    /**
     * Takes {@code n} units: from the live local slice, else from the window in the database
     * (settling the old slice in the same call). False: the units are not there, on any instance.
     */
    public boolean take(Bucket b, long n) {
        synchronized (b) {
            long waitUntil = nanoClock.getAsLong() + SETTLE_WAIT_MS * 1_000_000;
            while (true) {
                long now = nanoClock.getAsLong();
                if (b.available >= n && now - b.sliceDeadline < 0) {
                    b.available -= n;
                    return true;
                }
                if (b.spent && now - b.spentUntil < 0) {
                    return false;
                }
                b.spent = false;
                long remainingGlobal = Math.max(0, b.limit - b.globalGranted);
                long slice =
                        Math.max(
                                1,
                                Math.min(b.limit / 10, remainingGlobal / (4L * expectedInstances)));
                LimitLeases.Lease lease =
                        leaser.lease(
                                b.subject,
                                b.window,
                                b.limit,
                                n,
                                Math.max(n, slice),
                                b.available,
                                b.held,
                                SLICE_TTL_MS);
                b.available = 0;
                b.held = 0;
                b.globalGranted = lease.totalGranted();
                if (lease.granted() >= n) {
                    b.available = lease.granted() - n;
                    b.held = b.available;
                    b.sliceDeadline = now + SLICE_TTL_MS * 1_000_000;
                    return true;
                }
                long left = b.limit - lease.totalGranted();
                long after = nanoClock.getAsLong();
                if (lease.heldElsewhere() == 0
                        || left + lease.heldElsewhere() < n
                        || after - waitUntil >= 0) {
                    if (lease.heldElsewhere() == 0 && left <= 0) {
                        b.spent = true;
                        b.spentUntil = after + SPENT_RECHECK_MS * 1_000_000;
                    }
                    return false;
                }
                // Other instances hold slices they may not use: wait for them to settle, without
                // holding the bucket (wait releases it), then try again.
                long sleepMs =
                        Math.min(
                                Math.max(
                                        SETTLE_PERIOD_MS / 2,
                                        lease.heldMillis() + SETTLE_PERIOD_MS),
                                Math.max(1, (waitUntil - after) / 1_000_000));
                try {
                    b.wait(sleepMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /**
     * Gives back units that were taken but not used (an over-estimate of tokens or cost, or a
     * request refused by another limit): into the live slice, otherwise straight to the window so
     * other instances can have them at once.
     */
    public void giveBack(Bucket b, long n) {
        if (n <= 0) {
            return;
        }
        synchronized (b) {
            if (b.held > 0 && nanoClock.getAsLong() - b.sliceDeadline < 0) {
                b.available += n;
                return;
            }
        }
        LimitLeases.Lease lease =
                leaser.lease(b.subject, b.window, b.limit, 0, 0, n, 0, SLICE_TTL_MS);
        synchronized (b) {
            b.globalGranted = lease.totalGranted();
            b.spent = false;
        }
    }

    /**
     * Spends units after the fact: from the local slice when possible, otherwise charged directly
     * (real usage beyond a reservation is charged even past the limit: the provider did the work).
     */
    public void spend(Bucket b, long n) {
        if (n <= 0) {
            return;
        }
        long toCharge;
        synchronized (b) {
            long fromSlice = Math.min(b.available, n);
            b.available -= fromSlice;
            toCharge = n - fromSlice;
        }
        if (toCharge > 0) {
            leaser.charge(b.subject, b.window, toCharge);
            synchronized (b) {
                b.globalGranted += toCharge;
            }
        }
    }

    /**
     * Gives back the unused part of every slice whose time is up, so an idle instance does not keep
     * quota the others need. Called every {@link #SETTLE_PERIOD_MS}.
     */
    public void settleExpired() {
        long now = nanoClock.getAsLong();
        for (Bucket b : buckets.values()) {
            synchronized (b) {
                if ((b.available > 0 || b.held > 0) && now - b.sliceDeadline >= 0) {
                    LimitLeases.Lease lease =
                            leaser.lease(
                                    b.subject,
                                    b.window,
                                    b.limit,
                                    0,
                                    0,
                                    b.available,
                                    b.held,
                                    SLICE_TTL_MS);
                    b.available = 0;
                    b.held = 0;
                    b.globalGranted = lease.totalGranted();
                }
            }
        }
    }

    /**
     * Units used in the window as far as this instance knows (global grants minus its unspent
     * slice).
     */
    public long approximatelyUsed(Bucket b) {
        synchronized (b) {
            return Math.max(0, b.globalGranted - b.available);
        }
    }

    /**
     * Drops buckets whose window has ended: minute windows after a minute, budgets after their
     * span.
     */
    public void forgetEnded(Instant now) {
        buckets.values().removeIf(b -> spanEnd(b).isBefore(now));
    }

    static Instant spanEnd(Bucket b) {
        if (b.subject.endsWith(":cost:month")) {
            return b.window.plus(java.time.Duration.ofDays(32));
        }
        if (b.subject.endsWith(":cost:day")) {
            return b.window.plus(java.time.Duration.ofDays(1));
        }
        return b.window.plusSeconds(60);
    }

    int size() {
        return buckets.size();
    }
}
