package io.gatehouse.shared;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Limits every JSON request body meets before it is parsed or stored: nesting at most {@link
 * #MAX_DEPTH} levels (deeper input is refused with 400 {@code json_too_deep} instead of exhausting
 * a parser's or a walker's stack), and no string or member name holding U+0000 or an unpaired
 * UTF-16 surrogate (400 {@code unsupported_character} naming the field: PostgreSQL cannot store
 * them, see {@link StorableText}).
 *
 * <p>Cheap on the hot path: {@link #scan} is one pass over the text that also notes whether it
 * holds a <code>&#92;u0000</code> or surrogate escape or a raw unpaired surrogate; only then does
 * {@link #requireStorable} walk the parsed value. Bodies are checked once: by the method itself
 * where its refusal must be audited ({@code /v1}), by {@code JsonBodyCheck} for every other
 * resource method.
 */
public final class JsonInput {
    /** Deepest nesting of arrays and objects accepted in a request body. */
    public static final int MAX_DEPTH = 128;

    private static final JsonProvider JSON = JsonProvider.provider();

    private JsonInput() {}

    /** Text after a complete JSON value (other than whitespace): the whole text is not JSON. */
    public static final class TrailingText extends JsonException {
        TrailingText(String message) {
            super(message);
        }
    }

    /**
     * The one JSON value of {@code text}, which must hold nothing else but whitespace. A plain
     * {@code JsonReader.readObject()} (Parsson) returns after the first value and never looks at
     * the rest, so {@code {..}{..}} or {@code {..}]} would "parse": whatever came after would be
     * checked by no one and still be forwarded or stored as sent. Also how modules read back the
     * JSON they stored themselves (one reader, not one per module).
     *
     * @throws TrailingText when anything follows the first value
     * @throws JsonException when the first value itself is not JSON (or the text is empty)
     */
    public static JsonValue readWhole(String text) {
        try (JsonParser p = JSON.createParser(new StringReader(text))) {
            p.next();
            JsonValue v = p.getValue();
            boolean more;
            try {
                more = p.hasNext();
            } catch (JsonException e) {
                throw new TrailingText("text after the JSON value: " + e.getMessage());
            }
            if (more) {
                throw new TrailingText("text after the JSON value");
            }
            return v;
        } catch (NoSuchElementException | IllegalStateException e) {
            throw new JsonException("not a JSON value", e);
        }
    }

    /** As {@link #readWhole}, and the value must be an object. */
    public static JsonObject readObject(String text) {
        if (readWhole(text) instanceof JsonObject o) {
            return o;
        }
        throw new JsonException("not a JSON object");
    }

    /** As {@link #readWhole}, and the value must be an array. */
    public static JsonArray readArray(String text) {
        if (readWhole(text) instanceof JsonArray a) {
            return a;
        }
        throw new JsonException("not a JSON array");
    }

    /**
     * One pass over a JSON text: 400 {@code json_too_deep} when it nests deeper than {@link
     * #MAX_DEPTH}; answers whether it may hold unstorable characters (then check the parsed value
     * with {@link #requireStorable}). Malformed JSON passes; the parser refuses it.
     */
    public static boolean scan(String s) {
        if (s == null) {
            return false;
        }
        int n = s.length();
        int depth = 0;
        StringLexer strings = new StringLexer();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                i = strings.read(s, i);
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw tooDeep();
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return strings.suspect();
    }

    /**
     * Reads the strings of a JSON text for the one-pass checks that must refuse and hint exactly
     * alike ({@link #scan}, and routing's {@code BodyScan}, which also tracks the structure): where
     * a string ends, whether it held an escape, and whether any string read so far may hold U+0000
     * or an unpaired UTF-16 surrogate (escaped or raw). Malformed escapes are passed over: the
     * parser refuses them.
     */
    public static final class StringLexer {
        private boolean suspect;
        private boolean escaped;

        /**
         * Reads the string whose opening quote is at {@code open}: the index of its closing quote,
         * or the text's length when no quote closes it.
         */
        public int read(String s, int open) {
            int n = s.length();
            escaped = false;
            int i = open + 1;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    escaped = true;
                    if (i + 5 < n && s.charAt(i + 1) == 'u') {
                        int u = hex4(s, i + 2);
                        if (u == 0 || (u >= 0xDC00 && u <= 0xDFFF)) {
                            suspect = true;
                        } else if (u >= 0xD800 && u <= 0xDBFF) {
                            // a high surrogate escape must be followed by a low one
                            if (i + 11 < n
                                    && s.charAt(i + 6) == '\\'
                                    && s.charAt(i + 7) == 'u'
                                    && hex4(s, i + 8) >= 0xDC00
                                    && hex4(s, i + 8) <= 0xDFFF) {
                                i += 6;
                            } else {
                                suspect = true;
                            }
                        }
                        i += 5;
                    } else {
                        i++;
                    }
                } else if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                    if (Character.isHighSurrogate(c)
                            && i + 1 < n
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        i++;
                    } else {
                        suspect = true;
                    }
                }
            }
            return i;
        }

        /** Whether the string last read held a backslash (an escape). */
        public boolean escaped() {
            return escaped;
        }

        /** Whether any string read so far may hold an unstorable character. */
        public boolean suspect() {
            return suspect;
        }
    }

    /** The 400 for input nested deeper than {@link #MAX_DEPTH}. */
    public static ValidationException tooDeep() {
        return new ValidationException(
                "json_too_deep",
                null,
                "The request body nests JSON deeper than " + MAX_DEPTH + " levels");
    }

    /**
     * 400 {@code unsupported_character} naming the first field (e.g. {@code messages[0].content})
     * whose value or member name holds U+0000 or an unpaired surrogate.
     */
    public static void requireStorable(JsonValue value) {
        Deque<String> path = new ArrayDeque<>();
        if (findUnstorable(value, path)) {
            String param = path.isEmpty() ? null : String.join("", path);
            if (param != null && param.startsWith(".")) {
                param = param.substring(1);
            }
            throw new ValidationException(
                    "unsupported_character",
                    param,
                    (param == null ? "The request body" : param)
                            + " contains U+0000 or an unpaired UTF-16 surrogate, which Gatehouse cannot store;"
                            + " remove or replace the character");
        }
    }

    /** Depth-first; on a find, {@code path} holds the segments from the root (".name", "[3]"). */
    private static boolean findUnstorable(JsonValue v, Deque<String> path) {
        if (v instanceof JsonString s) {
            return !StorableText.isStorable(s.getString());
        }
        if (v instanceof JsonObject o) {
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                if (!StorableText.isStorable(e.getKey())) {
                    path.addFirst("." + StorableText.escape(e.getKey()));
                    return true;
                }
                if (findUnstorable(e.getValue(), path)) {
                    path.addFirst("." + e.getKey());
                    return true;
                }
            }
        } else if (v instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                if (findUnstorable(a.get(i), path)) {
                    path.addFirst("[" + i + "]");
                    return true;
                }
            }
        }
        return false;
    }

    private static int hex4(String s, int at) {
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
