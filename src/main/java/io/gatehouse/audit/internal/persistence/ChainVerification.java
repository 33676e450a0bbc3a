package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.chain.CheckpointKeyRun;
import java.util.List;

/**
 * The result of verifying a chain: every event's hash and link recomputed in seq order, and the
 * chain compared with its signed checkpoints.
 *
 * @param chain the chain (tenant id or {@code platform})
 * @param valid true when no event is broken, no truncation was found, and every checkpoint is
 *     signed by a pinned key
 * @param eventsChecked events read (up to and including the first broken one)
 * @param checkpointsChecked signed checkpoints whose signature and head hash were checked
 * @param firstBroken the first broken event, or null
 * @param truncation what the latest checkpoint says about the chain's tail
 * @param checkpointKeys the key of every checkpoint read, as runs of consecutive checkpoints signed
 *     by one key, each with whether that key is pinned and by what
 * @param v1Events events read whose hash uses hashed form v1
 * @param v2Events events read whose hash uses hashed form v2 (RFC 8785)
 */
public record ChainVerification(
        String chain,
        boolean valid,
        long eventsChecked,
        long checkpointsChecked,
        BrokenEvent firstBroken,
        Truncation truncation,
        List<CheckpointKeyRun> checkpointKeys,
        long v1Events,
        long v2Events) {

    /**
     * The first place the chain breaks.
     *
     * @param seq the sequence number of the broken (or missing) event
     * @param eventId its id; null when the event is missing
     * @param reason {@code hash_mismatch}, {@code prev_link_mismatch}, {@code gap}, {@code
     *     checkpoint_mismatch}, {@code bad_checkpoint_signature}, {@code unpinned_checkpoint_key}
     *     or {@code truncated}
     * @param detail a sentence for people
     */
    public record BrokenEvent(long seq, String eventId, String reason, String detail) {}

    /**
     * @param detected true when the latest checkpoint names more events than the chain holds
     * @param lastSeq the last seq stored in the chain (0 when empty)
     * @param checkpointSeq the head seq of the latest signed checkpoint, or null if there is none
     * @param checkpointTime when that checkpoint was signed, or null
     */
    public record Truncation(
            boolean detected, long lastSeq, Long checkpointSeq, String checkpointTime) {}
}
