package io.gatehouse.audit.internal.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rows of audit_signing_keys: the checkpoint signing keys, private halves sealed. */
public final class SigningKeyRows {
  /** One key; {@code retiredAt} null for the key that signs now. */
  public record StoredKey(
      String keyId,
      String algorithm,
      String publicKey,
      String sealedPrivateKey,
      Instant createdAt,
      Instant retiredAt) {}

  private static final String COLS =
      "key_id, algorithm, public_key, private_key_sealed, created_at, retired_at";

  private SigningKeyRows() {}

  public static List<StoredKey> all(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT " + COLS + " FROM audit_signing_keys ORDER BY created_at");
        ResultSet rs = ps.executeQuery()) {
      List<StoredKey> out = new ArrayList<>();
      while (rs.next()) {
        out.add(read(rs));
      }
      return out;
    }
  }

  public static Optional<StoredKey> active(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + COLS + " FROM audit_signing_keys WHERE retired_at IS NULL");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  /** Serializes key creation and rotation across instances (until the transaction ends). */
  public static void lockKeys(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(7002, 0)")) {
      ps.execute();
    }
  }

  public static void insert(Connection c, StoredKey k) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_signing_keys (key_id, algorithm, public_key, private_key_sealed,"
                + " created_at) VALUES (?,?,?,?,?)")) {
      ps.setString(1, k.keyId());
      ps.setString(2, k.algorithm());
      ps.setString(3, k.publicKey());
      ps.setString(4, k.sealedPrivateKey());
      ps.setTimestamp(5, Timestamp.from(k.createdAt()));
      ps.executeUpdate();
    }
  }

  public static void retire(Connection c, String keyId, Instant at) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE audit_signing_keys SET retired_at = ? WHERE key_id = ? AND retired_at IS NULL")) {
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setString(2, keyId);
      ps.executeUpdate();
    }
  }

  private static StoredKey read(ResultSet rs) throws SQLException {
    OffsetDateTime retired = rs.getObject("retired_at", OffsetDateTime.class);
    return new StoredKey(
        rs.getString("key_id"),
        rs.getString("algorithm"),
        rs.getString("public_key"),
        rs.getString("private_key_sealed"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        retired == null ? null : retired.toInstant());
  }
}
