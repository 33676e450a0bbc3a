package io.gatehouse.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signed checkpoint: "chain C had {@code count} events at {@code time}, the last one (seq {@code
 * headSeq}) hashing to {@code headHash}", signed by the server key {@code keyId}. The signed bytes
 * are the canonical JSON of exactly these fields (plus {@code "v":1}), so the offline verifier
 * rebuilds them from an export's checkpoint line. Ed25519 (JDK 15+).
 */
public record CheckpointStatement(
        String chain, long headSeq, String headHash, long count, String time, String keyId) {

    public static final String ALGORITHM = "Ed25519";

    /** The bytes that are signed. */
    public byte[] signingInput() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1L);
        m.put("chain", chain);
        m.put("headSeq", headSeq);
        m.put("headHash", headHash);
        m.put("count", count);
        m.put("time", time);
        m.put("keyId", keyId);
        return CanonicalJson.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the statement's fields from a checkpoint as exported (extra members ignored). */
    public static CheckpointStatement fromMap(Map<String, ?> m) {
        return new CheckpointStatement(
                (String) m.get("chain"),
                ((Number) m.get("headSeq")).longValue(),
                (String) m.get("headHash"),
                ((Number) m.get("count")).longValue(),
                (String) m.get("time"),
                (String) m.get("keyId"));
    }

    public String sign(PrivateKey key) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(signingInput());
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Checkpoint signing failed", e);
        }
    }

    /** Whether {@code signatureBase64} is this statement's signature under {@code key}. */
    public boolean verify(PublicKey key, String signatureBase64) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(signingInput());
            return s.verify(Base64.getDecoder().decode(signatureBase64));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A public key from its base64 X.509 SubjectPublicKeyInfo form (as served with the key list).
     */
    public static PublicKey publicKey(String base64Spki) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64Spki)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not an " + ALGORITHM + " public key", e);
        }
    }

    /**
     * A key id derived from the public key: "ed25519:" and the first 16 hex digits of its SHA-256.
     */
    public static String keyIdOf(byte[] spki) {
        String h = ChainHash.sha256Hex(Base64.getEncoder().encodeToString(spki));
        return "ed25519:" + h.substring(0, 16);
    }
}
