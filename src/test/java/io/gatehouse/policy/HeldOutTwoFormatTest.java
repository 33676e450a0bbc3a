package io.gatehouse.policy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The second held-out prompt-injection set (issue 24; the first one has been measured and is
 * spent), written blind and measured once (docs/policy.md, "Second held-out measurement"): exactly
 * 6 attacks per family and language and 30 benign texts per language. The checks are {@link
 * HeldOutSetFormat}'s.
 */
class HeldOutTwoFormatTest extends HeldOutSetFormat {
    /**
     * SHA-256 of heldout.jsonl as written blind, before any measurement. The set is never edited: a
     * changed line invalidates the measurement, so new data goes into a new file.
     */
    static final String FROZEN_SHA256 =
            "7cc04c7d2d3815e0b10c7b9e00138c4c0ba4bfd7c8951d98d51dff6b020a370e";

    static final Spec SPEC =
            new Spec(
                    "/policy/injection-heldout-2/heldout.jsonl",
                    FROZEN_SHA256,
                    Pattern.compile("h2-\\d{4}"),
                    6,
                    30,
                    252,
                    180);

    @Override
    Spec spec() {
        return SPEC;
    }

    @Test
    void theSetIsTheOneWrittenBlind() throws Exception {
        assertFrozen();
    }
}
