package io.gatehouse.shared;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text PostgreSQL cannot store as it is: U+0000 (refused in {@code text} and {@code jsonb}) and
 * unpaired UTF-16 surrogates (no UTF-8 form: the driver would silently store {@code ?}).
 *
 * <p>The escaping scheme (docs/audit.md, "Unstorable characters"): each such UTF-16 code unit is
 * written as the six ASCII characters of its JSON escape, lower-case hex (<code>&#92;u0000</code>,
 * <code>&#92;ud800</code>); every other character, including a well-formed surrogate pair, stays as
 * it is. Strings without such characters come back as the same instance after one scan (the fast
 * path).
 */
public final class StorableText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private StorableText() {}

    /** The index of the first U+0000 or unpaired surrogate, or -1 when the string can be stored. */
    public static int firstUnstorable(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return i;
            }
            if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < n
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++; // a well-formed pair
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    public static boolean isStorable(String s) {
        return s == null || firstUnstorable(s) < 0;
    }

    /** The string with its unstorable code units escaped; the same instance when there are none. */
    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        int first = firstUnstorable(s);
        if (first < 0) {
            return s;
        }
        int n = s.length();
        StringBuilder b = new StringBuilder(n + 16);
        b.append(s, 0, first);
        for (int i = first; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                unicodeEscape(b, c);
            } else if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < n
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    b.append(c).append(s.charAt(++i));
                } else {
                    unicodeEscape(b, c);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A value as the audit trail may hold it (strings, numbers, booleans, null, maps, lists):
     * strings and map keys escaped, maps and lists copied only where something changed; any other
     * object is kept unless its {@code toString()} (what canonical JSON writes for it) needs
     * escaping, in which case the escaped text replaces it.
     */
    public static Object sanitize(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof Enum<?>) {
            return v;
        }
        if (v instanceof String s) {
            return escape(s);
        }
        if (v instanceof Map<?, ?> m) {
            return sanitizeMap(m);
        }
        if (v instanceof Collection<?> c) {
            return sanitizeList(c);
        }
        String text = v.toString();
        String escaped = escape(text);
        return escaped == text ? v : escaped;
    }

    /**
     * The map itself when nothing in it changes (the usual case: only scanned, nothing allocated);
     * else an insertion-ordered copy with the escaped keys and values.
     */
    private static Object sanitizeMap(Map<?, ?> m) {
        Map<String, Object> copy = null;
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            String k = escape(key);
            Object v = sanitize(e.getValue());
            if (copy == null
                    && (k != key || v != e.getValue() || !(e.getKey() instanceof String))) {
                // the first change: the entries before it are unchanged, String keys
                copy = new LinkedHashMap<>();
                int j = 0;
                for (Map.Entry<?, ?> before : m.entrySet()) {
                    if (j++ == i) {
                        break;
                    }
                    copy.put((String) before.getKey(), before.getValue());
                }
            }
            if (copy != null) {
                copy.put(k, v);
            }
            i++;
        }
        return copy == null ? m : copy;
    }

    /** The collection itself when nothing in it changes; else a list of the escaped values. */
    private static Object sanitizeList(Collection<?> c) {
        List<Object> copy = null;
        int i = 0;
        for (Object o : c) {
            Object v = sanitize(o);
            if (copy == null && v != o) {
                copy = new ArrayList<>(c.size());
                int j = 0;
                for (Object before : c) {
                    if (j++ == i) {
                        break;
                    }
                    copy.add(before);
                }
            }
            if (copy != null) {
                copy.add(v);
            }
            i++;
        }
        return copy == null ? c : copy;
    }

    private static void unicodeEscape(StringBuilder b, char c) {
        b.append('\\')
                .append('u')
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
