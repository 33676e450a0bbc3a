package io.gatehouse.routing.internal.provider;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a provider's JSON text may go to the client as it came (see {@link ClientBytes}): not
 * when some object repeats a key, when anything but whitespace follows the first value (the client
 * might read what the output stages never saw), nor when the text is malformed.
 */
final class JsonKeys {
    private static final Set<String> ARRAY = Set.of();

    private JsonKeys() {}

    /** True when {@code text} may be passed on as it came (see above). */
    static boolean forwardable(String text) {
        try {
            return text != null && !repeatsAKeyOrRunsOn(text);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * True when some object of the text has a key twice (escapes resolved), or when anything but
     * whitespace follows its first value.
     */
    private static boolean repeatsAKeyOrRunsOn(String text) {
        ArrayDeque<Set<String>> stack = new ArrayDeque<>();
        boolean expectKey = false;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            switch (c) {
                case '{' -> {
                    stack.push(new HashSet<>());
                    expectKey = true;
                    i++;
                }
                case '[' -> {
                    stack.push(ARRAY);
                    expectKey = false;
                    i++;
                }
                case '}', ']' -> {
                    stack.pop();
                    expectKey = false;
                    i++;
                    if (stack.isEmpty()) {
                        return !text.substring(i).isBlank();
                    }
                }
                case ',' -> {
                    expectKey = stack.peek() != ARRAY;
                    i++;
                }
                case '"' -> {
                    int end = ClientBytes.stringEnd(text, i);
                    if (expectKey && !stack.peek().add(ClientBytes.decode(text, i + 1, end - 1))) {
                        return true;
                    }
                    expectKey = false;
                    i = end;
                }
                default -> i++;
            }
        }
        return !stack.isEmpty(); // unbalanced: not the text the parser accepted
    }
}
