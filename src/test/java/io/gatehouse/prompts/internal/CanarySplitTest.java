package io.gatehouse.prompts.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.RequestIds;
import org.junit.jupiter.api.Test;

class CanarySplitTest {
    @Test
    void splitIsWithinThreePercentOverTenThousandRequests() {
        for (int percent : new int[] {1, 5, 10, 25, 50, 75, 90, 99}) {
            int canary = 0;
            for (int i = 0; i < 10_000; i++) {
                if (CanarySplit.canary(
                        "support-triage", "production", RequestIds.generate(), percent)) {
                    canary++;
                }
            }
            assertThat(canary / 100.0)
                    .as("percent %d", percent)
                    .isBetween(percent - 3.0, percent + 3.0);
        }
    }

    @Test
    void sequentialRequestIdsSplitEvenlyToo() {
        int canary = 0;
        for (int i = 0; i < 10_000; i++) {
            if (CanarySplit.canary("p", "production", "req-" + i, 20)) {
                canary++;
            }
        }
        assertThat(canary).isBetween(1_700, 2_300);
    }

    @Test
    void theSameRequestIdAlwaysGetsTheSameVersion() {
        for (int i = 0; i < 1_000; i++) {
            String id = RequestIds.generate();
            boolean first = CanarySplit.canary("p", "production", id, 30);
            for (int r = 0; r < 3; r++) {
                assertThat(CanarySplit.canary("p", "production", id, 30)).isEqualTo(first);
            }
        }
    }

    @Test
    void zeroAndHundredAreAbsolute() {
        for (int i = 0; i < 500; i++) {
            String id = "r" + i;
            assertThat(CanarySplit.canary("p", "l", id, 0)).isFalse();
            assertThat(CanarySplit.canary("p", "l", id, 100)).isTrue();
        }
    }

    @Test
    void aLargerShareKeepsEveryoneWhoWasAlreadyOnTheCanary() {
        // Raising the percentage only adds requests to the canary: buckets below 10% stay below
        // 20%.
        for (int i = 0; i < 2_000; i++) {
            String id = "req-" + i;
            if (CanarySplit.canary("p", "production", id, 10)) {
                assertThat(CanarySplit.canary("p", "production", id, 20)).isTrue();
            }
        }
    }
}
