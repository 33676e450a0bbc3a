package io.gatehouse.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which checkpoint keys a verifier trusts. A key list (from the database, or the server's key list
 * file) only says which keys exist: anyone who can write to the database can add one. A key is
 * <b>pinned</b> when something outside that list vouches for it:
 *
 * <ul>
 *   <li>{@code configuration}: its fingerprint is among the verifier's pinned fingerprints;
 *   <li>{@code master-key} (server only): the server opened its sealed private half with its master
 *       key, which the database never holds, and it matches the public half;
 *   <li>{@code introduction}: a pinned key signed its introduction when it replaced that key
 *       ({@link #introductionInput}).
 * </ul>
 *
 * A checkpoint signed by a key that is not pinned proves nothing: both verifiers refuse it.
 */
public final class KeyTrust {
    public static final String BY_CONFIGURATION = "configuration";
    public static final String BY_MASTER_KEY = "master-key";
    public static final String BY_INTRODUCTION = "introduction";

    /**
     * A key as listed: id, base64 X.509 public key, and the key that introduced it (both or none).
     */
    public record ListedKey(
            String keyId, String publicKey, String introducedBy, String introduction) {}

    /**
     * What the verifier makes of a key. {@code publicKey} is null when the listed text is no
     * Ed25519 key; {@code pinnedBy} is null when it is not pinned.
     */
    public record Status(
            String keyId,
            PublicKey publicKey,
            String fingerprint,
            boolean pinned,
            String pinnedBy,
            String introducedBy) {}

    private final Map<String, Status> byId;

    private KeyTrust(Map<String, Status> byId) {
        this.byId = Map.copyOf(byId);
    }

    /** The status of a key id, or null when the key is not listed at all. */
    public Status status(String keyId) {
        return keyId == null ? null : byId.get(keyId);
    }

    public Collection<Status> all() {
        return byId.values();
    }

    /**
     * Keys the caller vouches for as they are (e.g. a test's own key): every one pinned by
     * configuration.
     */
    public static KeyTrust allPinned(Map<String, PublicKey> keys) {
        Map<String, Status> m = new HashMap<>();
        keys.forEach(
                (id, k) ->
                        m.put(
                                id,
                                new Status(
                                        id,
                                        k,
                                        fingerprint(k.getEncoded()),
                                        true,
                                        BY_CONFIGURATION,
                                        null)));
        return new KeyTrust(m);
    }

    /**
     * Resolves the listed keys against the pinned fingerprints and the key ids anchored otherwise
     * (the server's master key), then follows introductions from pinned keys until nothing changes.
     */
    public static KeyTrust resolve(
            Collection<ListedKey> listed,
            Set<String> pinnedFingerprints,
            Set<String> anchoredByMasterKey) {
        Set<String> pins = normalize(pinnedFingerprints);
        Map<String, Status> m = new LinkedHashMap<>();
        for (ListedKey k : listed) {
            PublicKey pub = null;
            String fp = null;
            try {
                pub = CheckpointStatement.publicKey(k.publicKey());
                fp = fingerprint(pub.getEncoded());
            } catch (IllegalArgumentException notAKey) {
                // listed but unusable: checkpoints naming it fail their signature check
            }
            String by = null;
            if (fp != null && pins.contains(fp)) {
                by = BY_CONFIGURATION;
            } else if (pub != null && anchoredByMasterKey.contains(k.keyId())) {
                by = BY_MASTER_KEY;
            }
            m.put(k.keyId(), new Status(k.keyId(), pub, fp, by != null, by, k.introducedBy()));
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (ListedKey k : listed) {
                Status s = m.get(k.keyId());
                if (s.pinned()
                        || s.publicKey() == null
                        || k.introducedBy() == null
                        || k.introduction() == null) {
                    continue;
                }
                Status introducer = m.get(k.introducedBy());
                if (introducer != null
                        && introducer.pinned()
                        && verifyIntroduction(
                                introducer.publicKey(),
                                k.keyId(),
                                k.publicKey(),
                                k.introducedBy(),
                                k.introduction())) {
                    m.put(
                            k.keyId(),
                            new Status(
                                    k.keyId(),
                                    s.publicKey(),
                                    s.fingerprint(),
                                    true,
                                    BY_INTRODUCTION,
                                    k.introducedBy()));
                    changed = true;
                }
            }
        }
        return new KeyTrust(m);
    }

    /**
     * A key's fingerprint: the lowercase hex SHA-256 of the standard base64 (padded, one line) of
     * its X.509 SubjectPublicKeyInfo. The key id is "ed25519:" and the first 16 digits of it.
     */
    public static String fingerprint(byte[] spki) {
        return ChainHash.sha256Hex(Base64.getEncoder().encodeToString(spki));
    }

    /**
     * The bytes an introduction signs: the RFC 8785 form of {@code
     * {"v":1,"statement":"gatehouse-audit-key-introduction","keyId","algorithm","publicKey","introducedBy"}}.
     */
    public static byte[] introductionInput(String keyId, String publicKey, String introducedBy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1L);
        m.put("statement", "gatehouse-audit-key-introduction");
        m.put("keyId", keyId);
        m.put("algorithm", CheckpointStatement.ALGORITHM);
        m.put("publicKey", publicKey);
        m.put("introducedBy", introducedBy);
        return Jcs.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** The introducing key's signature (base64) of a new key. */
    public static String introduce(
            PrivateKey introducer, String introducerId, String keyId, String publicKey) {
        try {
            Signature s = Signature.getInstance(CheckpointStatement.ALGORITHM);
            s.initSign(introducer);
            s.update(introductionInput(keyId, publicKey, introducerId));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing the key introduction failed", e);
        }
    }

    static boolean verifyIntroduction(
            PublicKey introducer,
            String keyId,
            String publicKey,
            String introducedBy,
            String signature) {
        try {
            Signature s = Signature.getInstance(CheckpointStatement.ALGORITHM);
            s.initVerify(introducer);
            s.update(introductionInput(keyId, publicKey, introducedBy));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Fingerprints as configured: hex, any case; separators and an optional "sha256:" prefix
     * ignored.
     */
    public static Set<String> parseFingerprints(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String part : text.split("[\\s,;]+")) {
                if (!part.isBlank()) {
                    out.add(part);
                }
            }
        }
        return normalize(out);
    }

    private static Set<String> normalize(Collection<String> fingerprints) {
        Set<String> out = new java.util.HashSet<>();
        for (String f : fingerprints) {
            String s = f.trim().toLowerCase(Locale.ROOT);
            if (s.startsWith("sha256:")) {
                s = s.substring(7);
            }
            if (!s.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(
                        "A pinned fingerprint is 64 hex digits (SHA-256), not \"" + f + "\"");
            }
            out.add(s);
        }
        return out;
    }
}
