package io.gatehouse.edge.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Token signing keys in PostgreSQL, shared by every instance. */
@ApplicationScoped
public class SigningKeyStore {
  /** A stored key; {@code privateKeySealed} is sealed under the master key. */
  public record StoredKey(
      String kid, String algorithm, String publicJwk, String privateKeySealed, Instant createdAt,
      Instant retiredAt) {}

  @Resource(lookup = "jdbc/gatehouse")
  DataSource dataSource;

  public List<StoredKey> all() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT kid, algorithm, public_jwk, private_key_sealed, created_at, retired_at"
                    + " FROM edge_signing_keys ORDER BY created_at");
        ResultSet rs = ps.executeQuery()) {
      List<StoredKey> out = new ArrayList<>();
      while (rs.next()) {
        Timestamp retired = rs.getTimestamp(6);
        out.add(
            new StoredKey(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5).toInstant(), retired == null ? null : retired.toInstant()));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read signing keys", e);
    }
  }

  /**
   * Creates a key unless an active one exists, under an advisory lock so that instances starting
   * together agree on one key. With {@code rotate} the active keys are retired first.
   */
  public void ensureActive(Supplier<StoredKey> generator, boolean rotate) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(7002, 1)")) {
          lock.execute();
        }
        if (rotate) {
          try (PreparedStatement retire =
              c.prepareStatement(
                  "UPDATE edge_signing_keys SET retired_at = now() WHERE retired_at IS NULL")) {
            retire.executeUpdate();
          }
        }
        boolean active;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM edge_signing_keys WHERE retired_at IS NULL");
            ResultSet rs = ps.executeQuery()) {
          active = rs.next();
        }
        if (!active) {
          StoredKey k = generator.get();
          try (PreparedStatement ins =
              c.prepareStatement(
                  "INSERT INTO edge_signing_keys (kid, algorithm, public_jwk, private_key_sealed)"
                      + " VALUES (?,?,?,?)")) {
            ins.setString(1, k.kid());
            ins.setString(2, k.algorithm());
            ins.setString(3, k.publicJwk());
            ins.setString(4, k.privateKeySealed());
            ins.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create a signing key", e);
    }
  }
}
