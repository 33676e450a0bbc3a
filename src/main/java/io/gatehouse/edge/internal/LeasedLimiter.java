package io.gatehouse.edge.internal;

import io.gatehouse.edge.internal.persistence.LimitLeaseRows;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spends limits locally from slices leased out of PostgreSQL (see {@link LimitLeaseRows}), exactly
 * across instances. A slice is a fraction of what remains in the window, so slices shrink as the
 * quota runs low and the last units go one request at a time. An instance that finds the window
 * spent while other instances still hold slices requests a drain and waits (at most {@link
 * #SETTLE_WAIT_MS}); every instance looks for drain requests every {@link #SETTLE_PERIOD_MS} and
 * gives back the unused part of those slices ({@link #settleRequested}). So a request is refused
 * only when the whole limit is used or reserved, not while quota sits unused on another instance,
 * and far from the limit the request path makes no database round trip. A slice of an instance that
 * died is never given back: it counts as used.
 */
public class LeasedLimiter {
    /** Longest a refusal waits for other instances to give back their slices. */
    static final long SETTLE_WAIT_MS = 2_000;

    /** How often an instance looks for drain requests (see {@link #settleRequested}). */
    public static final long SETTLE_PERIOD_MS = 50;

    /** A window found spent is refused locally for this long before asking again. */
    static final long SPENT_RECHECK_MS = 200;

    /** The database side (see {@link LimitLeaseRows}). */
    public interface Leaser {
        LimitLeaseRows.Lease lease(
                String subject,
                Instant window,
                long limit,
                long take,
                long want,
                long unused,
                long release);

        void charge(String subject, Instant window, long amount);

        List<LimitLeaseRows.Window> drainsRequested();
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

        long globalGranted;

        /** The window was found spent: refuse locally until {@link #spentUntil} (nanoTime). */
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
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public LeasedLimiter(Leaser leaser, int expectedInstances) {
        this.leaser = leaser;
        this.expectedInstances = Math.max(1, expectedInstances);
    }

    Bucket bucket(String subject, Instant window, long limit) {
        // the limit is part of the identity: a changed limit starts a fresh local bucket (the
        // shared window row keeps counting what was already granted)
        String id = subject + "@" + window.getEpochSecond() + "#" + limit;
        return buckets.computeIfAbsent(id, k -> new Bucket(subject, window, limit));
    }

    /**
     * Takes {@code n} units: from the local slice, else from the window in the database (settling
     * the old slice in the same call). False: the units are not there, on any instance.
     */
    public boolean take(Bucket b, long n) {
        synchronized (b) {
            long waitUntil = System.nanoTime() + SETTLE_WAIT_MS * 1_000_000;
            while (true) {
                if (b.available >= n) {
                    b.available -= n;
                    return true;
                }
                long now = System.nanoTime();
                if (b.spent && now - b.spentUntil < 0) {
                    return false;
                }
                b.spent = false;
                long remainingGlobal = Math.max(0, b.limit - b.globalGranted);
                long slice =
                        Math.max(
                                1,
                                Math.min(b.limit / 10, remainingGlobal / (4L * expectedInstances)));
                LimitLeaseRows.Lease lease =
                        leaser.lease(
                                b.subject,
                                b.window,
                                b.limit,
                                n,
                                Math.max(n, slice),
                                b.available,
                                b.held);
                b.available = 0;
                b.held = 0;
                b.globalGranted = lease.totalGranted();
                if (lease.granted() >= n) {
                    b.available = lease.granted() - n;
                    b.held = b.available;
                    return true;
                }
                long left = b.limit - lease.totalGranted();
                boolean othersHoldEnough =
                        lease.heldElsewhere() > 0 && left + lease.heldElsewhere() >= n;
                boolean holdersGone = lease.drainMillis() >= SETTLE_WAIT_MS;
                long after = System.nanoTime();
                if (!othersHoldEnough || holdersGone || after - waitUntil >= 0) {
                    if (left <= 0 && (lease.heldElsewhere() == 0 || holdersGone)) {
                        b.spent = true;
                        b.spentUntil = after + SPENT_RECHECK_MS * 1_000_000;
                    }
                    return false;
                }
                // Other instances hold slices they may not use; the lease asked for them back.
                // Wait without holding the bucket (wait releases it), then try again.
                try {
                    b.wait(SETTLE_PERIOD_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /**
     * Gives back units that were taken but not used (an over-estimate of tokens or cost, or a
     * request refused by another limit): into the slice while this instance holds one, otherwise
     * straight to the window so other instances can have them at once.
     */
    public void giveBack(Bucket b, long n) {
        if (n <= 0) {
            return;
        }
        synchronized (b) {
            if (b.held > 0) {
                b.available += n;
                return;
            }
        }
        LimitLeaseRows.Lease lease = leaser.lease(b.subject, b.window, b.limit, 0, 0, n, 0);
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
     * Gives back the unused part of this instance's slices of every window another instance asked
     * to drain. Called every {@link #SETTLE_PERIOD_MS}; reads the database only while this instance
     * holds something.
     */
    public void settleRequested() {
        boolean holding = false;
        for (Bucket b : buckets.values()) {
            synchronized (b) {
                if (b.available > 0 || b.held > 0) {
                    holding = true;
                    break;
                }
            }
        }
        if (!holding) {
            return;
        }
        Set<LimitLeaseRows.Window> drains = new HashSet<>(leaser.drainsRequested());
        if (drains.isEmpty()) {
            return;
        }
        for (Bucket b : buckets.values()) {
            if (!drains.contains(new LimitLeaseRows.Window(b.subject, b.window))) {
                continue;
            }
            settle(b);
        }
    }

    /** Gives back every slice this instance holds (on a clean stop, so none is lost). */
    public void settleAll() {
        for (Bucket b : buckets.values()) {
            settle(b);
        }
    }

    private void settle(Bucket b) {
        synchronized (b) {
            if (b.available > 0 || b.held > 0) {
                LimitLeaseRows.Lease lease =
                        leaser.lease(b.subject, b.window, b.limit, 0, 0, b.available, b.held);
                b.available = 0;
                b.held = 0;
                b.globalGranted = lease.totalGranted();
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
