package io.gatehouse.audit.chain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON Canonicalization Scheme, RFC 8785, exactly: object members sorted by their UTF-16 code
 * units, no white space, strings with the minimal escapes of ECMAScript's JSON.stringify, and
 * numbers as IEEE-754 doubles written the way ECMAScript's Number.prototype.toString writes them
 * (shortest round-tripping digits; {@code 1e+30}, {@code 0.002}, {@code 1e-7}). Strings must be
 * valid Unicode (an unpaired surrogate is refused, as the RFC requires). Hashed form v2 of the
 * audit chain is this, so that an auditor's own JCS library recomputes every hash.
 *
 * <p>{@link #writeStorable} is for writing data that will be hashed later: a number that a double
 * cannot hold exactly (an integer beyond 2^53, a decimal with more digits than a double keeps) is
 * written as a JSON string of its exact decimal value, so that nothing is lost and the hash covers
 * exactly what is stored.
 */
public final class Jcs {
    private Jcs() {}

    /** 2^53: integers up to this magnitude are exact doubles. */
    private static final long EXACT_LIMIT = 1L << 53;

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, value, false);
        return sb.toString();
    }

    /** Canonical text in which numbers a double cannot hold exactly are written as strings. */
    public static String writeStorable(Object value) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, value, true);
        return sb.toString();
    }

    static void write(StringBuilder sb, Object v, boolean storable) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof CanonicalJson.Raw raw) {
            sb.append(raw.json()); // already canonical (JCS) text, e.g. an event's details
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Number n) {
            number(sb, n, storable);
        } else if (v instanceof Map<?, ?> m) {
            object(sb, m, storable);
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, o, storable);
            }
            sb.append(']');
        } else if (v instanceof Enum<?> e) {
            string(sb, e.name().toLowerCase(java.util.Locale.ROOT));
        } else {
            string(sb, v.toString());
        }
    }

    private static void object(StringBuilder sb, Map<?, ?> m, boolean storable) {
        List<String> keys = new ArrayList<>(m.size());
        for (Object k : m.keySet()) {
            keys.add(String.valueOf(k));
        }
        keys.sort(null); // String.compareTo compares UTF-16 code units, as RFC 8785 3.2.3 requires
        sb.append('{');
        boolean first = true;
        for (String k : keys) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, k);
            sb.append(':');
            write(sb, m.get(k), storable);
        }
        sb.append('}');
    }

    private static void number(StringBuilder sb, Number n, boolean storable) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            long l = n.longValue();
            if (l >= -EXACT_LIMIT && l <= EXACT_LIMIT) {
                sb.append(l); // integers below 2^53 print the same in ECMAScript
            } else if (storable) {
                string(sb, Long.toString(l));
            } else {
                sb.append(number((double) l));
            }
            return;
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                if (storable) {
                    string(sb, Double.toString(d));
                    return;
                }
                throw new IllegalArgumentException("NaN and infinities have no JSON form");
            }
            sb.append(number(d));
            return;
        }
        BigDecimal exact = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
        double d = exact.doubleValue();
        boolean finite = !Double.isInfinite(d);
        if (storable && (!finite || new BigDecimal(number(d)).compareTo(exact) != 0)) {
            string(sb, exact.toPlainString());
            return;
        }
        if (!finite) {
            throw new IllegalArgumentException("Number " + exact + " is beyond a double's range");
        }
        sb.append(number(d));
    }

    /**
     * A double as ECMAScript's Number.prototype.toString writes it (ECMA-262 Number::toString, with
     * its note's choice of the closest shortest digits): the fewest significant digits that read
     * back as the same double, then plain notation for decimal exponents from -6 to 21, else
     * exponent notation ({@code 1e+21}, {@code 5e-324}).
     */
    public static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("NaN and infinities have no JSON form");
        }
        if (d == 0) {
            return "0"; // also -0
        }
        if (d < 0) {
            return "-" + number(-d);
        }
        if (d < EXACT_LIMIT && d == Math.rint(d)) {
            return Long.toString((long) d); // the common case: an integer
        }
        BigDecimal shortest = shortest(d);
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // d = 0.digits x 10^n
        StringBuilder sb = new StringBuilder(k + 8);
        if (k <= n && n <= 21) {
            sb.append(digits);
            for (int i = 0; i < n - k; i++) {
                sb.append('0');
            }
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.");
            for (int i = 0; i < -n; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else {
            int e = n - 1;
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return sb.toString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code d} (positive,
     * finite); of two such, the one closer to d's exact value, then the one with an even last
     * digit. Both roundings of the exact value to p digits are tried, because the closest p-digit
     * decimal can lie outside d's rounding interval while the other one lies inside (next to a
     * power of two, and where rounding up adds a digit: 9.99...e22 becomes 1e23).
     */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int p = 1; p <= 17; p++) {
            BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
            boolean downOk = down.doubleValue() == d;
            boolean upOk = up.doubleValue() == d;
            if (downOk && upOk) {
                int cmp = exact.subtract(down).compareTo(up.subtract(exact));
                if (cmp != 0) {
                    return (cmp < 0 ? down : up).stripTrailingZeros();
                }
                BigInteger lastDown = down.unscaledValue();
                return (lastDown.testBit(0) ? up : down).stripTrailingZeros();
            }
            if (downOk) {
                return down.stripTrailingZeros();
            }
            if (upOk) {
                return up.stripTrailingZeros();
            }
        }
        return exact.round(MathContext.DECIMAL64)
                .stripTrailingZeros(); // not reached: 17 digits suffice
    }

    /** A JSON string as RFC 8785 3.2.2.2 writes it; unpaired surrogates are refused. */
    public static void string(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        int plain = 0;
        while (plain < n) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                break;
            }
            plain++;
        }
        sb.append(s, 0, plain); // the common case: nothing to escape or check, one bulk copy
        for (int i = plain; i < n; i++) {
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
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < n
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException(
                                "Not valid Unicode: unpaired surrogate at index "
                                        + i
                                        + " (RFC 8785 3.2.2.2)");
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}
