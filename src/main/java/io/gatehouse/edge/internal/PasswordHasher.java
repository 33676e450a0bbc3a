package io.gatehouse.edge.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format ({@code
 * $argon2id$v=19$m=..,t=..,p=..$salt$hash}), with OWASP's recommended minimum (19 MiB, 2
 * iterations, 1 lane). Parameters are read back from the stored string, so they can be raised later
 * without invalidating existing hashes.
 */
public final class PasswordHasher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    static final int MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int LANES = 1;

    /**
     * A valid hash of a random password, verified against when the user does not exist (same
     * timing).
     */
    private static final String DUMMY = new PasswordHasher().hash("dummy-" + RANDOM.nextLong());

    public String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] h = derive(password, salt, MEMORY_KIB, ITERATIONS, LANES, 32);
        return "$argon2id$v=19$m="
                + MEMORY_KIB
                + ",t="
                + ITERATIONS
                + ",p="
                + LANES
                + "$"
                + B64.encodeToString(salt)
                + "$"
                + B64.encodeToString(h);
    }

    public boolean verify(String password, String phc) {
        if (phc == null) {
            verify(password, DUMMY);
            return false;
        }
        String[] parts = phc.split("\\$");
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.length != 6 || !parts[1].equals("argon2id")) {
            return false;
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            String[] pair = kv.split("=");
            switch (pair[0]) {
                case "m" -> m = Integer.parseInt(pair[1]);
                case "t" -> t = Integer.parseInt(pair[1]);
                case "p" -> p = Integer.parseInt(pair[1]);
                default -> {
                    return false;
                }
            }
        }
        byte[] salt = B64D.decode(parts[4]);
        byte[] expected = B64D.decode(parts[5]);
        byte[] actual = derive(password, salt, m, t, p, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the time a real verification would, for unknown users. */
    public void burn(String password) {
        verify(password, DUMMY);
    }

    private static byte[] derive(String password, byte[] salt, int m, int t, int p, int len) {
        Argon2Parameters params =
                new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                        .withMemoryAsKB(m)
                        .withIterations(t)
                        .withParallelism(p)
                        .withSalt(salt)
                        .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[len];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
