package io.gatehouse.audit.chain;

import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive checkpoints (in seq order) signed by one key: which key, whether it is pinned and by
 * what ({@link KeyTrust}), and the head seqs of the first and last of them. A verification's list
 * of runs names the key of every checkpoint it checked, in a few lines however many there are.
 */
public record CheckpointKeyRun(
        String keyId, boolean pinned, String pinnedBy, long fromSeq, long toSeq, long checkpoints) {

    /** Collects runs as checkpoints are checked. */
    public static final class Collector {
        private final List<CheckpointKeyRun> runs = new ArrayList<>();

        public void add(long headSeq, String keyId, KeyTrust.Status status) {
            boolean pinned = status != null && status.pinned();
            String by = status == null ? null : status.pinnedBy();
            int last = runs.size() - 1;
            if (last >= 0 && java.util.Objects.equals(runs.get(last).keyId(), keyId)) {
                CheckpointKeyRun r = runs.get(last);
                runs.set(
                        last,
                        new CheckpointKeyRun(
                                keyId, pinned, by, r.fromSeq(), headSeq, r.checkpoints() + 1));
            } else {
                runs.add(new CheckpointKeyRun(keyId, pinned, by, headSeq, headSeq, 1));
            }
        }

        public List<CheckpointKeyRun> runs() {
            return List.copyOf(runs);
        }
    }
}
