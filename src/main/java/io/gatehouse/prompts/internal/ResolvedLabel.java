package io.gatehouse.prompts.internal;

/** What a label serves: its version and, during a canary, the canary version and its share. */
public record ResolvedLabel(
        String label, PublishedVersion primary, PublishedVersion canary, int canaryPercent) {

    /** The version for this request id: deterministic, see {@link CanarySplit}. */
    public PublishedVersion choose(String requestId) {
        if (canary == null || canaryPercent <= 0) {
            return primary;
        }
        return CanarySplit.canary(
                        primary.prompt(), label, requestId == null ? "" : requestId, canaryPercent)
                ? canary
                : primary;
    }
}
