package io.gatehouse.audit.internal;

import io.gatehouse.audit.chain.CheckpointStatement;
import io.gatehouse.audit.chain.KeyTrust;
import io.gatehouse.audit.internal.persistence.AuditConnections;
import io.gatehouse.audit.internal.persistence.AuditUnavailableException;
import io.gatehouse.audit.internal.persistence.ChainVerification;
import io.gatehouse.audit.internal.persistence.ChainVerifier;
import io.gatehouse.audit.internal.persistence.CheckpointRows;
import io.gatehouse.audit.internal.persistence.CheckpointRows.StoredCheckpoint;
import io.gatehouse.audit.internal.persistence.SigningKeyRows;
import io.gatehouse.audit.internal.persistence.SigningKeyRows.StoredKey;
import io.gatehouse.shared.crypto.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signs checkpoints of the chains with the server's checkpoint key, and manages that key: created
 * on first use, its private half sealed by {@link SecretBox} and stored in PostgreSQL so that every
 * instance signs with it; rotation adds a new key, introduced by the old one's signature, and
 * retires the old one, whose public half is still served to verify older checkpoints.
 *
 * <p>Verification trusts only pinned keys ({@link KeyTrust}): the fingerprints in {@code
 * gatehouse.audit.keys.pinned}, or, when none are configured, the keys whose sealed private half
 * this server opens with its master key; and the keys those introduced. A key row someone added to
 * the database is neither.
 */
@ApplicationScoped
public class CheckpointService {
    private static final Logger LOG = Logger.getLogger(CheckpointService.class.getName());

    @Inject AuditConnections db;
    @Inject SecretBox secrets;

    @Inject
    @ConfigProperty(name = "gatehouse.audit.keys.pinned")
    Optional<String> pinnedFingerprints;

    private final Map<String, PrivateKey> privateKeys = new ConcurrentHashMap<>();
    private final Map<String, Boolean> sealedHere = new ConcurrentHashMap<>();

    /** Every signing key, oldest first (public halves only leave this class). */
    public List<StoredKey> keys() {
        try {
            return db.reading(SigningKeyRows::all);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The keys as verification sees them: which are pinned, and by what. */
    public KeyTrust trust() {
        return trust(keys());
    }

    KeyTrust trust(List<StoredKey> stored) {
        Set<String> pins = KeyTrust.parseFingerprints(pinnedFingerprints.orElse(""));
        List<KeyTrust.ListedKey> listed = new ArrayList<>();
        Set<String> anchored = new HashSet<>();
        for (StoredKey k : stored) {
            listed.add(
                    new KeyTrust.ListedKey(
                            k.keyId(), k.publicKey(), k.introducedBy(), k.introduction()));
            if (pins.isEmpty() && sealedByThisServer(k)) {
                anchored.add(k.keyId());
            }
        }
        return KeyTrust.resolve(listed, pins, anchored);
    }

    /**
     * Whether the key's private half opens with this server's master key and matches its public
     * half: only a holder of the master key can have made such a row.
     */
    boolean sealedByThisServer(StoredKey k) {
        return sealedHere.computeIfAbsent(
                k.keyId() + '\n' + k.publicKey() + '\n' + k.sealedPrivateKey(),
                row -> {
                    try {
                        byte[] probe =
                                ("gatehouse-audit-key-probe:" + k.keyId())
                                        .getBytes(StandardCharsets.UTF_8);
                        Signature sign = Signature.getInstance(CheckpointStatement.ALGORITHM);
                        sign.initSign(privateKey(k));
                        sign.update(probe);
                        byte[] sig = sign.sign();
                        Signature check = Signature.getInstance(CheckpointStatement.ALGORITHM);
                        check.initVerify(CheckpointStatement.publicKey(k.publicKey()));
                        check.update(probe);
                        return check.verify(sig);
                    } catch (GeneralSecurityException | RuntimeException e) {
                        return false;
                    }
                });
    }

    /** Checkpoints every chain whose head moved since its last checkpoint. */
    public int checkpointAll() {
        int made = 0;
        try {
            for (String chain : db.reading(CheckpointRows::chains)) {
                if (checkpoint(chain).isPresent()) {
                    made++;
                }
            }
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Audit checkpoint run failed", e);
        }
        return made;
    }

    /**
     * Signs the chain's current head unless its latest checkpoint already names it; returns the
     * chain's latest checkpoint (empty when the chain has no events).
     */
    public Optional<StoredCheckpoint> checkpoint(String chain) {
        try {
            return db.inTransaction(
                    c -> {
                        Optional<CheckpointRows.Head> head = CheckpointRows.head(c, chain);
                        if (head.isEmpty()) {
                            return Optional.empty();
                        }
                        Optional<StoredCheckpoint> latest = CheckpointRows.latest(c, chain);
                        if (latest.isPresent() && latest.get().headSeq() >= head.get().seq()) {
                            return latest;
                        }
                        StoredKey key = activeKey(c);
                        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                        StoredCheckpoint unsigned =
                                new StoredCheckpoint(
                                        chain,
                                        head.get().seq(),
                                        head.get().hash(),
                                        head.get().seq(),
                                        now,
                                        key.keyId(),
                                        "");
                        String signature = unsigned.statement().sign(privateKey(key));
                        StoredCheckpoint cp =
                                new StoredCheckpoint(
                                        chain,
                                        unsigned.headSeq(),
                                        unsigned.headHash(),
                                        unsigned.count(),
                                        now,
                                        key.keyId(),
                                        signature);
                        if (!CheckpointRows.insert(c, cp)) {
                            // another instance or thread signed this head first: answer what is
                            // stored, not a checkpoint that exists nowhere
                            return CheckpointRows.latest(c, chain);
                        }
                        return Optional.of(cp);
                    });
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Verifies a chain against its events and checkpoints. */
    public ChainVerification verify(String chain) {
        KeyTrust keys = trust();
        try {
            return db.reading(c -> ChainVerifier.verify(c, chain, keys));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Retires the signing key and creates a new one; returns the new key. */
    public StoredKey rotate() {
        try {
            return db.inTransaction(
                    c -> {
                        SigningKeyRows.lockKeys(c);
                        Optional<StoredKey> old = SigningKeyRows.active(c);
                        return newKey(c, old.orElse(null));
                    });
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private StoredKey activeKey(Connection c) throws SQLException {
        Optional<StoredKey> k = SigningKeyRows.active(c);
        if (k.isPresent()) {
            return k.get();
        }
        // First use: create the key once, whichever instance gets here first.
        SigningKeyRows.lockKeys(c);
        k = SigningKeyRows.active(c);
        if (k.isPresent()) {
            return k.get();
        }
        return newKey(c, null);
    }

    /**
     * Creates a key and stores it through audit_add_signing_key, replacing {@code old} (the active
     * key, or null), whose signature introduces the new key when this server can open its private
     * half.
     */
    private StoredKey newKey(Connection c, StoredKey old) throws SQLException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(CheckpointStatement.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "Cannot create an " + CheckpointStatement.ALGORITHM + " key", e);
        }
        byte[] spki = pair.getPublic().getEncoded();
        String keyId = CheckpointStatement.keyIdOf(spki);
        String publicKey = Base64.getEncoder().encodeToString(spki);
        String sealed = secrets.seal(pair.getPrivate().getEncoded(), sealContext(keyId));
        String introduction = null;
        if (old != null && sealedByThisServer(old)) {
            introduction = KeyTrust.introduce(privateKey(old), old.keyId(), keyId, publicKey);
        } else if (old != null) {
            LOG.warning(
                    "Checkpoint key "
                            + old.keyId()
                            + " cannot be opened with the master key: the new key "
                            + keyId
                            + " is not introduced by it; pin its fingerprint "
                            + KeyTrust.fingerprint(spki)
                            + " where verifiers need it");
        }
        StoredKey stored =
                SigningKeyRows.create(
                        c,
                        keyId,
                        CheckpointStatement.ALGORITHM,
                        publicKey,
                        sealed,
                        old == null ? null : old.keyId(),
                        introduction);
        privateKeys.put(keyId, pair.getPrivate());
        LOG.info(
                "Audit checkpoint key "
                        + keyId
                        + " created, fingerprint "
                        + KeyTrust.fingerprint(spki));
        return stored;
    }

    private PrivateKey privateKey(StoredKey k) {
        return privateKeys.computeIfAbsent(
                k.keyId(),
                id -> {
                    byte[] pkcs8 = secrets.open(k.sealedPrivateKey(), sealContext(id));
                    try {
                        return KeyFactory.getInstance(CheckpointStatement.ALGORITHM)
                                .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(
                                "Stored checkpoint key " + id + " is unusable", e);
                    } finally {
                        java.util.Arrays.fill(pkcs8, (byte) 0);
                    }
                });
    }

    static String sealContext(String keyId) {
        return "audit-checkpoint-key:" + keyId;
    }

    static AuditUnavailableException unavailable(SQLException e) {
        LOG.log(Level.WARNING, "Audit database access failed", e);
        return new AuditUnavailableException("The audit trail is unavailable");
    }
}
