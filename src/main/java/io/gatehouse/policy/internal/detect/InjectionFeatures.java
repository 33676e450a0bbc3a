package io.gatehouse.policy.internal.detect;

/**
 * The features of the injection model ({@link InjectionModel}), hashed into {@code 2^bits} buckets
 * without building strings (the policy hot path runs this on every check):
 *
 * <ul>
 *   <li>character 5-grams of the canonical text ({@link TextNormalizer#canonical}: letters and
 *       single spaces), padded with a space at both ends;
 *   <li>its words and pairs of adjacent words;
 *   <li>character 3- and 4-grams of the folded text with its punctuation (accents removed, digits
 *       read as leetspeak, whitespace as a space) that contain a character other than a letter or
 *       a space: {@code ###}, {@code <!--}, {@code em:}, {@code ={c}.
 * </ul>
 *
 * Hash: FNV-1a (32 bit) over the UTF-16 code units with a seed per kind, then MurmurHash3's
 * finalizer, masked to the bucket count. Each occurrence counts (a repeated n-gram is fed twice).
 */
final class InjectionFeatures {
    /** Receives one bucket per feature occurrence. */
    interface Sink {
        void accept(int bucket);
    }

    /** The feature specification written into the model file (a changed spec needs retraining). */
    static final String SPEC =
            "canon-char-5+canon-word-1..2+plain-punct-3..4;fnv1a32-fmix32;value=1/sqrt(n)";

    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;
    private static final int KIND_CHAR = 0x100;
    private static final int KIND_WORD = 0x200;
    private static final int KIND_BIGRAM = 0x300;
    private static final int KIND_PUNCT = 0x400;

    private InjectionFeatures() {}

    /**
     * Feeds every feature of a text to {@code sink}: {@code canon} its canonical form, {@code
     * plain} its folded form without accents. Returns the number of features fed.
     */
    static int extract(String canon, String plain, int mask, Sink sink) {
        int n = 0;
        int len = canon.length();
        // Character 5-grams over " " + canon + " " (positions -1 and len are the padding). Shorter
        // n-grams were tried and cost precision on the validation split (docs/policy.md).
        for (int i = -1; i + 4 <= len; i++) {
            int h = FNV_OFFSET ^ KIND_CHAR;
            for (int k = 0; k < 5; k++) {
                h = (h ^ charOrSpace(canon, i + k)) * FNV_PRIME;
            }
            sink.accept(fmix(h) & mask);
            n++;
        }
        // Words and adjacent pairs.
        int prev = 0;
        boolean hasPrev = false;
        int i = 0;
        while (i < len) {
            while (i < len && canon.charAt(i) == ' ') {
                i++;
            }
            if (i >= len) {
                break;
            }
            int h = FNV_OFFSET ^ KIND_WORD;
            while (i < len && canon.charAt(i) != ' ') {
                h = (h ^ canon.charAt(i)) * FNV_PRIME;
                i++;
            }
            sink.accept(fmix(h) & mask);
            n++;
            if (hasPrev) {
                sink.accept(fmix((prev * FNV_PRIME) ^ h ^ KIND_BIGRAM) & mask);
                n++;
            }
            prev = h;
            hasPrev = true;
        }
        // Punctuation-bearing 3- and 4-grams of the plain text.
        int plen = plain.length();
        for (int s = 0; s + 3 <= plen; s++) {
            int h = FNV_OFFSET ^ KIND_PUNCT;
            boolean punct = false;
            for (int k = 0; k < 4 && s + k < plen; k++) {
                char c = shape(plain.charAt(s + k));
                punct |= c != ' ' && !Character.isLetter(c);
                h = (h ^ c) * FNV_PRIME;
                if (k >= 2 && punct) {
                    sink.accept(fmix(h + k) & mask);
                    n++;
                }
            }
        }
        return n;
    }

    private static char charOrSpace(String s, int i) {
        return i < 0 || i >= s.length() ? ' ' : s.charAt(i);
    }

    /**
     * Digits and {@code l} as {@link TextNormalizer#canonical} reads them ({@code 0} is {@code o},
     * {@code 1} and {@code l} are {@code i}, ...), so leetspeak changes no feature; whitespace as a
     * space, so an attack split across messages has the features of the whole.
     */
    private static char shape(char c) {
        return switch (c) {
            case '0' -> 'o';
            case '1', 'l' -> 'i';
            case '3' -> 'e';
            case '4' -> 'a';
            case '5' -> 's';
            case '7' -> 't';
            case '8' -> 'b';
            case '9' -> 'g';
            case '2', '6' -> 'z';
            default -> Character.isWhitespace(c) ? ' ' : c;
        };
    }

    /** MurmurHash3's 32-bit finalizer: spreads FNV's low bits before masking. */
    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
