package io.gatehouse.shared.crypto;

/**
 * Seals secrets that must be stored (token signing keys, provider credentials, checkpoint signing
 * keys) under the master key from configuration ({@code GATEHOUSE_MASTER_KEY}), which never enters
 * the database. Sealed text is self-describing ({@code v1:<key id>:<base64>}) so that keys can
 * rotate: {@link #open} accepts text sealed under the current or a retired master key, {@link
 * #seal} always uses the current one.
 */
public interface SecretBox {
    /**
     * Encrypts (AES-256-GCM, random nonce) and authenticates the plaintext; {@code context} is
     * bound as AAD.
     */
    String seal(byte[] plaintext, String context);

    /**
     * Decrypts text produced by {@link #seal} with the same context; throws if altered or
     * mis-bound.
     */
    byte[] open(String sealed, String context);

    /** Whether the text was sealed under a master key other than the current one (re-seal it). */
    boolean needsReseal(String sealed);
}
