package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.audit.chain.CheckpointKeyRun;
import io.gatehouse.audit.chain.KeyTrust;
import io.gatehouse.audit.internal.persistence.ChainVerification.BrokenEvent;
import io.gatehouse.audit.internal.persistence.ChainVerification.Truncation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Walks a chain in seq order with a streaming cursor (constant memory), recomputing each event's
 * hash from its row (by the hashed form version the row names) and checking its link, and walks the
 * chain's signed checkpoints alongside: each must carry a valid signature of a pinned key and name
 * the hash the chain has at its seq. A checkpoint beyond the last stored event means the tail was
 * cut off.
 */
public final class ChainVerifier {
    private ChainVerifier() {}

    /** What the walk has seen so far. */
    private static final class Walk {
        final String chain;
        final KeyTrust keys;
        final CheckpointKeyRun.Collector runs = new CheckpointKeyRun.Collector();
        long checked;
        long cpChecked;
        long v1;
        long v2;

        Walk(String chain, KeyTrust keys) {
            this.chain = chain;
            this.keys = keys;
        }

        ChainVerification result(boolean valid, BrokenEvent b, Truncation t) {
            return new ChainVerification(
                    chain, valid, checked, cpChecked, b, t, runs.runs(), v1, v2);
        }

        ChainVerification broken(
                BrokenEvent b, long lastSeq, CheckpointRows.StoredCheckpoint latest) {
            return result(false, b, truncation(false, lastSeq, latest));
        }
    }

    /** Needs a connection outside auto-commit (for the cursors). */
    public static ChainVerification verify(Connection c, String chain, KeyTrust keys)
            throws SQLException {
        Walk w = new Walk(chain, keys);
        try (PreparedStatement events =
                        c.prepareStatement(
                                "SELECT "
                                        + EventRowMapper.COLUMNS
                                        + " FROM audit_events WHERE chain_id = ? ORDER BY seq");
                PreparedStatement checkpoints =
                        CheckpointRows.streamRange(c, chain, 0, Long.MAX_VALUE)) {
            events.setFetchSize(AuditConnections.FETCH_SIZE);
            events.setString(1, chain);
            try (ResultSet ev = events.executeQuery();
                    ResultSet cp = checkpoints.executeQuery()) {
                CheckpointRows.StoredCheckpoint next = cp.next() ? CheckpointRows.read(cp) : null;
                long expected = 1;
                String prev = ChainHash.GENESIS;
                CheckpointRows.StoredCheckpoint latestCp = null;
                // A checkpoint of an empty chain (head seq 0) names the genesis hash.
                while (next != null && next.headSeq() == 0) {
                    BrokenEvent bad = checkCheckpoint(w, next, 0, ChainHash.GENESIS, null);
                    if (bad != null) {
                        return w.broken(bad, 0, next);
                    }
                    w.cpChecked++;
                    latestCp = next;
                    next = cp.next() ? CheckpointRows.read(cp) : null;
                }
                while (ev.next()) {
                    long seq = ev.getLong("seq");
                    String id = ev.getObject("event_id").toString();
                    if (seq != expected) {
                        return w.broken(
                                new BrokenEvent(
                                        expected,
                                        null,
                                        "gap",
                                        "event "
                                                + expected
                                                + " is missing; the next stored event is "
                                                + seq
                                                + " ("
                                                + id
                                                + ")"),
                                expected - 1,
                                latestCp);
                    }
                    w.checked++;
                    Map<String, Object> hashed = EventRowMapper.hashedForm(ev);
                    String stored = ev.getString("hash");
                    if (!prev.equals(hashed.get("prevHash"))) {
                        return w.broken(
                                new BrokenEvent(
                                        seq,
                                        id,
                                        "prev_link_mismatch",
                                        "its prevHash is not the hash of event "
                                                + (seq - 1)
                                                + " (that event's hash or this link was altered)"),
                                seq,
                                latestCp);
                    }
                    String computed;
                    try {
                        computed = ChainHash.hash(hashed);
                    } catch (IllegalArgumentException noCanonicalForm) {
                        computed =
                                null; // e.g. an unpaired surrogate written behind the server's back
                    }
                    if (!stored.equals(computed)) {
                        return w.broken(
                                new BrokenEvent(
                                        seq,
                                        id,
                                        "hash_mismatch",
                                        "its content does not hash to its stored hash"),
                                seq,
                                latestCp);
                    }
                    if (ChainHash.version(hashed) == 2) {
                        w.v2++;
                    } else {
                        w.v1++;
                    }
                    while (next != null && next.headSeq() <= seq) {
                        BrokenEvent bad = checkCheckpoint(w, next, seq, stored, id);
                        if (bad != null) {
                            return w.broken(bad, seq, next);
                        }
                        w.cpChecked++;
                        latestCp = next;
                        next = cp.next() ? CheckpointRows.read(cp) : null;
                    }
                    prev = stored;
                    expected++;
                }
                long lastSeq = expected - 1;
                // Checkpoints left over name events that are no longer stored: the tail was cut
                // off.
                CheckpointRows.StoredCheckpoint newest = latestCp;
                boolean truncated = false;
                while (next != null) {
                    BrokenEvent bad = checkSignature(w, next);
                    if (bad != null) {
                        return w.broken(bad, lastSeq, newest);
                    }
                    truncated = true;
                    newest = next;
                    w.cpChecked++;
                    next = cp.next() ? CheckpointRows.read(cp) : null;
                }
                Truncation t = truncation(truncated, lastSeq, newest);
                BrokenEvent firstBroken =
                        truncated
                                ? new BrokenEvent(
                                        lastSeq + 1,
                                        null,
                                        "truncated",
                                        "the signed checkpoint at seq "
                                                + newest.headSeq()
                                                + " names events after the last"
                                                + " stored one ("
                                                + lastSeq
                                                + ")")
                                : null;
                return w.result(!truncated, firstBroken, t);
            }
        }
    }

    /** A valid signature by a key that is pinned; null when both hold. */
    private static BrokenEvent checkSignature(Walk w, CheckpointRows.StoredCheckpoint cp) {
        KeyTrust.Status key = w.keys.status(cp.keyId());
        if (key == null
                || key.publicKey() == null
                || !cp.statement().verify(key.publicKey(), cp.signature())) {
            return new BrokenEvent(
                    cp.headSeq(),
                    null,
                    "bad_checkpoint_signature",
                    "checkpoint at seq "
                            + cp.headSeq()
                            + " has no valid signature (key "
                            + cp.keyId()
                            + ")");
        }
        w.runs.add(cp.headSeq(), cp.keyId(), key);
        if (!key.pinned()) {
            return new BrokenEvent(
                    cp.headSeq(),
                    null,
                    "unpinned_checkpoint_key",
                    "checkpoint at seq "
                            + cp.headSeq()
                            + " is signed by key "
                            + cp.keyId()
                            + " (fingerprint "
                            + key.fingerprint()
                            + "), which is not pinned: neither configured, nor this server's"
                            + " own (sealed under its master key), nor introduced by a pinned key");
        }
        return null;
    }

    private static BrokenEvent checkCheckpoint(
            Walk w,
            CheckpointRows.StoredCheckpoint cp,
            long seq,
            String hashAtSeq,
            String eventId) {
        BrokenEvent bad = checkSignature(w, cp);
        if (bad != null) {
            return bad;
        }
        if (cp.headSeq() != seq || !cp.headHash().equals(hashAtSeq) || cp.count() != cp.headSeq()) {
            return new BrokenEvent(
                    cp.headSeq(),
                    cp.headSeq() == seq ? eventId : null,
                    "checkpoint_mismatch",
                    "the checkpoint signed at "
                            + cp.statement().time()
                            + " names another hash for event "
                            + cp.headSeq()
                            + " (the chain up to it was rewritten)");
        }
        return null;
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
