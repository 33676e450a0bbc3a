package io.gatehouse.governance.internal;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A golden set's {@code regex} expectation (issue 23): RE2 syntax on RE2J, which matches in time
 * linear in the answer's length (no backtracking, no backreferences, no lookaround), so a pattern
 * chosen by an author cannot hold a runner, which every tenant shares.
 *
 * <p>RE2J alone is not enough: its compiled program grows with the product of nested counted
 * repetitions ({@code ((a{1000}){1000}){1000}} exhausts the heap while compiling, {@code
 * (?:(?:){1000}){1000}} the stack), and matching costs the program's size per character read. So a
 * pattern is refused before it is compiled when its estimated size ({@link #estimate}, nested
 * repetitions multiplied) exceeds {@link #MAX_ESTIMATE}, and after it is compiled when its program
 * exceeds {@link #MAX_PROGRAM} instructions. The match reads the answer through a deadline that is
 * checked at every character, so even within these limits a match stops after its time.
 */
final class LinearRegex {
    /** The most instructions a compiled pattern may have. */
    static final int MAX_PROGRAM = 5_000;

    /** The largest estimated size a pattern may have before it is compiled. */
    static final long MAX_ESTIMATE = 20_000;

    private LinearRegex() {}

    /** A pattern that is not RE2 syntax or is too large; the message says why. */
    static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    /** The match gave up at its deadline. */
    static final class Expired extends RuntimeException {
        Expired() {
            super("regex deadline", null, false, false);
        }
    }

    /** Compiles {@code pattern} with RE2J, or throws {@link Refused} saying why not. */
    static Pattern compile(String pattern) {
        if (estimate(pattern) > MAX_ESTIMATE) {
            throw new Refused(
                    "its repetitions nest too large (at most "
                            + MAX_PROGRAM
                            + " instructions once compiled)");
        }
        Pattern p;
        try {
            p = Pattern.compile(pattern);
        } catch (PatternSyntaxException x) {
            throw new Refused("it is not RE2 syntax: " + x.getDescription());
        } catch (StackOverflowError x) {
            throw new Refused("it nests too deep");
        }
        int size = p.matcher("").programSize();
        if (size > MAX_PROGRAM) {
            throw new Refused(
                    "it compiles to "
                            + size
                            + " instructions, more than "
                            + MAX_PROGRAM
                            + " (a counted repetition of a large group)");
        }
        return p;
    }

    /**
     * Whether {@code p} matches somewhere in {@code text}; {@link Expired} after {@code millis}.
     */
    static boolean find(Pattern p, String text, long millis) {
        return p.matcher(new DeadlineCharSequence(text, System.nanoTime() + millis * 1_000_000L))
                .find();
    }

    /**
     * An upper bound of the size of the compiled program, from the text alone (never compiling):
     * each atom counts 1, a group the sum of its alternatives plus 1, and a quantifier multiplies
     * what it repeats by its largest count plus 1 ({@code *}, {@code +} and {@code ?} by 2). It
     * only has to be safe on any text: RE2J judges the syntax afterwards. Saturates at {@code
     * MAX_ESTIMATE + 1}.
     */
    static long estimate(String s) {
        long cap = MAX_ESTIMATE + 1;
        java.util.ArrayDeque<long[]> frames = new java.util.ArrayDeque<>();
        // a frame: {sum of finished alternatives, current sequence, last atom}
        long[] f = {0, 0, 0};
        int i = 0;
        int n = s.length();
        while (i < n) {
            char ch = s.charAt(i);
            long atom = -1;
            switch (ch) {
                case '\\' -> {
                    if (i + 1 < n && s.charAt(i + 1) == 'Q') {
                        int end = s.indexOf("\\E", i + 2);
                        end = end < 0 ? n : end;
                        add(f, end - (i + 2), cap);
                        f[2] = 1;
                        i = end < n ? end + 2 : n;
                        continue;
                    }
                    int j = i + 2;
                    if (j <= n && j < n && s.charAt(j) == '{' && i + 1 < n) {
                        char e = s.charAt(i + 1);
                        if (e == 'p' || e == 'P' || e == 'x') {
                            int close = s.indexOf('}', j);
                            j = close < 0 ? n : close + 1;
                        }
                    }
                    i = Math.min(j, n);
                    atom = 1;
                }
                case '[' -> {
                    int j = i + 1;
                    if (j < n && s.charAt(j) == '^') {
                        j++;
                    }
                    if (j < n && s.charAt(j) == ']') {
                        j++;
                    }
                    while (j < n && s.charAt(j) != ']') {
                        if (s.charAt(j) == '\\') {
                            j++;
                        } else if (s.startsWith("[:", j)) {
                            int close = s.indexOf(":]", j + 2);
                            if (close > 0) {
                                j = close + 1;
                            }
                        }
                        j++;
                    }
                    i = Math.min(j + 1, n);
                    atom = 1;
                }
                case '(' -> {
                    int j = i + 1;
                    if (j < n && s.charAt(j) == '?') {
                        // (?flags) sets flags: no group; (?flags:, (?P<name>, (?<name> open one
                        int k = j + 1;
                        while (k < n
                                && s.charAt(k) != ')'
                                && s.charAt(k) != ':'
                                && s.charAt(k) != '>') {
                            k++;
                        }
                        if (k < n && s.charAt(k) == ')') {
                            i = k + 1;
                            continue;
                        }
                        j = Math.min(k + 1, n);
                    }
                    frames.push(f);
                    f = new long[] {0, 0, 0};
                    i = j;
                    continue;
                }
                case ')' -> {
                    long group = sat(f[0] + f[1] + 1, cap);
                    f = frames.isEmpty() ? new long[] {0, 0, 0} : frames.pop();
                    i++;
                    atom = group;
                }
                case '|' -> {
                    f[0] = sat(f[0] + f[1], cap);
                    f[1] = 0;
                    f[2] = 0;
                    i++;
                    continue;
                }
                case '*', '+', '?' -> {
                    i++;
                    if (i < n && s.charAt(i) == '?') {
                        i++;
                    }
                    repeat(f, 2, cap);
                    continue;
                }
                case '{' -> {
                    int close = s.indexOf('}', i);
                    long count = close < 0 ? -1 : count(s.substring(i + 1, close));
                    if (count < 0) {
                        i++;
                        atom = 1; // a literal brace
                    } else {
                        i = close + 1;
                        if (i < n && s.charAt(i) == '?') {
                            i++;
                        }
                        repeat(f, count + 1, cap);
                        continue;
                    }
                }
                default -> {
                    i++;
                    atom = 1;
                }
            }
            add(f, atom, cap);
            f[2] = atom;
        }
        long total = sat(f[0] + f[1], cap);
        while (!frames.isEmpty()) { // unclosed groups: RE2J refuses them anyway
            long[] outer = frames.pop();
            total = sat(outer[0] + outer[1] + total + 1, cap);
        }
        return total;
    }

    /** The largest count of {@code n}, {@code n,} or {@code n,m}; -1 when it is no repetition. */
    private static long count(String body) {
        String[] parts = body.split(",", -1);
        if (parts.length > 2 || parts[0].isEmpty()) {
            return -1;
        }
        long max = 0;
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.length() > 9 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            max = Math.max(max, Long.parseLong(part));
        }
        return max;
    }

    private static void add(long[] f, long atom, long cap) {
        f[1] = sat(f[1] + atom, cap);
    }

    /** Replaces the last atom by {@code times} copies of it. */
    private static void repeat(long[] f, long times, long cap) {
        long last = Math.max(f[2], 1);
        long grown = last > cap / Math.max(times, 1) ? cap : last * times;
        f[1] = sat(f[1] - f[2] + grown, cap);
        f[2] = grown;
    }

    private static long sat(long v, long cap) {
        return v < 0 || v > cap ? cap : v;
    }

    /**
     * The answer as the match reads it: every read checks the deadline (RE2J's step per character
     * costs at most the program's size, so the check comes often), and past it throws {@link
     * Expired}.
     */
    static final class DeadlineCharSequence implements CharSequence {
        private final CharSequence text;
        private final long deadline;

        DeadlineCharSequence(CharSequence text, long deadlineNanos) {
            this.text = text;
            this.deadline = deadlineNanos;
        }

        @Override
        public char charAt(int index) {
            if (System.nanoTime() > deadline) {
                throw new Expired();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new DeadlineCharSequence(text.subSequence(start, end), deadline);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
