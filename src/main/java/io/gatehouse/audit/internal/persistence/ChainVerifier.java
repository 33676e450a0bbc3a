package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.ChainVerification;
import io.gatehouse.audit.ChainVerification.BrokenEvent;
import io.gatehouse.audit.ChainVerification.Truncation;
import io.gatehouse.audit.chain.ChainHash;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Walks a chain in seq order with a streaming cursor (constant memory), recomputing each event's hash
 * from its row and checking its link, and walks the chain's signed checkpoints alongside: each must
 * carry a valid signature and name the hash the chain has at its seq. A checkpoint beyond the last
 * stored event means the tail was cut off.
 */
public final class ChainVerifier {
  private ChainVerifier() {}

  /** Needs a connection outside auto-commit (for the cursors). */
  public static ChainVerification verify(Connection c, String chain, Map<String, PublicKey> keys)
      throws SQLException {
    try (PreparedStatement events =
            c.prepareStatement(
                "SELECT " + AuditRows.COLUMNS + " FROM audit_events WHERE chain_id = ? ORDER BY seq");
        PreparedStatement checkpoints = CheckpointRows.streamRange(c, chain, 0, Long.MAX_VALUE)) {
      events.setFetchSize(AuditDatabase.FETCH_SIZE);
      events.setString(1, chain);
      try (ResultSet ev = events.executeQuery();
          ResultSet cp = checkpoints.executeQuery()) {
        CheckpointRows.StoredCheckpoint next = cp.next() ? CheckpointRows.read(cp) : null;
        long checked = 0;
        long cpChecked = 0;
        long expected = 1;
        String prev = ChainHash.GENESIS;
        CheckpointRows.StoredCheckpoint latestCp = null;
        // A checkpoint of an empty chain (head seq 0) names the genesis hash.
        while (next != null && next.headSeq() == 0) {
          BrokenEvent bad = checkCheckpoint(next, 0, ChainHash.GENESIS, null, keys);
          if (bad != null) {
            return broken(chain, checked, cpChecked, bad, 0, next);
          }
          cpChecked++;
          latestCp = next;
          next = cp.next() ? CheckpointRows.read(cp) : null;
        }
        while (ev.next()) {
          long seq = ev.getLong("seq");
          String id = ev.getObject("event_id").toString();
          if (seq != expected) {
            return broken(
                chain,
                checked,
                cpChecked,
                new BrokenEvent(
                    expected,
                    null,
                    "gap",
                    "event " + expected + " is missing; the next stored event is " + seq + " (" + id + ")"),
                expected - 1,
                latestCp);
          }
          checked++;
          Map<String, Object> hashed = AuditRows.hashedForm(ev);
          String stored = ev.getString("hash");
          if (!prev.equals(hashed.get("prevHash"))) {
            return broken(
                chain,
                checked,
                cpChecked,
                new BrokenEvent(
                    seq,
                    id,
                    "prev_link_mismatch",
                    "its prevHash is not the hash of event " + (seq - 1)
                        + " (that event's hash or this link was altered)"),
                seq,
                latestCp);
          }
          if (!ChainHash.hash(hashed).equals(stored)) {
            return broken(
                chain,
                checked,
                cpChecked,
                new BrokenEvent(
                    seq, id, "hash_mismatch", "its content does not hash to its stored hash"),
                seq,
                latestCp);
          }
          while (next != null && next.headSeq() <= seq) {
            BrokenEvent bad = checkCheckpoint(next, seq, stored, id, keys);
            if (bad != null) {
              return broken(chain, checked, cpChecked, bad, seq, next);
            }
            cpChecked++;
            latestCp = next;
            next = cp.next() ? CheckpointRows.read(cp) : null;
          }
          prev = stored;
          expected++;
        }
        long lastSeq = expected - 1;
        // Checkpoints left over name events that are no longer stored: the tail was cut off.
        CheckpointRows.StoredCheckpoint newest = latestCp;
        boolean truncated = false;
        while (next != null) {
          PublicKey key = keys.get(next.keyId());
          if (key != null && next.statement().verify(key, next.signature())) {
            truncated = true;
            newest = next;
            cpChecked++;
          } else {
            return broken(
                chain,
                checked,
                cpChecked,
                new BrokenEvent(
                    next.headSeq(),
                    null,
                    "bad_checkpoint_signature",
                    "checkpoint at seq " + next.headSeq() + " has no valid signature"),
                lastSeq,
                newest);
          }
          next = cp.next() ? CheckpointRows.read(cp) : null;
        }
        Truncation t = truncation(truncated, lastSeq, newest);
        BrokenEvent firstBroken =
            truncated
                ? new BrokenEvent(
                    lastSeq + 1,
                    null,
                    "truncated",
                    "the signed checkpoint at seq " + newest.headSeq() + " names events after the last"
                        + " stored one (" + lastSeq + ")")
                : null;
        return new ChainVerification(chain, !truncated, checked, cpChecked, firstBroken, t);
      }
    }
  }

  private static BrokenEvent checkCheckpoint(
      CheckpointRows.StoredCheckpoint cp,
      long seq,
      String hashAtSeq,
      String eventId,
      Map<String, PublicKey> keys) {
    PublicKey key = keys.get(cp.keyId());
    if (key == null || !cp.statement().verify(key, cp.signature())) {
      return new BrokenEvent(
          cp.headSeq(),
          null,
          "bad_checkpoint_signature",
          "checkpoint at seq " + cp.headSeq() + " has no valid signature (key " + cp.keyId() + ")");
    }
    if (cp.headSeq() != seq || !cp.headHash().equals(hashAtSeq) || cp.count() != cp.headSeq()) {
      return new BrokenEvent(
          cp.headSeq(),
          cp.headSeq() == seq ? eventId : null,
          "checkpoint_mismatch",
          "the checkpoint signed at " + cp.statement().time() + " names another hash for event "
              + cp.headSeq() + " (the chain up to it was rewritten)");
    }
    return null;
  }

  private static ChainVerification broken(
      String chain,
      long checked,
      long cpChecked,
      BrokenEvent b,
      long lastSeq,
      CheckpointRows.StoredCheckpoint latest) {
    return new ChainVerification(
        chain, false, checked, cpChecked, b, truncation(false, lastSeq, latest));
  }

  private static Truncation truncation(
      boolean detected, long lastSeq, CheckpointRows.StoredCheckpoint latest) {
    return new Truncation(
        detected,
        lastSeq,
        latest == null ? null : latest.headSeq(),
        latest == null ? null : latest.statement().time());
  }
}
