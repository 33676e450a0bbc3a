package io.gatehouse.prompts.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which of a label's two versions serves a request: deterministic per request id, uniform across
 * ids. The id is the server's own (a client's {@code X-Request-Id} never is one, so a client cannot
 * pick its bucket and every request is drawn anew). It is hashed with the prompt and label so that
 * different prompts split independently.
 */
public final class CanarySplit {
    private CanarySplit() {}

    /** True when the request goes to the canary, for {@code percent} (0..100) of requests. */
    public static boolean canary(String prompt, String label, String requestId, int percent) {
        if (percent <= 0) {
            return false;
        }
        if (percent >= 100) {
            return true;
        }
        return bucket(prompt + "@" + label + "#" + requestId) < percent * 100;
    }

    /** 0..9999 from the first eight bytes of SHA-256. */
    static int bucket(String key) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(key.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xff);
            }
            return (int) Math.floorMod(v, 10_000L);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
