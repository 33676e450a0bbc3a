package io.gatehouse.routing.internal.provider;

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
    /**
     * The client's bytes of a JSON object text, or null when they must not be forwarded (see
     * above), when anything but whitespace follows the object, or when the text is not what the
     * parser accepted after all (an unterminated string, ...): such bytes are rendered, never
     * forwarded. The request path gets them from {@link BodyScan}'s one pass instead.
     */
    public static ClientBytes scan(String text) {
        try {
            return BodyScan.scan(text).bytes();
        } catch (RuntimeException e) {
            return null;
        }
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
