package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.edge.internal.persistence.LimitLeaseRows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The limiter's own logic over a Java model of {@code edge_limit_lease} (V49): slice sizes, fewer
 * round trips than requests, settling, giving back and charging. That instances together are exact
 * on the real database is proven by {@code LimitsAcrossInstancesIT}, not here: this model grants
 * atomically by construction.
 */
class LeasedLimiterTest {
    /** A model of edge_limit_lease: one window row per subject, locked for each call. */
    static final class FakeDb implements LeasedLimiter.Leaser {
        final Map<String, long[]> rows = new HashMap<>(); // granted, held, drain requested (1/0)
        final Map<String, LimitLeaseRows.Window> windows = new HashMap<>();
        final AtomicLong calls = new AtomicLong();

        @Override
        public synchronized LimitLeaseRows.Lease lease(
                String subject,
                Instant window,
                long limit,
                long take,
                long want,
                long unused,
                long release) {
            calls.incrementAndGet();
            long[] row = rows.computeIfAbsent(subject + window, k -> new long[3]);
            windows.put(subject + window, new LimitLeaseRows.Window(subject, window));
            row[0] = Math.max(0, row[0] - unused);
            row[1] = Math.max(0, row[1] - release);
            if (row[1] == 0) {
                row[2] = 0;
            }
            long leased = 0;
            long kept = 0;
            if (take > 0 && limit - row[0] >= take) {
                leased = row[2] == 0 ? Math.min(Math.max(want, take), limit - row[0]) : take;
                kept = leased - take;
            }
            row[0] += leased;
            row[1] += kept;
            if (leased == 0 && take > 0 && row[1] > 0 && limit - row[0] + row[1] >= take) {
                row[2] = 1;
            }
            return new LimitLeaseRows.Lease(leased, row[0], row[1] - kept, 0);
        }

        @Override
        public synchronized void charge(String subject, Instant window, long amount) {
            rows.computeIfAbsent(subject + window, k -> new long[3])[0] += amount;
        }

        @Override
        public synchronized List<LimitLeaseRows.Window> drainsRequested() {
            List<LimitLeaseRows.Window> out = new ArrayList<>();
            rows.forEach(
                    (k, row) -> {
                        if (row[2] == 1) {
                            out.add(windows.get(k));
                        }
                    });
            return out;
        }

        synchronized long granted(String subject, Instant window) {
            return rows.get(subject + window)[0];
        }
    }

    @Test
    void twoInstancesTogetherNeverExceedTheLimit() throws Exception {
        FakeDb db = new FakeDb();
        Instant window = Instant.parse("2026-11-27T05:00:00Z");
        LeasedLimiter a = new LeasedLimiter(db, 2);
        LeasedLimiter b = new LeasedLimiter(db, 2);
        int limit = 1000;
        ScheduledExecutorService settlers = Executors.newScheduledThreadPool(2);
        for (LeasedLimiter l : List.of(a, b)) {
            settlers.scheduleWithFixedDelay(
                    l::settleRequested,
                    LeasedLimiter.SETTLE_PERIOD_MS,
                    LeasedLimiter.SETTLE_PERIOD_MS,
                    TimeUnit.MILLISECONDS);
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CyclicBarrier start = new CyclicBarrier(16);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            LeasedLimiter l = t % 2 == 0 ? a : b;
            results.add(
                    pool.submit(
                            () -> {
                                start.await();
                                int ok = 0;
                                for (int i = 0; i < 200; i++) {
                                    if (l.take(l.bucket("key:k:rpm", window, limit), 1)) {
                                        ok++;
                                    }
                                }
                                return ok;
                            }));
        }
        int admitted = 0;
        for (Future<Integer> f : results) {
            admitted += f.get();
        }
        pool.shutdown();
        settlers.shutdownNow();
        assertThat(admitted).isLessThanOrEqualTo(limit);
        // slices shrink near the end, so little is left unused (exactness: LimitsAcrossInstancesIT)
        assertThat(admitted).isGreaterThan(limit * 9 / 10);
        assertThat(db.calls.get())
                .as("leasing, not a round trip per request")
                .isLessThan(admitted / 3);
    }

    @Test
    void smallLimitsAreExact() {
        FakeDb db = new FakeDb();
        Instant w = Instant.parse("2026-11-27T05:00:00Z");
        LeasedLimiter a = new LeasedLimiter(db, 2);
        LeasedLimiter b = new LeasedLimiter(db, 2);
        int ok = 0;
        for (int i = 0; i < 10; i++) {
            if (a.take(a.bucket("s", w, 5), 1)) {
                ok++;
            }
            if (b.take(b.bucket("s", w, 5), 1)) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(5);
    }

    @Test
    void newWindowStartsAfresh() {
        FakeDb db = new FakeDb();
        LeasedLimiter l = new LeasedLimiter(db, 1);
        Instant w1 = Instant.parse("2026-11-27T05:00:00Z");
        Instant w2 = w1.plusSeconds(60);
        for (int i = 0; i < 3; i++) {
            assertThat(l.take(l.bucket("s", w1, 3), 1)).isTrue();
        }
        assertThat(l.take(l.bucket("s", w1, 3), 1)).isFalse();
        assertThat(l.take(l.bucket("s", w2, 3), 1)).isTrue();
        l.forgetEnded(w2.plusSeconds(61));
        assertThat(l.size()).isZero();
    }

    @Test
    void settlingGivesBackOrChargesTheDifference() {
        FakeDb db = new FakeDb();
        LeasedLimiter l = new LeasedLimiter(db, 1);
        Instant w = Instant.parse("2026-11-27T05:00:00Z");
        LeasedLimiter.Bucket tokens = l.bucket("tpm", w, 1000);
        assertThat(l.take(tokens, 600)).isTrue();
        l.giveBack(tokens, 500); // used only 100
        assertThat(l.take(tokens, 800)).isTrue();
        assertThat(l.take(tokens, 200)).isFalse();
        l.spend(tokens, 50); // an answer longer than estimated is charged even past the slice
        assertThat(db.granted("tpm", w)).isEqualTo(950);
    }

    @Test
    void anIdleInstanceGivesBackItsSliceWhenAnotherAsks() throws Exception {
        FakeDb db = new FakeDb();
        Instant w = Instant.parse("2026-11-27T05:00:00Z");
        LeasedLimiter idle = new LeasedLimiter(db, 2);
        LeasedLimiter busy = new LeasedLimiter(db, 2);
        assertThat(idle.take(idle.bucket("s", w, 100), 1)).isTrue();
        assertThat(db.granted("s", w)).as("one used, a slice held").isGreaterThan(1);
        ScheduledExecutorService settler = Executors.newSingleThreadScheduledExecutor();
        settler.scheduleWithFixedDelay(
                idle::settleRequested,
                LeasedLimiter.SETTLE_PERIOD_MS,
                LeasedLimiter.SETTLE_PERIOD_MS,
                TimeUnit.MILLISECONDS);
        try {
            int ok = 0;
            for (int i = 0; i < 120; i++) {
                if (busy.take(busy.bucket("s", w, 100), 1)) {
                    ok++;
                }
            }
            assertThat(ok).as("all but the idle instance's one").isEqualTo(99);
            assertThat(db.granted("s", w)).isEqualTo(100);
        } finally {
            settler.shutdownNow();
        }
    }
}
