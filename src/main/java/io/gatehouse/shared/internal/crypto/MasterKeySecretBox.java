package io.gatehouse.shared.internal.crypto;

import io.gatehouse.shared.crypto.SecretBox;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * AES-256-GCM under the master key. The key id is the first 8 hex digits of SHA-256 of the key, so
 * a sealed value names the master key it needs. Rotation: set the new key as {@code
 * GATEHOUSE_MASTER_KEY} and the old one in {@code GATEHOUSE_MASTER_KEY_PREVIOUS} (comma separated
 * for several); values are re-sealed as they are next written (see docs/security.md).
 */
@ApplicationScoped
public class MasterKeySecretBox implements SecretBox {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    @ConfigProperty(name = "gatehouse.master.key")
    Optional<String> masterKey;

    @Inject
    @ConfigProperty(name = "gatehouse.master.key.previous")
    Optional<String> previousKeys;

    private String currentId;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

    public MasterKeySecretBox() {}

    /** For tests and tools: a box over explicit base64 keys, the first current. */
    public MasterKeySecretBox(String current, String... previous) {
        this.masterKey = Optional.of(current);
        this.previousKeys = Optional.of(String.join(",", previous));
        init();
    }

    @PostConstruct
    void init() {
        String current =
                masterKey
                        .filter(s -> !s.isBlank())
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "GATEHOUSE_MASTER_KEY is not set: give it 32 random bytes, base64"));
        currentId = add(current);
        previousKeys.ifPresent(
                p -> {
                    for (String k : p.split(",")) {
                        if (!k.isBlank()) {
                            add(k.trim());
                        }
                    }
                });
    }

    private String add(String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Master key is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException(
                    "Master key must be 32 bytes (base64 of 32 random bytes)");
        }
        String id = keyId(raw);
        keys.putIfAbsent(id, new SecretKeySpec(raw, "AES"));
        return id;
    }

    static String keyId(byte[] raw) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(raw))
                    .substring(0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String seal(byte[] plaintext, String context) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(128, nonce));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext);
            ByteBuffer out = ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct);
            return "v1:" + currentId + ":" + Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Sealing failed", e);
        }
    }

    @Override
    public byte[] open(String sealed, String context) {
        String[] parts = sealed == null ? new String[0] : sealed.split(":", 3);
        if (parts.length != 3 || !parts[0].equals("v1")) {
            throw new IllegalArgumentException("Not a sealed value");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new IllegalStateException(
                    "Sealed under master key " + parts[1] + ", which is not configured");
        }
        try {
            byte[] all = Base64.getDecoder().decode(parts[2]);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(all, 12, all.length - 12);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Sealed value is corrupt or bound to another context");
        }
    }

    @Override
    public boolean needsReseal(String sealed) {
        String[] parts = sealed.split(":", 3);
        return parts.length != 3 || !parts[1].equals(currentId);
    }
}
