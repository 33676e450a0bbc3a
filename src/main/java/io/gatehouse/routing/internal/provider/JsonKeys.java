package io.gatehouse.routing.internal.provider;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/** Repeated keys in a JSON text the parser already accepted (see {@link ClientBytes}). */
final class JsonKeys {
    private static final Set<String> ARRAY = Set.of();

    private JsonKeys() {}

    /** True when some object of the (well-formed) text has a key twice, escapes resolved. */
    static boolean repeatsAKey(String text) {
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
        return false;
    }
}
