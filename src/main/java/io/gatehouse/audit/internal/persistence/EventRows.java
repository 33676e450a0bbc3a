package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.audit.chain.ExportFormat;
import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Searching and exporting one chain. Every query names the chain: nothing crosses tenants. */
public final class EventRows {
    private EventRows() {}

    /** Search filters; null means "any". {@code beforeSeq} is the keyset cursor (newest first). */
    public record Filter(
            Instant from,
            Instant to,
            String action,
            String actor,
            String outcome,
            String targetType,
            String targetId,
            String requestId,
            Long beforeSeq,
            int limit) {}

    /**
     * An event as the API and the export show it: its hashed form plus its hash, and its
     * display-only data under {@code display} when it has any (outside the hash: verifiers ignore
     * it).
     */
    public static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> m = withDisplay(rs);
        m.put("hash", rs.getString("hash"));
        return m;
    }

    private static Map<String, Object> withDisplay(ResultSet rs) throws SQLException {
        Map<String, Object> m = EventRowMapper.hashedForm(rs);
        Object display = EventRowMapper.display(rs);
        if (display != null) {
            m.put("display", display);
        }
        return m;
    }

    /**
     * Newest first, at most {@code limit + 1} rows (the extra one tells whether a next page
     * exists).
     */
    public static List<Map<String, Object>> search(Connection c, String chain, Filter f)
            throws SQLException {
        Query q = searchQuery(chain, f);
        return list(c, q.sql(), q.args());
    }

    /** One event of the chain by its id, as {@link #view} shows it. */
    public static Optional<Map<String, Object>> byId(Connection c, String chain, java.util.UUID id)
            throws SQLException {
        List<Map<String, Object>> rows =
                list(
                        c,
                        "SELECT "
                                + EventRowMapper.COLUMNS
                                + " FROM audit_events WHERE event_id = ? AND chain_id = ?",
                        List.of(id, chain));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** A statement and its arguments, in order. */
    record Query(String sql, List<Object> args) {}

    /**
     * The search's statement; package-visible so that a test can check its plan (AuditIndexPlanIT).
     */
    static Query searchQuery(String chain, Filter f) {
        StringBuilder sql =
                new StringBuilder(
                        "SELECT "
                                + EventRowMapper.COLUMNS
                                + " FROM audit_events WHERE chain_id = ?");
        List<Object> args = new ArrayList<>();
        args.add(chain);
        if (f.from() != null) {
            sql.append(" AND occurred_at >= ?");
            args.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND occurred_at < ?");
            args.add(Timestamp.from(f.to()));
        }
        condition(sql, args, "action", f.action());
        if (f.action() != null
                && !f.action().isBlank()
                && !f.action().equals(LineageKeys.ACTION_GATEWAY_REQUEST)) {
            // implied by the equality, but spelled out so that even a generic plan of the prepared
            // statement can use the partial index of the non-gateway actions (V41)
            sql.append(" AND action <> '").append(LineageKeys.ACTION_GATEWAY_REQUEST).append('\'');
        }
        condition(sql, args, "actor", f.actor());
        condition(sql, args, "outcome", f.outcome());
        condition(sql, args, "target_type", f.targetType());
        condition(sql, args, "target_id", f.targetId());
        condition(sql, args, "request_id", f.requestId());
        if (f.beforeSeq() != null) {
            sql.append(" AND seq < ?");
            args.add(f.beforeSeq());
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(f.limit() + 1);
        return new Query(sql.toString(), args);
    }

    static List<Map<String, Object>> list(Connection c, String sql, List<Object> args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(view(rs));
                }
                return out;
            }
        }
    }

    private static void condition(
            StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    /**
     * The seq range a period covers: from the first event at/after {@code from} to the last before
     * {@code to}.
     */
    public record Range(long anchorSeq, long firstSeq, long lastSeq) {
        public boolean empty() {
            return lastSeq < firstSeq;
        }
    }

    /**
     * Events are stamped before they are sequenced, so time and seq agree up to the clock skew
     * between instances; an export covers the contiguous seq range between the period's first and
     * last event, because only a contiguous range can be verified link by link.
     */
    public static Range range(Connection c, String chain, Instant from, Instant to)
            throws SQLException {
        long first = 1;
        if (from != null) {
            Optional<Long> s =
                    one(
                            c,
                            "SELECT seq FROM audit_events WHERE chain_id = ? AND occurred_at >= ?"
                                    + " ORDER BY occurred_at, seq LIMIT 1",
                            chain,
                            Timestamp.from(from));
            if (s.isEmpty()) {
                long head = CheckpointRows.head(c, chain).map(CheckpointRows.Head::seq).orElse(0L);
                return new Range(head, head + 1, head);
            }
            first = s.get();
        }
        long last;
        if (to != null) {
            last =
                    one(
                                    c,
                                    "SELECT seq FROM audit_events WHERE chain_id = ? AND occurred_at < ?"
                                            + " ORDER BY occurred_at DESC, seq DESC LIMIT 1",
                                    chain,
                                    Timestamp.from(to))
                            .orElse(0L);
        } else {
            last = CheckpointRows.head(c, chain).map(CheckpointRows.Head::seq).orElse(0L);
        }
        if (last < first) {
            return new Range(first - 1, first, first - 1);
        }
        return new Range(first - 1, first, last);
    }

    private static Optional<Long> one(Connection c, String sql, String chain, Timestamp t)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, chain);
            ps.setTimestamp(2, t);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The hash of event {@code seq} (the genesis hash for 0). */
    public static String hashAt(Connection c, String chain, long seq) throws SQLException {
        if (seq == 0) {
            return ChainHash.GENESIS;
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT hash FROM audit_events WHERE chain_id = ? AND seq = ?")) {
            ps.setString(1, chain);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Receives the rows of an export. */
    public interface ExportSink {
        void header(String chain, Range range, String anchorHash) throws IOException;

        void event(Map<String, Object> hashedForm, String hash) throws IOException;

        void checkpoint(CheckpointRows.StoredCheckpoint cp, boolean beyondPeriod)
                throws IOException;

        void trailer(long events, Long firstSeq, Long lastSeq, String lastHash) throws IOException;
    }

    /**
     * Streams a period of a chain into {@code sink} in constant memory: a cursor over the events
     * and one over the checkpoints, merged in seq order. Returns the number of events written.
     */
    public static long export(Connection c, String chain, Instant from, Instant to, ExportSink sink)
            throws SQLException, IOException {
        Range r = range(c, chain, from, to);
        String anchorHash = hashAt(c, chain, r.anchorSeq());
        sink.header(chain, r, anchorHash == null ? "" : anchorHash);
        long count = 0;
        String lastHash = null;
        try (PreparedStatement events =
                        c.prepareStatement(
                                "SELECT "
                                        + EventRowMapper.COLUMNS
                                        + " FROM audit_events WHERE chain_id = ?"
                                        + " AND seq BETWEEN ? AND ? ORDER BY seq");
                PreparedStatement cps =
                        CheckpointRows.streamRange(c, chain, r.anchorSeq(), r.lastSeq())) {
            events.setFetchSize(AuditConnections.FETCH_SIZE);
            events.setString(1, chain);
            events.setLong(2, r.firstSeq());
            events.setLong(3, r.lastSeq());
            try (ResultSet cp = cps.executeQuery()) {
                CheckpointRows.StoredCheckpoint next = cp.next() ? CheckpointRows.read(cp) : null;
                while (next != null && next.headSeq() <= r.anchorSeq()) {
                    sink.checkpoint(next, false);
                    next = cp.next() ? CheckpointRows.read(cp) : null;
                }
                if (!r.empty()) {
                    try (ResultSet ev = events.executeQuery()) {
                        while (ev.next()) {
                            long seq = ev.getLong("seq");
                            lastHash = ev.getString("hash");
                            sink.event(withDisplay(ev), lastHash);
                            count++;
                            while (next != null && next.headSeq() <= seq) {
                                sink.checkpoint(next, false);
                                next = cp.next() ? CheckpointRows.read(cp) : null;
                            }
                        }
                    }
                }
            }
        }
        Optional<CheckpointRows.StoredCheckpoint> after =
                CheckpointRows.firstAfter(c, chain, Math.max(r.lastSeq(), r.anchorSeq()));
        if (after.isPresent()) {
            sink.checkpoint(after.get(), true);
        }
        sink.trailer(
                count, r.empty() ? null : r.firstSeq(), r.empty() ? null : r.lastSeq(), lastHash);
        return count;
    }

    /** Export as JSON Lines (see {@link ExportFormat}). */
    public static ExportSink jsonLines(Writer w, String from, String to, String exportedAt) {
        return new ExportSink() {
            @Override
            public void header(String chain, Range range, String anchorHash) throws IOException {
                line(
                        ExportFormat.header(
                                chain, from, to, exportedAt, range.anchorSeq(), anchorHash));
            }

            @Override
            public void event(Map<String, Object> hashedForm, String hash) throws IOException {
                line(ExportFormat.event(hashedForm, hash));
            }

            @Override
            public void checkpoint(CheckpointRows.StoredCheckpoint cp, boolean beyond)
                    throws IOException {
                line(ExportFormat.checkpoint(cp.statement(), cp.signature(), beyond));
            }

            @Override
            public void trailer(long events, Long firstSeq, Long lastSeq, String lastHash)
                    throws IOException {
                line(ExportFormat.trailer(events, firstSeq, lastSeq, lastHash));
            }

            private void line(String s) throws IOException {
                w.write(s);
                w.write('\n');
            }
        };
    }
}
