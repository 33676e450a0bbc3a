package io.gatehouse.shared.internal.persistence;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a change feed reader stands: the highest sequence number it has read, and the numbers below
 * it it has not seen yet (gaps). A gap is a row whose transaction had not committed when a later
 * one was read (sequence numbers commit out of order), or a number that will never commit (a
 * rollback); gaps are re-checked until they are older than the patience, then given up.
 *
 * <p>The reader advances by sequence number, never by time, so any number of rows with the same
 * timestamp cannot hold it in place. Gaps are kept as ranges, so a rolled-back bulk insert costs
 * one entry, not one per number. Not thread-safe: one poller owns it.
 */
final class FeedCursor {
    /** A range of sequence numbers not seen yet, and when it was first noticed. */
    record Gap(long from, long to, long noticedAtMs) {}

    /** More ranges than this and the oldest are given up (a pathological interleaving). */
    static final int MAX_GAPS = 10_000;

    private final long patienceMs;
    private long position = -1;
    private final TreeMap<Long, Gap> gaps = new TreeMap<>();

    FeedCursor(long patienceMs) {
        this.patienceMs = patienceMs;
    }

    boolean started() {
        return position >= 0;
    }

    /** Starts after {@code seq}: rows with a higher number are new. */
    void startAfter(long seq) {
        position = Math.max(0, seq);
        gaps.clear();
    }

    long position() {
        return position;
    }

    /**
     * A row read past the position (rows are passed in ascending order): the numbers skipped on the
     * way become a gap.
     */
    void read(long seq, long nowMs) {
        if (seq <= position) {
            return;
        }
        if (seq > position + 1) {
            gaps.put(position + 1, new Gap(position + 1, seq - 1, nowMs));
            while (gaps.size() > MAX_GAPS) {
                gaps.pollFirstEntry();
            }
        }
        position = seq;
    }

    /** A row found inside a gap: it is delivered once, so it leaves the gap. */
    void filled(long seq) {
        Map.Entry<Long, Gap> e = gaps.floorEntry(seq);
        if (e == null || e.getValue().to() < seq) {
            return;
        }
        Gap g = gaps.remove(e.getKey());
        if (g.from() < seq) {
            gaps.put(g.from(), new Gap(g.from(), seq - 1, g.noticedAtMs()));
        }
        if (seq < g.to()) {
            gaps.put(seq + 1, new Gap(seq + 1, g.to(), g.noticedAtMs()));
        }
    }

    /** Whether {@code seq} is inside a gap (a row of it has not been delivered yet). */
    boolean isGap(long seq) {
        Map.Entry<Long, Gap> e = gaps.floorEntry(seq);
        return e != null && e.getValue().to() >= seq;
    }

    /**
     * Gives up gaps noticed longer ago than the patience; their rows, if any ever commit, are
     * missed.
     */
    void expire(long nowMs) {
        Iterator<Gap> it = gaps.values().iterator();
        while (it.hasNext()) {
            if (nowMs - it.next().noticedAtMs() > patienceMs) {
                it.remove();
            }
        }
    }

    List<Gap> gaps() {
        return new ArrayList<>(gaps.values());
    }
}
