package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The evaluation share of a tenant's limits and budgets (issue 23): a percentage of each. */
class EvaluationShareTest {
    @Test
    void aTenthByDefaultRoundedDown() {
        int p = EvaluationShare.percent(null, EvaluationShare.DEFAULT_PERCENT);
        assertThat(p).isEqualTo(10);
        assertThat(EvaluationShare.of(100, p)).isEqualTo(10);
        assertThat(EvaluationShare.of(6000, p)).isEqualTo(600);
        assertThat(EvaluationShare.of(2_000_000, p)).isEqualTo(200_000);
        assertThat(EvaluationShare.of(109, p)).isEqualTo(10);
        assertThat(EvaluationShare.of(3000, p)).isEqualTo(300);
    }

    @Test
    void aLimitWithAnyRoomLeavesEvaluationsAtLeastOneUnitAndABudgetOfNothingNone() {
        assertThat(EvaluationShare.of(5, 10)).isEqualTo(1);
        assertThat(EvaluationShare.of(1, 1)).isEqualTo(1);
        assertThat(EvaluationShare.of(0, 50)).isZero();
    }

    @Test
    void theTenantsPercentageWinsAndAHundredIsTheWholeLimit() {
        assertThat(EvaluationShare.percent(25, 10)).isEqualTo(25);
        assertThat(EvaluationShare.of(100, 25)).isEqualTo(25);
        assertThat(EvaluationShare.of(777, 100)).isEqualTo(777);
        assertThat(EvaluationShare.percent(null, 40)).isEqualTo(40);
        // a configuration out of range falls back to a tenth
        assertThat(EvaluationShare.percent(null, 0)).isEqualTo(10);
        assertThat(EvaluationShare.percent(null, 101)).isEqualTo(10);
    }

    @Test
    void noOverflowNearTheLargestBudget() {
        assertThat(EvaluationShare.of(Long.MAX_VALUE, 100)).isEqualTo(Long.MAX_VALUE);
        assertThat(EvaluationShare.of(Long.MAX_VALUE, 10)).isEqualTo(Long.MAX_VALUE / 10);
        assertThat(EvaluationShare.of(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE / 100);
    }

    @Test
    void aShareOutsideOneToAHundredIsRefused() {
        assertThatThrownBy(() -> EvaluationShare.of(100, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EvaluationShare.of(100, 101))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
