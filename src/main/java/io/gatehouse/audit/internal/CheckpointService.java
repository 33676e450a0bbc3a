package io.gatehouse.audit.internal;

import io.gatehouse.audit.AuditUnavailableException;
import io.gatehouse.audit.ChainVerification;
import io.gatehouse.audit.chain.CheckpointStatement;
import io.gatehouse.audit.internal.persistence.AuditDatabase;
import io.gatehouse.audit.internal.persistence.ChainVerifier;
import io.gatehouse.audit.internal.persistence.CheckpointRows;
import io.gatehouse.audit.internal.persistence.CheckpointRows.StoredCheckpoint;
import io.gatehouse.audit.internal.persistence.SigningKeyRows;
import io.gatehouse.audit.internal.persistence.SigningKeyRows.StoredKey;
import io.gatehouse.shared.crypto.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Signs checkpoints of the chains with the server's checkpoint key, and manages that key: created on
 * first use, its private half sealed by {@link SecretBox} and stored in PostgreSQL so that every
 * instance signs with it; rotation adds a new key and retires the old one, whose public half is still
 * served to verify older checkpoints.
 */
@ApplicationScoped
public class CheckpointService {
  private static final Logger LOG = Logger.getLogger(CheckpointService.class.getName());

  @Inject AuditDatabase db;
  @Inject SecretBox secrets;

  private final Map<String, PrivateKey> privateKeys = new ConcurrentHashMap<>();

  /** Every signing key, oldest first (public halves only leave this class). */
  public List<StoredKey> keys() {
    try {
      return db.reading(SigningKeyRows::all);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** Public keys by key id, for verification. */
  public Map<String, PublicKey> publicKeys() {
    Map<String, PublicKey> out = new HashMap<>();
    for (StoredKey k : keys()) {
      out.put(k.keyId(), CheckpointStatement.publicKey(k.publicKey()));
    }
    return out;
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
                    chain, head.get().seq(), head.get().hash(), head.get().seq(), now, key.keyId(), "");
            String signature = unsigned.statement().sign(privateKey(key));
            StoredCheckpoint cp =
                new StoredCheckpoint(
                    chain, unsigned.headSeq(), unsigned.headHash(), unsigned.count(), now,
                    key.keyId(), signature);
            CheckpointRows.insert(c, cp);
            return Optional.of(cp);
          });
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** Verifies a chain against its events and checkpoints. */
  public ChainVerification verify(String chain) {
    Map<String, PublicKey> keys = publicKeys();
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
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            if (old.isPresent()) {
              SigningKeyRows.retire(c, old.get().keyId(), now);
            }
            StoredKey k = newKey(now);
            SigningKeyRows.insert(c, k);
            return k;
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
    StoredKey created = newKey(Instant.now().truncatedTo(ChronoUnit.MICROS));
    SigningKeyRows.insert(c, created);
    return created;
  }

  private StoredKey newKey(Instant now) {
    try {
      KeyPair pair = KeyPairGenerator.getInstance(CheckpointStatement.ALGORITHM).generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      String keyId = CheckpointStatement.keyIdOf(spki);
      String sealed = secrets.seal(pair.getPrivate().getEncoded(), sealContext(keyId));
      privateKeys.put(keyId, pair.getPrivate());
      return new StoredKey(
          keyId,
          CheckpointStatement.ALGORITHM,
          Base64.getEncoder().encodeToString(spki),
          sealed,
          now,
          null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot create an " + CheckpointStatement.ALGORITHM + " key", e);
    }
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
            throw new IllegalStateException("Stored checkpoint key " + id + " is unusable", e);
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
