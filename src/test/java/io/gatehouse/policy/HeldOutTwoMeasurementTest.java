package io.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.InjectionEvaluation.Counts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/policy.md, "Second held-out measurement": the detector as shipped (heuristics and model)
 * still meets issue 24's target on the second held-out set, recall at least 0.9 and precision at
 * least 0.95 for injection overall. The exact counts recorded there (233 of 252 attacks, 10 false
 * alarms in 180 benign texts) are asserted too, so a change to the detector cannot move the
 * recorded numbers unnoticed. The test prints nothing about single texts: a held-out set's misses
 * are not read for tuning; if this fails after a change to the detector, the change is measured on
 * a new held-out set, not tuned until this one passes.
 */
class HeldOutTwoMeasurementTest {

    @Test
    void theShippedDetectorMeetsTheTargetOnTheSecondHeldOutSet() throws Exception {
        Path file =
                Path.of(
                        HeldOutTwoMeasurementTest.class
                                .getResource(HeldOutTwoFormatTest.SPEC.resource())
                                .toURI());
        Counts all = InjectionEvaluation.evaluate(file).overall();
        assertThat(all.recall()).as("recall").isGreaterThanOrEqualTo(0.9);
        assertThat(all.precision()).as("precision").isGreaterThanOrEqualTo(0.95);
        assertThat(all.attacks()).isEqualTo(252);
        assertThat(all.caught()).as("attacks flagged, as recorded").isEqualTo(233);
        assertThat(all.benign()).isEqualTo(180);
        assertThat(all.falseAlarms()).as("benign texts flagged, as recorded").isEqualTo(10);
    }
}
