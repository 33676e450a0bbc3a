package io.gatehouse.edge.internal;

import io.gatehouse.edge.internal.persistence.LimitLeases;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spends limits locally from slices leased out of PostgreSQL (see {@link LimitLeases}). A slice is
 * a fraction of what remains in the window, so slices shrink as the quota runs low and the last
 * units are handed out one at a time: together, all instances never exceed the limit. Pure logic
 * over a {@link Leaser}, so it is unit-tested without a database.
 */
public class LeasedLimiter {
    /** The database side: lease up to {@code want} units of {@code limit}; charge extra usage. */
    public interface Leaser {
        LimitLeases.Lease lease(String subject, Instant window, long want, long limit);

        void charge(String subject, Instant window, long amount);
    }

    /** One subject's window on this instance. */
    static final class Bucket {
        final String subject;
        final Instant window;
        final long limit;
        long available;
        long globalGranted;

        /**
         * The window's whole limit is granted out; refuse locally without asking the database
         * again.
         */
        boolean exhausted;

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
        // shared
        // window row keeps counting what was already granted)
        String id = subject + "@" + window.getEpochSecond() + "#" + limit;
        return buckets.computeIfAbsent(id, k -> new Bucket(subject, window, limit));
    }

    /** Takes {@code n} units, leasing more when the local slice is short. False: over the limit. */
    public boolean take(Bucket b, long n) {
        synchronized (b) {
            if (b.available >= n) {
                b.available -= n;
                return true;
            }
            if (b.exhausted) {
                return false;
            }
            long remainingGlobal = Math.max(0, b.limit - b.globalGranted);
            long slice =
                    Math.max(1, Math.min(b.limit / 10, remainingGlobal / (4L * expectedInstances)));
            long want = Math.max(n - b.available, slice);
            LimitLeases.Lease lease = leaser.lease(b.subject, b.window, want, b.limit);
            b.available += lease.granted();
            b.globalGranted = lease.totalGranted();
            b.exhausted = lease.totalGranted() >= b.limit;
            if (b.available >= n) {
                b.available -= n;
                return true;
            }
            return false;
        }
    }

    /** Gives back units that were taken but not used (e.g. an over-estimate of tokens). */
    public void giveBack(Bucket b, long n) {
        synchronized (b) {
            b.available += n;
        }
    }

    /**
     * Spends units after the fact: from the local slice when possible, otherwise charged directly.
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

    /** Whether anything is left for this subject in its window (locally or to lease). */
    public boolean hasRemaining(Bucket b) {
        synchronized (b) {
            if (b.available > 0) {
                return true;
            }
        }
        return take(b, 1) && restore(b);
    }

    private boolean restore(Bucket b) {
        giveBack(b, 1);
        return true;
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
