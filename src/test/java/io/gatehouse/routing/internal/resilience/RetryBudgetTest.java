package io.gatehouse.routing.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    @Test
    void retriesAreCappedByRatioPlusFloor() {
        AtomicLong now = new AtomicLong();
        RetryBudget budget = new RetryBudget(0.2, 2, 10_000, now::get);
        for (int i = 0; i < 100; i++) {
            budget.onRequest();
        }
        int granted = 0;
        for (int i = 0; i < 100; i++) {
            if (budget.tryRetry()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(22); // 2 + 20% of 100
    }

    @Test
    void budgetRefillsWhenTheWindowPasses() {
        AtomicLong now = new AtomicLong();
        RetryBudget budget = new RetryBudget(0.0, 1, 10_000, now::get);
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
        now.addAndGet(10_000);
        assertThat(budget.tryRetry()).isTrue();
    }
}
