package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.edge.internal.TicketRedemptions.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-address limit of ticket redemptions: bounded memory (only failures keep an entry, pruning
 * at most once a second, a hard cap on addresses) and attempts counted under the same lock as the
 * check, so that concurrent failures cannot pass the limit.
 */
class TicketRedemptionsTest {
    static final long T0 = 1_000_000_000L;

    final AtomicLong now = new AtomicLong(T0);
    TicketRedemptions r;

    @BeforeEach
    void setUp() {
        r = new TicketRedemptions();
        r.maxFailures = 3;
        r.clock = now::get;
    }

    private static String address(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }

    @Test
    void successfulRedemptionsLeaveNoEntry() {
        for (int i = 0; i < 1000; i++) {
            assertThat(r.begin(address(i))).isEmpty();
            r.end(address(i), false);
        }
        assertThat(r.tracked()).isZero();
        // a failure does
        assertThat(r.begin("192.0.2.1")).isEmpty();
        r.end("192.0.2.1", true);
        assertThat(r.tracked()).isEqualTo(1);
    }

    @Test
    void attemptsInFlightCountAgainstTheLimit() {
        String client = "192.0.2.7";
        for (int i = 0; i < 3; i++) {
            assertThat(r.begin(client)).as("attempt " + i).isEmpty();
        }
        // three lookups still running: a fourth is refused before its lookup
        assertThat(r.begin(client)).contains(Refusal.RATE_LIMITED_FIRST);
        assertThat(r.begin(client)).contains(Refusal.RATE_LIMITED);
        // one succeeds: its slot is free again
        r.end(client, false);
        assertThat(r.begin(client)).isEmpty();
        // all fail: three failures, refused for the rest of the window
        r.end(client, true);
        r.end(client, true);
        r.end(client, true);
        assertThat(r.begin(client)).isPresent();
        // the next window starts afresh
        now.addAndGet(TicketRedemptions.WINDOW_MS);
        assertThat(r.begin(client)).isEmpty();
    }

    @Test
    void concurrentFailuresCannotPassTheLimit() throws Exception {
        String client = "2001:db8::1";
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch allChecked = new CountDownLatch(threads);
        List<Future<Boolean>> let = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                let.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    Optional<Refusal> refused = r.begin(client);
                                    allChecked.countDown();
                                    // every check happens before any lookup ends
                                    allChecked.await(10, TimeUnit.SECONDS);
                                    if (refused.isEmpty()) {
                                        r.end(client, true);
                                    }
                                    return refused.isEmpty();
                                }));
            }
            start.countDown();
            int looked = 0;
            for (Future<Boolean> f : let) {
                looked += f.get(20, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(looked).as("lookups let through").isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(r.begin(client)).isPresent();
    }

    @Test
    void theNumberOfAddressesIsCappedAndNewOnesAreRefusedUntilPruned() {
        for (int i = 0; i < TicketRedemptions.MAX_TRACKED; i++) {
            assertThat(r.begin(address(i))).isEmpty();
            r.end(address(i), true);
        }
        assertThat(r.tracked()).isEqualTo(TicketRedemptions.MAX_TRACKED);
        String newcomer = "198.51.100.9";
        assertThat(r.begin(newcomer)).contains(Refusal.TOO_MANY_ADDRESSES);
        assertThat(r.tracked()).isEqualTo(TicketRedemptions.MAX_TRACKED);
        assertThat(r.rateLimited(newcomer).getMessage()).contains("try again later");
        // a tracked address is still counted as before
        assertThat(r.begin(address(1))).isEmpty();
        r.end(address(1), false);
        // once the windows ended, pruning makes room
        now.addAndGet(TicketRedemptions.WINDOW_MS);
        assertThat(r.begin(newcomer)).isEmpty();
        assertThat(r.tracked()).isEqualTo(1);
    }

    @Test
    void endedWindowsArePrunedAtMostOnceASecond() {
        r.begin("192.0.2.1"); // prunes (nothing) at T0
        r.end("192.0.2.1", true);
        now.set(T0 + 500);
        r.begin("192.0.2.2");
        r.end("192.0.2.2", true);
        // at T0 + 60 s the first window has ended and is pruned, the second has not
        now.set(T0 + TicketRedemptions.WINDOW_MS);
        r.begin("192.0.2.3");
        r.end("192.0.2.3", true);
        assertThat(r.tracked()).isEqualTo(2);
        // 600 ms later the second has ended too, but the last pruning is less than a second ago
        now.set(T0 + TicketRedemptions.WINDOW_MS + 600);
        r.begin("192.0.2.4");
        r.end("192.0.2.4", true);
        assertThat(r.tracked()).isEqualTo(3);
        // a second after the last pruning it goes
        now.set(T0 + TicketRedemptions.WINDOW_MS + TicketRedemptions.PRUNE_EVERY_MS);
        r.begin("192.0.2.5");
        r.end("192.0.2.5", true);
        assertThat(r.tracked()).isEqualTo(3);
    }
}
