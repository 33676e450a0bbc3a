package io.gatehouse.policy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The first held-out prompt-injection set (issue 24), written before the heuristics were tuned and
 * measured once (docs/policy.md); since then training data of the learned model. The checks are
 * {@link HeldOutSetFormat}'s.
 */
class HeldOutCorpusFormatTest extends HeldOutSetFormat {
    /**
     * SHA-256 of heldout.jsonl as written before the detector was tuned. The set is never edited: a
     * changed line invalidates the measurement, so new data goes into a new file.
     */
    static final String FROZEN_SHA256 =
            "b56f038cedc88611dbbc5eaa81377cf87213de07958ccb7a5bde4331bf3f5a61";

    static final Spec SPEC =
            new Spec(
                    "/policy/injection-heldout/heldout.jsonl",
                    FROZEN_SHA256,
                    Pattern.compile("h-\\d{4}"),
                    5,
                    25,
                    null,
                    null);

    @Override
    Spec spec() {
        return SPEC;
    }

    @Test
    void theSetIsTheOneWrittenBeforeTheTuning() throws Exception {
        assertFrozen();
    }
}
