package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.edge.internal.persistence.LimitLeases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeasedLimiterTest {
    /** The database's behaviour: an atomic counter that never grants past the limit. */
    static final class FakeDb implements LeasedLimiter.Leaser {
        final ConcurrentHashMap<String, AtomicLong> granted = new ConcurrentHashMap<>();
        final AtomicLong calls = new AtomicLong();

        @Override
        public synchronized LimitLeases.Lease lease(
                String subject, Instant window, long want, long limit) {
            calls.incrementAndGet();
            AtomicLong g = granted.computeIfAbsent(subject + window, k -> new AtomicLong());
            long give = Math.max(0, Math.min(want, limit - g.get()));
            g.addAndGet(give);
            return new LimitLeases.Lease(give, g.get());
        }

        @Override
        public synchronized void charge(String subject, Instant window, long amount) {
            granted.computeIfAbsent(subject + window, k -> new AtomicLong()).addAndGet(amount);
        }
    }

    @Test
    void twoInstancesTogetherNeverExceedTheLimit() throws Exception {
        FakeDb db = new FakeDb();
        Instant window = Instant.parse("2026-11-27T05:00:00Z");
        LeasedLimiter a = new LeasedLimiter(db, 2);
        LeasedLimiter b = new LeasedLimiter(db, 2);
        int limit = 1000;
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
        assertThat(admitted).isLessThanOrEqualTo(limit);
        // leases go back to one at a time near the end, so little is stranded
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
        assertThat(db.granted.get("tpm" + w).get()).isGreaterThanOrEqualTo(950);
    }
}
