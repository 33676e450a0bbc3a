package io.gatehouse.routing.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.TestCatalog;
import jakarta.json.Json;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void opensAfterConsecutiveFailuresThenHalfOpensForOneTrial() {
        CircuitBreaker b = new CircuitBreaker(3, 10_000, now::get);
        for (int i = 0; i < 3; i++) {
            assertThat(b.tryAcquire()).isTrue();
            b.onFailure();
        }
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.tryAcquire()).isFalse();

        now.addAndGet(10_000);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).as("only one trial while half-open").isFalse();
        b.onSuccess();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(b.tryAcquire()).isTrue();
    }

    @Test
    void failedTrialReopens() {
        CircuitBreaker b = new CircuitBreaker(1, 5_000, now::get);
        b.tryAcquire();
        b.onFailure();
        now.addAndGet(5_000);
        assertThat(b.tryAcquire()).isTrue();
        b.onFailure();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        now.addAndGet(4_999);
        assertThat(b.tryAcquire()).isFalse();
        now.addAndGet(1);
        assertThat(b.tryAcquire()).isTrue();
    }

    @Test
    void successResetsTheFailureCount() {
        CircuitBreaker b = new CircuitBreaker(3, 5_000, now::get);
        b.onFailure();
        b.onFailure();
        b.onSuccess();
        b.onFailure();
        b.onFailure();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void retryAfterHoldsTheCircuitOpen() {
        CircuitBreaker b = new CircuitBreaker(5, 1_000, now::get);
        b.holdOpen(20_000);
        assertThat(b.tryAcquire()).isFalse();
        now.addAndGet(19_999);
        assertThat(b.tryAcquire()).isFalse();
        now.addAndGet(1);
        assertThat(b.tryAcquire()).isTrue();
    }

    @Test
    void oneProviderFailingNeverTripsAnother() {
        ProviderHealthRegistry registry = new ProviderHealthRegistry(now::get);
        Provider a =
                TestCatalog.provider(
                        "a",
                        "sandbox",
                        null,
                        Json.createObjectBuilder().add("breakerFailures", 2).build());
        Provider b = TestCatalog.provider("b");
        registry.of(a).breaker().onFailure();
        registry.of(a).breaker().onFailure();
        assertThat(registry.of(a).breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(registry.of(b).breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void bulkheadLimitsCallsInFlight() {
        ProviderHealth h = new ProviderHealth("v", 2, 5, 1000, now::get);
        assertThat(h.tryEnter()).isTrue();
        assertThat(h.tryEnter()).isTrue();
        assertThat(h.tryEnter()).isFalse();
        h.leave();
        assertThat(h.tryEnter()).isTrue();
    }
}
