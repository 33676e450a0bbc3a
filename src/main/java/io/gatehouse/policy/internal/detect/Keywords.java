package io.gatehouse.policy.internal.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds which of up to 64 groups of literal keywords occur in a text, in one pass: candidates are
 * looked up by the text's next two characters. Detectors use it as a pre-filter (a regex whose
 * every match contains one of its group's keywords cannot match a text without one), so the result
 * only has to be a superset: an ignore-case keyword also matches beyond ASCII case folding.
 */
final class Keywords {
    private static final int ASCII = 128;

    private final String[] words;
    private final boolean[] ignoreCase;
    private final long[] group;
    // Indices of the words starting with the two ASCII characters (c0 * 128 + c1).
    private final int[][] byPrefix = new int[ASCII * ASCII][];

    /** {@code groups.get(i)}: the keywords of group i; each at least two ASCII characters long. */
    Keywords(List<String[]> groups, List<Boolean> groupIgnoresCase) {
        if (groups.size() > 64) {
            throw new IllegalArgumentException("at most 64 groups");
        }
        List<String> w = new ArrayList<>();
        List<Boolean> ic = new ArrayList<>();
        List<Long> g = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            for (String k : groups.get(i)) {
                if (k.length() < 2 || k.charAt(0) >= ASCII || k.charAt(1) >= ASCII) {
                    throw new IllegalArgumentException("keyword needs two ASCII characters: " + k);
                }
                w.add(k);
                ic.add(groupIgnoresCase.get(i));
                g.add(1L << i);
            }
        }
        words = w.toArray(String[]::new);
        ignoreCase = new boolean[words.length];
        group = new long[words.length];
        for (int i = 0; i < words.length; i++) {
            ignoreCase[i] = ic.get(i);
            group[i] = g.get(i);
            for (char a : cases(words[i].charAt(0), ignoreCase[i])) {
                for (char b : cases(words[i].charAt(1), ignoreCase[i])) {
                    add(a * ASCII + b, i);
                }
            }
        }
    }

    private static char[] cases(char c, boolean ignoreCase) {
        char lo = Character.toLowerCase(c);
        char up = Character.toUpperCase(c);
        return ignoreCase && lo != up ? new char[] {lo, up} : new char[] {c};
    }

    private void add(int key, int word) {
        int[] old = byPrefix[key];
        int[] now = old == null ? new int[1] : java.util.Arrays.copyOf(old, old.length + 1);
        now[now.length - 1] = word;
        byPrefix[key] = now;
    }

    /**
     * Where the keywords of each group start in {@code text} ({@code result[i]}: ascending
     * positions for group i, empty when none occurs; one pass like {@link #find}). {@code
     * wordStarts}: only at the start of the text or after a space.
     */
    int[][] starts(String text, boolean wordStarts) {
        int[][] out = new int[64][];
        int[] count = new int[64];
        int n = text.length() - 1;
        for (int i = 0; i < n; i++) {
            if (wordStarts && i > 0 && text.charAt(i - 1) != ' ') {
                continue;
            }
            char a = text.charAt(i);
            char b = text.charAt(i + 1);
            if (a >= ASCII || b >= ASCII) {
                continue;
            }
            int[] cand = byPrefix[a * ASCII + b];
            if (cand == null) {
                continue;
            }
            for (int w : cand) {
                if (text.regionMatches(ignoreCase[w], i, words[w], 0, words[w].length())) {
                    int g = Long.numberOfTrailingZeros(group[w]);
                    int c = count[g];
                    if (c == 0) {
                        out[g] = new int[4];
                    } else if (out[g][c - 1] == i) {
                        continue;
                    } else if (c == out[g].length) {
                        out[g] = java.util.Arrays.copyOf(out[g], c * 2);
                    }
                    out[g][c] = i;
                    count[g] = c + 1;
                }
            }
        }
        for (int g = 0; g < 64; g++) {
            out[g] = count[g] == 0 ? NONE : java.util.Arrays.copyOf(out[g], count[g]);
        }
        return out;
    }

    private static final int[] NONE = new int[0];

    /** Bit i set: a keyword of group i occurs in {@code text}. */
    long find(String text) {
        long found = 0;
        int n = text.length() - 1;
        for (int i = 0; i < n; i++) {
            char a = text.charAt(i);
            char b = text.charAt(i + 1);
            if (a >= ASCII || b >= ASCII) {
                continue;
            }
            int[] cand = byPrefix[a * ASCII + b];
            if (cand == null) {
                continue;
            }
            for (int w : cand) {
                if ((found & group[w]) == 0
                        && text.regionMatches(ignoreCase[w], i, words[w], 0, words[w].length())) {
                    found |= group[w];
                }
            }
        }
        return found;
    }
}
