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

    public static long ofMessages(Iterable<String> texts) {
        long n = 3;
        for (String t : texts) {
            n += 4 + ofText(t);
        }
        return n;
    }
}
