package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link BodyScan} against the forwarded-bytes scan it replaced (the former {@code
 * ClientBytes.scanObject}, kept here verbatim as the reference), over generated bodies: nested
 * objects and arrays, repeated and escaped keys, odd whitespace, text after the object.
 */
public class BodyScanEquivalenceTest {
    private static final String[] NAMES = {
        "model",
        "messages",
        "role",
        "content",
        "a",
        "b",
        "mod\\u0065l",
        "\\u00e9",
        "é",
        "n",
        "x\\\"y"
    };

    @Test
    void theOnePassAnswersAsTheFormerScanOnTenThousandBodies() {
        Random r = new Random(16);
        for (int k = 0; k < 10_000; k++) {
            StringBuilder sb = new StringBuilder();
            ws(r, sb);
            object(r, sb, 0, true);
            ws(r, sb);
            switch (r.nextInt(12)) {
                case 0 -> sb.append("{\"model\":\"z\"}");
                case 1 -> sb.append("]");
                case 2 -> sb.append(" x");
                default -> {}
            }
            String body = sb.toString();
            ClientBytes expected = formerScan(body);
            ClientBytes actual = BodyScan.scan(body).bytes();
            assertThat(actual).as(body).isEqualTo(expected);
        }
    }

    private static void ws(Random r, StringBuilder sb) {
        sb.append(new String[] {"", "", " ", "\n", " \t\r\n"}[r.nextInt(5)]);
    }

    private static void object(Random r, StringBuilder sb, int depth, boolean top) {
        sb.append('{');
        ws(r, sb);
        int n = top ? 1 + r.nextInt(5) : r.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
                ws(r, sb);
            }
            String name =
                    top && i == 0 && r.nextInt(8) > 0 ? "model" : NAMES[r.nextInt(NAMES.length)];
            sb.append('"').append(name).append('"');
            ws(r, sb);
            sb.append(':');
            ws(r, sb);
            if (name.equals("messages")) {
                sb.append('[');
                int m = r.nextInt(3);
                for (int j = 0; j < m; j++) {
                    if (j > 0) {
                        sb.append(',');
                    }
                    object(r, sb, depth + 2, false);
                }
                sb.append(']');
            } else {
                value(r, sb, depth + 1);
            }
            ws(r, sb);
        }
        sb.append('}');
    }

    private static void value(Random r, StringBuilder sb, int depth) {
        switch (depth > 5 ? r.nextInt(4) : r.nextInt(7)) {
            case 0 -> sb.append("\"s{[\\\"\\\\\"");
            case 1 -> sb.append("null");
            case 2 -> sb.append("1.5e3");
            case 3 -> sb.append("\"\uD83D\uDE00\\u00e9\"");
            case 4, 5 -> object(r, sb, depth, false);
            default -> {
                sb.append('[');
                int m = r.nextInt(3);
                for (int j = 0; j < m; j++) {
                    if (j > 0) {
                        sb.append(',');
                    }
                    value(r, sb, depth + 1);
                }
                sb.append(']');
            }
        }
    }

    private static final Set<String> ARRAY = Set.of();

    /** The former ClientBytes.scan, verbatim but for the names of its helpers. */
    public static ClientBytes formerScan(String text) {
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
                        String key = ClientBytes.decode(text, i + 1, end - 1);
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
}
