package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.TokenSigningKeyRows;
import io.gatehouse.edge.internal.persistence.TokenSigningKeyRows.StoredKey;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;

/**
 * The lifecycle of the built-in issuer's signing keys: created at first start, rotated and revoked
 * by platform admins. A retired key verifies tokens only for the grace window after its retirement
 * (by default the longest token lifetime plus the allowed clock skew, so no token it signed is cut
 * short), then leaves verification and the JWKS; a revoked key is gone at once. Every change
 * commits with its audit event and a change-feed row, so every instance reloads its keys within a
 * second.
 */
@ApplicationScoped
public class SigningKeys {
    private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());
    public static final String TOPIC = "signing-key";

    /** Clock skew the token verifier allows beyond {@code exp}. */
    static final long CLOCK_SKEW_SECONDS = 30;

    /** A key as platform admins see it. */
    public record KeyInfo(
            String kid,
            String algorithm,
            String status,
            Instant createdAt,
            Instant retiredAt,
            Instant verifiesUntil,
            Instant revokedAt) {}

    @Inject TokenSigningKeyRows store;
    @Inject SecretBox secrets;
    @Inject AuditRecorder audit;
    @Inject ChangeFeed changes;

    @Inject
    @ConfigProperty(name = "gatehouse.auth.token.ttl.seconds", defaultValue = "900")
    long ttlSeconds;

    /** How long a retired key still verifies; default: the token lifetime plus the clock skew. */
    @Inject
    @ConfigProperty(name = "gatehouse.auth.signing.key.grace.seconds")
    Optional<Long> graceSeconds;

    private Duration grace;

    @PostConstruct
    void init() {
        long g = graceSeconds.orElse(ttlSeconds + CLOCK_SKEW_SECONDS);
        if (g < 0) {
            throw new IllegalStateException(
                    "gatehouse.auth.signing.key.grace.seconds must not be negative");
        }
        if (g < ttlSeconds + CLOCK_SKEW_SECONDS) {
            LOG.warning(
                    "Signing key grace of "
                            + g
                            + " s is shorter than the token lifetime: tokens signed just before"
                            + " a rotation stop working before they expire");
        }
        grace = Duration.ofSeconds(g);
    }

    public Duration grace() {
        return grace;
    }

    /** Whether a key may verify tokens at {@code now}. */
    public boolean verifies(StoredKey k, Instant now) {
        return k.revokedAt() == null
                && (k.retiredAt() == null || !now.isAfter(k.retiredAt().plus(grace)));
    }

    /**
     * Creates the first key unless an active one exists (at startup, by whichever instance is
     * first).
     */
    @Transactional
    public void ensureActive() {
        store.lock();
        if (store.active().isPresent()) {
            return;
        }
        StoredKey k = generate();
        store.insert(k);
        changes.publish(TOPIC, null, null);
        audit.recordInTransaction(
                AuditEvent.by(Caller.system("signing-keys", null), "signing_key.create")
                        .tenant(null)
                        .target("signing_key", k.kid())
                        .build());
    }

    /** A new active key; the old one is retired (verifies for the grace window, signs no more). */
    @Transactional
    public String rotate(Caller admin, String requestId) {
        store.lock();
        Optional<String> retired = store.retireActive();
        StoredKey k = generate();
        store.insert(k);
        changes.publish(TOPIC, null, null);
        audit.recordInTransaction(
                AuditEvent.by(admin, "signing_key.rotate")
                        .tenant(null)
                        .target("signing_key", k.kid())
                        .detail("retired", retired.orElse(null))
                        .detail("graceSeconds", grace.toSeconds())
                        .requestId(requestId)
                        .build());
        return k.kid();
    }

    /**
     * Emergency revocation (a key leaked): the key verifies nothing from now on, on every instance.
     * Revoking the active key puts a new one in its place, so logins keep working.
     */
    @Transactional
    public KeyInfo revoke(Caller admin, String kid, String reason, String requestId) {
        if (reason != null && reason.length() > 500) {
            throw new ValidationException("reason", "reason is at most 500 characters");
        }
        store.lock();
        StoredKey k =
                store.find(kid).orElseThrow(() -> new NotFoundException("Signing key not found"));
        if (k.revokedAt() != null) {
            throw new ConflictException("already_revoked", "The signing key is already revoked");
        }
        boolean wasActive = k.retiredAt() == null;
        store.revoke(kid);
        String successor = null;
        if (wasActive) {
            StoredKey next = generate();
            store.insert(next);
            successor = next.kid();
        }
        changes.publish(TOPIC, null, null);
        audit.recordInTransaction(
                AuditEvent.by(admin, "signing_key.revoke")
                        .tenant(null)
                        .target("signing_key", kid)
                        .detail("reason", reason)
                        .detail("wasActive", wasActive)
                        .detail("successor", successor)
                        .requestId(requestId)
                        .build());
        return info(store.find(kid).orElseThrow(), Instant.now());
    }

    @Transactional
    public List<KeyInfo> list() {
        Instant now = Instant.now();
        return store.all().stream().map(k -> info(k, now)).toList();
    }

    private KeyInfo info(StoredKey k, Instant now) {
        String status;
        if (k.revokedAt() != null) {
            status = "revoked";
        } else if (k.retiredAt() == null) {
            status = "active";
        } else {
            status = verifies(k, now) ? "retired" : "expired";
        }
        Instant until =
                k.retiredAt() == null || k.revokedAt() != null ? null : k.retiredAt().plus(grace);
        return new KeyInfo(
                k.kid(), k.algorithm(), status, k.createdAt(), k.retiredAt(), until, k.revokedAt());
    }

    private StoredKey generate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair kp = gen.generateKeyPair();
            String kid = "gh-" + UUID.randomUUID().toString().substring(0, 13);
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) kp.getPublic());
            jwk.setKeyId(kid);
            jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            jwk.setUse("sig");
            String sealed = secrets.seal(kp.getPrivate().getEncoded(), "edge-signing-key:" + kid);
            return new StoredKey(
                    kid,
                    "RS256",
                    jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY),
                    sealed,
                    Instant.now(),
                    null,
                    null);
        } catch (Exception e) {
            throw new IllegalStateException("Could not generate a signing key", e);
        }
    }
}
