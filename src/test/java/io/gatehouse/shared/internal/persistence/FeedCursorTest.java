package io.gatehouse.shared.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FeedCursorTest {
    @Test
    void advancesBySequenceNumberWhateverTheTimestamps() {
        FeedCursor c = new FeedCursor(60_000);
        assertThat(c.started()).isFalse();
        c.startAfter(100);
        for (long seq = 101; seq <= 20_100; seq++) {
            c.read(seq, 0); // 20,000 rows in the same millisecond
        }
        assertThat(c.position()).isEqualTo(20_100);
        assertThat(c.gaps()).isEmpty();
        c.read(50, 0); // older than the position: ignored
        assertThat(c.position()).isEqualTo(20_100);
    }

    @Test
    void skippedNumbersAreGapsUntilTheirRowsArriveOrThePatienceEnds() {
        FeedCursor c = new FeedCursor(60_000);
        c.startAfter(10);
        c.read(11, 1_000);
        c.read(15, 1_000); // 12, 13, 14 not committed yet
        c.read(16, 1_000);
        assertThat(c.gaps()).containsExactly(new FeedCursor.Gap(12, 14, 1_000));
        assertThat(c.isGap(13)).isTrue();
        assertThat(c.isGap(15)).isFalse();

        c.filled(13); // committed late
        assertThat(c.isGap(13)).isFalse();
        assertThat(c.gaps())
                .containsExactly(
                        new FeedCursor.Gap(12, 12, 1_000), new FeedCursor.Gap(14, 14, 1_000));
        c.filled(12);
        c.filled(12);
        assertThat(c.gaps()).containsExactly(new FeedCursor.Gap(14, 14, 1_000));

        c.read(20_000_000, 30_000); // a rolled-back bulk insert: one range, not millions of entries
        assertThat(c.gaps()).hasSize(2);
        c.expire(61_001);
        assertThat(c.gaps()).containsExactly(new FeedCursor.Gap(17, 19_999_999, 30_000));
        c.expire(90_001);
        assertThat(c.gaps()).isEmpty();
        assertThat(c.position()).isEqualTo(20_000_000);
    }

    @Test
    void gapsAreBounded() {
        FeedCursor c = new FeedCursor(60_000);
        c.startAfter(0);
        for (long seq = 2; seq <= 2L * (FeedCursor.MAX_GAPS + 5); seq += 2) {
            c.read(seq, 0);
        }
        assertThat(c.gaps()).hasSize(FeedCursor.MAX_GAPS);
        assertThat(c.isGap(1)).as("the oldest are given up first").isFalse();
        assertThat(c.isGap(2L * (FeedCursor.MAX_GAPS + 5) - 1)).isTrue();
    }
}
