package io.gatehouse.edge.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API key secrets: {@code gh_live_} and 40 base62 characters (238 bits). Stored as SHA-256 only: a
 * key with that much entropy needs no slow hash, and lookup by hash keeps verification to one map
 * probe on the hot path.
 */
public final class ApiKeySecrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    public static final int PREFIX_LENGTH = 12;

    private ApiKeySecrets() {}

    public static String generate() {
        StringBuilder sb = new StringBuilder("gh_live_");
        for (int i = 0; i < 40; i++) {
            sb.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return sb.toString();
    }

    public static String prefix(String key) {
        return key.substring(0, Math.min(PREFIX_LENGTH, key.length()));
    }

    public static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Cheap shape check before any lookup: rejects garbage without touching caches or the database.
     */
    public static boolean looksLikeKey(String key) {
        return key != null
                && key.startsWith("gh_")
                && key.length() >= 20
                && key.length() <= 200
                && key.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c) && c < 128);
    }
}
