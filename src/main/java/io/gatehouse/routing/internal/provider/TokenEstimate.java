package io.gatehouse.routing.internal.provider;

/**
 * A rough token count (about four characters per token, plus a little per message) for admission
 * before a call and for providers that report no usage; such counts are flagged as estimated.
 */
public final class TokenEstimate {
    private TokenEstimate() {}

    public static long ofText(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return (text.codePointCount(0, text.length()) + 3) / 4;
    }

    /**
     * A count that leans high, for budgets: ASCII at four characters a token, every other code
     * point a token of its own (CJK, emoji and most accented text take one or more tokens each,
     * where four characters a token would undercount them several times).
     */
    public static long conservative(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        long ascii = 0;
        long other = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp < 0x80) {
                ascii++;
            } else {
                other++;
            }
            i += Character.charCount(cp);
        }
        return other + (ascii + 3) / 4;
    }

    public static long ofMessages(Iterable<String> texts) {
        long n = 3;
        for (String t : texts) {
            n += 4 + ofText(t);
        }
        return n;
    }
}
