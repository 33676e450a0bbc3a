package io.gatehouse.routing.internal.provider;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The client's request body as it came, with what forwarding it needs: where the top-level {@code
 * model} string is (so that only its value is swapped), the top-level field names, and the field
 * names used in any message. Made only from a body the JSON parser already accepted; {@link #scan}
 * answers null for a body that must never be forwarded: one with a repeated key in any object (the
 * gateway's parser keeps one value, a provider's might keep the other, so what the stages checked
 * would not be what the provider reads).
 *
 * @param modelStart index of the model value's opening quote
 * @param modelEnd index just past its closing quote
 */
public record ClientBytes(
        String text,
        int modelStart,
        int modelEnd,
        Set<String> fields,
        Set<String> messageFields,
        boolean nullField) {
    private static final Set<String> ARRAY = Set.of();

    /**
     * Scans a well-formed JSON object text; null when it must not be forwarded (see above), when
     * anything but whitespace follows the object, or when the text is not what the parser accepted
     * after all (an unterminated string, ...): such bytes are rendered, never forwarded.
     */
    public static ClientBytes scan(String text) {
        try {
            return scanObject(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ClientBytes scanObject(String text) {
        ArrayDeque<Set<String>> stack = new ArrayDeque<>();
        Set<String> top = null;
        Set<String> messageFields = new HashSet<>();
        boolean nullField = false;
        int modelStart = -1;
        int modelEnd = -1;
        // the index of the top-level messages array in the stack, while inside it
        int messagesDepth = -1;
        boolean expectKey = false;
        boolean nextIsMessages = false;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            switch (c) {
                case '{' -> {
                    Set<String> keys = new HashSet<>();
                    if (top == null) {
                        top = keys;
                    }
                    stack.push(keys);
                    expectKey = true;
                    i++;
                }
                case '[' -> {
                    stack.push(ARRAY);
                    if (nextIsMessages) {
                        messagesDepth = stack.size();
                    }
                    nextIsMessages = false;
                    expectKey = false;
                    i++;
                }
                case '}', ']' -> {
                    if (stack.size() == messagesDepth) {
                        messagesDepth = -1;
                    }
                    stack.pop();
                    expectKey = false;
                    i++;
                    if (stack.isEmpty()) {
                        // the top-level object closed: only whitespace may follow
                        if (!text.substring(i).isBlank()) {
                            return null;
                        }
                        i = n;
                    }
                }
                case ',' -> {
                    expectKey = stack.peek() != ARRAY;
                    i++;
                }
                case '"' -> {
                    int end = stringEnd(text, i);
                    if (expectKey) {
                        String key = decode(text, i + 1, end - 1);
                        if (!stack.peek().add(key)) {
                            return null;
                        }
                        expectKey = false;
                        if (stack.size() == 1) {
                            nextIsMessages = key.equals("messages");
                            int v = valueStart(text, end);
                            if (key.equals("model") && text.charAt(v) == '"') {
                                modelStart = v;
                                modelEnd = stringEnd(text, v);
                                i = modelEnd;
                                continue;
                            }
                            if (text.startsWith("null", v)) {
                                nullField = true;
                            }
                        } else if (messagesDepth > 0 && stack.size() == messagesDepth + 1) {
                            messageFields.add(key);
                        }
                    }
                    i = end;
                }
                default -> i++;
            }
        }
        if (top == null || modelStart < 0) {
            return null;
        }
        return new ClientBytes(
                text, modelStart, modelEnd, Set.copyOf(top), Set.copyOf(messageFields), nullField);
    }

    /** The index just past the string starting at {@code i} (its opening quote). */
    static int stringEnd(String s, int i) {
        int j = i + 1;
        while (true) {
            char c = s.charAt(j);
            if (c == '\\') {
                j += 2;
            } else if (c == '"') {
                return j + 1;
            } else {
                j++;
            }
        }
    }

    /** The first index of the value after a key ending at {@code i}: past blanks and the colon. */
    private static int valueStart(String s, int i) {
        int j = i;
        while (s.charAt(j) != ':') {
            j++;
        }
        j++;
        while (Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /** A key's text with its escapes resolved, as the parser saw it. */
    static String decode(String s, int from, int to) {
        if (s.indexOf('\\', from) < 0 || s.indexOf('\\', from) >= to) {
            return s.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from);
        for (int j = from; j < to; j++) {
            char c = s.charAt(j);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++j);
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(j + 1, j + 5), 16));
                    j += 4;
                }
                default -> sb.append(e); // " \ /
            }
        }
        return sb.toString();
    }

    /** The body with the model's value replaced and, if given, a field inserted first. */
    public String with(String modelJson, String firstField) {
        StringBuilder sb = new StringBuilder(text.length() + 64);
        int open = text.indexOf('{');
        sb.append(text, 0, open + 1);
        if (firstField != null) {
            sb.append(firstField).append(',');
        }
        sb.append(text, open + 1, modelStart);
        sb.append(modelJson);
        sb.append(text, modelEnd, text.length());
        return sb.toString();
    }
}
