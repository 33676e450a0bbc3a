package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.chain.CheckpointStatement;
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

/** Rows of audit_checkpoints (append-only) and the chain heads they are made from. */
public final class CheckpointRows {
    /** A stored checkpoint. */
    public record StoredCheckpoint(
            String chain,
            long headSeq,
            String headHash,
            long count,
            Instant signedAt,
            String keyId,
            String signature) {
        public CheckpointStatement statement() {
            return new CheckpointStatement(
                    chain, headSeq, headHash, count, ChainAppender.formatTime(signedAt), keyId);
        }
    }

    /** The last event of a chain. */
    public record Head(String chain, long seq, String hash) {}

    static final String COLS =
            "chain_id, head_seq, head_hash, event_count, signed_at, key_id, signature";

    private CheckpointRows() {}

    /** Every chain that has events (a skip scan over the primary key, not a table scan). */
    public static List<String> chains(Connection c) throws SQLException {
        String sql =
                "WITH RECURSIVE t(chain_id) AS ("
                        + " (SELECT chain_id FROM audit_events ORDER BY chain_id LIMIT 1)"
                        + " UNION ALL SELECT (SELECT e.chain_id FROM audit_events e WHERE e.chain_id > t.chain_id"
                        + " ORDER BY e.chain_id LIMIT 1) FROM t WHERE t.chain_id IS NOT NULL)"
                        + " SELECT chain_id FROM t WHERE chain_id IS NOT NULL";
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    public static Optional<Head> head(Connection c, String chain) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT seq, hash FROM audit_events WHERE chain_id = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, chain);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Head(chain, rs.getLong(1), rs.getString(2)))
                        : Optional.empty();
            }
        }
    }

    public static Optional<StoredCheckpoint> latest(Connection c, String chain)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT "
                                + COLS
                                + " FROM audit_checkpoints WHERE chain_id = ?"
                                + " ORDER BY head_seq DESC LIMIT 1")) {
            ps.setString(1, chain);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Inserts unless a checkpoint for the same head exists (another instance was faster). */
    public static boolean insert(Connection c, StoredCheckpoint cp) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO audit_checkpoints ("
                                + COLS
                                + ") VALUES (?,?,?,?,?,?,?)"
                                + " ON CONFLICT (chain_id, head_seq) DO NOTHING")) {
            ps.setString(1, cp.chain());
            ps.setLong(2, cp.headSeq());
            ps.setString(3, cp.headHash());
            ps.setLong(4, cp.count());
            ps.setTimestamp(5, Timestamp.from(cp.signedAt()));
            ps.setString(6, cp.keyId());
            ps.setString(7, cp.signature());
            return ps.executeUpdate() == 1;
        }
    }

    /** A cursor over a chain's checkpoints with head seq in [fromSeq, toSeq], in seq order. */
    public static PreparedStatement streamRange(
            Connection c, String chain, long fromSeq, long toSeq) throws SQLException {
        PreparedStatement ps =
                c.prepareStatement(
                        "SELECT "
                                + COLS
                                + " FROM audit_checkpoints WHERE chain_id = ? AND head_seq BETWEEN ? AND ?"
                                + " ORDER BY head_seq");
        ps.setFetchSize(AuditConnections.FETCH_SIZE);
        ps.setString(1, chain);
        ps.setLong(2, fromSeq);
        ps.setLong(3, toSeq);
        return ps;
    }

    /** The first checkpoint after {@code seq}, if any. */
    public static Optional<StoredCheckpoint> firstAfter(Connection c, String chain, long seq)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT "
                                + COLS
                                + " FROM audit_checkpoints WHERE chain_id = ? AND head_seq > ?"
                                + " ORDER BY head_seq LIMIT 1")) {
            ps.setString(1, chain);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    public static StoredCheckpoint read(ResultSet rs) throws SQLException {
        return new StoredCheckpoint(
                rs.getString("chain_id"),
                rs.getLong("head_seq"),
                rs.getString("head_hash"),
                rs.getLong("event_count"),
                rs.getObject("signed_at", OffsetDateTime.class).toInstant(),
                rs.getString("key_id"),
                rs.getString("signature"));
    }
}
