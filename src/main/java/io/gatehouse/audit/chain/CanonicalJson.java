package io.gatehouse.audit.chain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object members sorted by their UTF-16 code units,
 * no insignificant white space, minimal string escapes. Numbers are written as exact decimals
 * without exponent or trailing zeros (audit details carry integers; fractions are discouraged),
 * which is what JCS produces for every integer below 2^53.
 */
public final class CanonicalJson {
    private CanonicalJson() {}

    /**
     * A value that is already canonical JSON (e.g. an event's details, canonicalized once when the
     * event was queued), written as it is instead of being parsed and written again. Canonical JSON
     * read back and canonicalized again gives the same text, so the hash is the same either way.
     */
    public record Raw(String json) {}

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, value);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Raw raw) {
            sb.append(raw.json());
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Integer
                || v instanceof Long
                || v instanceof Short
                || v instanceof Byte) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof BigInteger bi) {
            sb.append(bi.toString());
        } else if (v instanceof Number n) {
            sb.append(number(n));
        } else if (v instanceof Map<?, ?> m) {
            List<String> keys = new ArrayList<>(m.size());
            for (Object k : m.keySet()) {
                keys.add(String.valueOf(k));
            }
            keys.sort(null); // String.compareTo compares UTF-16 code units, as RFC 8785 requires
            sb.append('{');
            boolean first = true;
            for (String k : keys) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, k);
                sb.append(':');
                write(sb, ((Map<Object, Object>) m).get(k));
            }
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else if (v instanceof Enum<?> e) {
            string(sb, e.name().toLowerCase(java.util.Locale.ROOT));
        } else {
            string(sb, v.toString());
        }
    }

    static String number(Number n) {
        if (n instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new IllegalArgumentException("NaN and infinities have no JSON form");
        }
        if (n instanceof Float f && (f.isNaN() || f.isInfinite())) {
            throw new IllegalArgumentException("NaN and infinities have no JSON form");
        }
        BigDecimal bd = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
        bd = bd.stripTrailingZeros();
        if (bd.signum() == 0) {
            return "0";
        }
        return bd.toPlainString();
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        int plain = 0;
        while (plain < s.length()) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            plain++;
        }
        sb.append(s, 0, plain); // the common case: nothing to escape, one bulk copy
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
