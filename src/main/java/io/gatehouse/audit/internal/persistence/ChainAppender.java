package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.GatewayUsage;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.audit.chain.Jcs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Appends events to their chains on a given connection, inside the caller's transaction: per chain
 * it takes a transaction-scoped advisory lock, reads the head, and inserts the events with
 * consecutive sequence numbers and linked hashes. The lock keeps the chain linear across threads
 * and instances; chains are locked in a fixed order so that two batches never deadlock.
 *
 * <p>Long on purpose: reading the chain heads under the lock, the hashed form and the batched
 * insert are one protocol, kept in one file.
 */
final class ChainAppender {
    static final String PLATFORM_CHAIN = "platform";

    private static final String INSERT =
            "INSERT INTO audit_events (chain_id, seq, event_id, occurred_at, tenant_id, actor_kind, actor,"
                    + " action, target_type, target_id, outcome, request_id, details, content_hash, key_id,"
                    + " route, provider, model, region, status_code, input_tokens, output_tokens,"
                    + " tokens_estimated, cost_micros, latency_ms, provider_latency_ms, ttft_ms, cache_hit,"
                    + " streamed, prompt_version, policy_version, prev_hash, hash, hash_version, display)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb)";

    private static final String INSERT_CONTENT =
            "INSERT INTO audit_contents (chain_id, content_hash, form, body, stored_at)"
                    + " VALUES (?,?,?,?::jsonb,?) ON CONFLICT (chain_id, content_hash)"
                    + " DO UPDATE SET stored_at = EXCLUDED.stored_at";

    /**
     * An event ready to append: its time, canonical details and content hash are fixed before it is
     * queued. {@code storedForm}/{@code storedBody}: what goes to audit_contents (null: nothing).
     * {@code hashVersion}: the hashed form its hash uses (always the current one, v2, except where
     * a test writes v1 events as an instance from before v2 did); {@code detailsJson} is canonical
     * in that version. {@code displayJson}: display-only data stored beside the hashed form, or
     * null.
     */
    record Pending(
            AuditEvent event,
            UUID id,
            Instant time,
            String detailsJson,
            String contentHash,
            String storedForm,
            String storedBody,
            int hashVersion,
            String displayJson) {
        static Pending of(AuditEvent e) {
            return of(e, ContentRetention.NONE);
        }

        static Pending of(AuditEvent e, ContentRetention retention) {
            return of(e, retention, ChainHash.CURRENT_VERSION);
        }

        /**
         * Builds the event's stored and hashed parts on the caller's thread. Every string is valid
         * Unicode here (AuditEvent escapes unpaired surrogates and NUL when it is built), so each
         * event has an RFC 8785 form.
         */
        static Pending of(AuditEvent e, ContentRetention retention, int hashVersion) {
            String contentHash = null;
            String form = null;
            String body = null;
            if (e.content() != null && retention != ContentRetention.NONE) {
                String full = CanonicalJson.write(e.content());
                contentHash = ChainHash.sha256Hex(full);
                if (retention == ContentRetention.FULL) {
                    form = "full";
                    body = full;
                } else if (retention == ContentRetention.REDACTED && e.redactedContent() != null) {
                    form = "redacted";
                    // nothing redacted: the redacted form is the full one, written once
                    body =
                            e.redactedContent() == e.content()
                                    ? full
                                    : CanonicalJson.write(e.redactedContent());
                }
            }
            return new Pending(
                    e,
                    UUID.randomUUID(),
                    Instant.now().truncatedTo(ChronoUnit.MICROS),
                    // v2: numbers a double cannot hold exactly are kept as strings (stored =
                    // hashed)
                    hashVersion == 2
                            ? Jcs.writeStorable(e.details())
                            : CanonicalJson.write(e.details()),
                    contentHash,
                    form,
                    body,
                    hashVersion,
                    e.display().isEmpty() ? null : Jcs.writeStorable(e.display()));
        }

        String chainId() {
            return event.tenant() == null ? PLATFORM_CHAIN : event.tenant().toString();
        }
    }

    private ChainAppender() {}

    /** A chain's last event as this writer last saw it commit. */
    record Head(long seq, String hash) {}

    private static final String COLUMNS =
            "chain_id, seq, event_id, occurred_at, tenant_id, actor_kind, actor, action, target_type,"
                    + " target_id, outcome, request_id, details, content_hash, key_id, route, provider, model,"
                    + " region, status_code, input_tokens, output_tokens, tokens_estimated, cost_micros,"
                    + " latency_ms, provider_latency_ms, ttft_ms, cache_hit, streamed, prompt_version,"
                    + " policy_version, prev_hash, hash, hash_version, display";

    /** One row's values; the chain id of a chain's first row takes the chain's advisory lock. */
    private static final String ROW =
            "?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb";

    private static final String LOCKING_ROW =
            "(SELECT ?::text FROM pg_advisory_xact_lock(7001, hashtext(?)))," + ROW.substring(2);

    private static final String[] FAST_SQL = new String[1025];

    /**
     * The group commit's fast path: when the writer knows every chain's head (it committed the last
     * event of each itself), the whole batch is one multi-row INSERT in autocommit mode, i.e. one
     * round trip and one commit. The chain's advisory lock is taken inside the statement (the first
     * row of each chain), so writers that read the head under the lock still serialize with it; if
     * another writer appended meanwhile, the primary key (chain_id, seq) refuses the row and the
     * statement, atomically, changes nothing: the caller then takes the locked, head-reading path.
     * Batches with stored content (audit_contents) always take that path (two tables, one
     * transaction).
     *
     * @return the recorded events, or null when the fast path does not apply (unknown head,
     *     content, or a conflict with another writer); nothing was written then
     */
    static List<RecordedEvent> appendKnownHeads(
            Connection c, List<Pending> batch, Map<String, Head> heads) throws SQLException {
        if (batch.size() >= FAST_SQL.length) {
            return null;
        }
        Map<String, List<Pending>> byChain = new TreeMap<>();
        for (Pending p : batch) {
            if (p.storedBody() != null || !heads.containsKey(p.chainId())) {
                return null;
            }
            byChain.computeIfAbsent(p.chainId(), k -> new ArrayList<>()).add(p);
        }
        Map<Pending, RecordedEvent> results = new java.util.IdentityHashMap<>();
        Map<String, Head> newHeads = new java.util.HashMap<>();
        String sql = fastSql(batch.size(), byChain);
        try (PreparedStatement insert = c.prepareStatement(sql)) {
            int param = 1;
            for (var entry : byChain.entrySet()) {
                String chain = entry.getKey();
                Head head = heads.get(chain);
                long seq = head.seq();
                String prev = head.hash();
                boolean first = true;
                for (Pending p : entry.getValue()) {
                    seq++;
                    String hash = ChainHash.hash(hashedForm(p, chain, seq, prev));
                    if (first) {
                        insert.setString(param++, chain);
                        first = false;
                    }
                    param = bind(insert, param, p, chain, seq, prev, hash);
                    results.put(p, new RecordedEvent(p.id(), chain, seq, hash, p.time()));
                    prev = hash;
                }
                newHeads.put(chain, new Head(seq, prev));
            }
            insert.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return null; // another writer appended: the statement changed nothing
            }
            throw e;
        }
        heads.putAll(newHeads);
        List<RecordedEvent> out = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            out.add(results.get(p));
        }
        return out;
    }

    /**
     * Appends a batch durably on a connection in autocommit mode, as the group-commit writer does:
     * the one-statement path when {@code heads} knows every chain's head, else the locked path in a
     * transaction. {@code heads} holds the chain heads after the commit.
     */
    static List<RecordedEvent> appendDurably(
            Connection c, List<Pending> batch, Map<String, Head> heads) throws SQLException {
        List<RecordedEvent> fast = appendKnownHeads(c, batch, heads);
        if (fast != null) {
            return fast;
        }
        Map<String, Head> after = new java.util.HashMap<>();
        c.setAutoCommit(false);
        try {
            List<RecordedEvent> recorded = append(c, batch, after);
            c.commit();
            heads.putAll(after);
            return recorded;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; the caller discards it
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static String fastSql(int rows, Map<String, List<Pending>> byChain) {
        // Cached per row count when all rows belong to one chain (the common case); else built.
        boolean oneChain = byChain.size() == 1;
        if (oneChain && FAST_SQL[rows] != null) {
            return FAST_SQL[rows];
        }
        StringBuilder b = new StringBuilder(64 + rows * 80);
        b.append("INSERT INTO audit_events (").append(COLUMNS).append(") VALUES ");
        boolean firstRow = true;
        for (List<Pending> chainRows : byChain.values()) {
            for (int i = 0; i < chainRows.size(); i++) {
                if (!firstRow) {
                    b.append(',');
                }
                firstRow = false;
                b.append('(').append(i == 0 ? LOCKING_ROW : ROW).append(')');
            }
        }
        String sql = b.toString();
        if (oneChain) {
            FAST_SQL[rows] = sql;
        }
        return sql;
    }

    static List<RecordedEvent> append(Connection c, List<Pending> batch) throws SQLException {
        return append(c, batch, null);
    }

    /**
     * The locked path: per chain, lock, read the head, insert. {@code headsAfter} (nullable)
     * receives each chain's new head, valid once the caller's transaction commits.
     */
    static List<RecordedEvent> append(
            Connection c, List<Pending> batch, Map<String, Head> headsAfter) throws SQLException {
        Map<String, List<Pending>> byChain = new TreeMap<>();
        for (Pending p : batch) {
            byChain.computeIfAbsent(p.chainId(), k -> new ArrayList<>()).add(p);
        }
        Map<Pending, RecordedEvent> results = new java.util.IdentityHashMap<>();
        try (PreparedStatement lock =
                        c.prepareStatement("SELECT pg_advisory_xact_lock(7001, hashtext(?))");
                PreparedStatement head =
                        c.prepareStatement(
                                "SELECT seq, hash FROM audit_events WHERE chain_id = ? ORDER BY seq DESC LIMIT 1");
                PreparedStatement insert = c.prepareStatement(INSERT);
                PreparedStatement content = c.prepareStatement(INSERT_CONTENT)) {
            boolean anyContent = false;
            for (var entry : byChain.entrySet()) {
                String chain = entry.getKey();
                lock.setString(1, chain);
                lock.execute();
                long seq = 0;
                String prev = ChainHash.GENESIS;
                head.setString(1, chain);
                try (ResultSet rs = head.executeQuery()) {
                    if (rs.next()) {
                        seq = rs.getLong(1);
                        prev = rs.getString(2);
                    }
                }
                for (Pending p : entry.getValue()) {
                    seq++;
                    Map<String, Object> hashed = hashedForm(p, chain, seq, prev);
                    String hash = ChainHash.hash(hashed);
                    bind(insert, 1, p, chain, seq, prev, hash);
                    insert.addBatch();
                    if (p.storedBody() != null) {
                        content.setString(1, chain);
                        content.setString(2, p.contentHash());
                        content.setString(3, p.storedForm());
                        content.setString(4, p.storedBody());
                        content.setTimestamp(5, Timestamp.from(p.time()));
                        content.addBatch();
                        anyContent = true;
                    }
                    results.put(p, new RecordedEvent(p.id(), chain, seq, hash, p.time()));
                    prev = hash;
                }
                if (headsAfter != null) {
                    headsAfter.put(chain, new Head(seq, prev));
                }
            }
            insert.executeBatch();
            if (anyContent) {
                content.executeBatch();
            }
        }
        List<RecordedEvent> out = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            out.add(results.get(p));
        }
        return out;
    }

    static String formatTime(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }

    /**
     * The event as the chain hashes it; {@code EventRowMapper} rebuilds the same map from a stored
     * row.
     */
    static Map<String, Object> hashedForm(Pending p, String chain, long seq, String prev) {
        AuditEvent e = p.event();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", (long) p.hashVersion());
        m.put("chain", chain);
        m.put("seq", seq);
        m.put("id", p.id().toString());
        m.put("time", formatTime(p.time()));
        m.put("tenant", e.tenant() == null ? null : e.tenant().toString());
        m.put("actorKind", e.actorKind());
        m.put("actor", e.actor());
        m.put("action", e.action());
        m.put("targetType", e.targetType());
        m.put("targetId", e.targetId());
        m.put("outcome", e.outcome().wireName());
        m.put("requestId", e.requestId());
        // already canonical (Pending.of): embedded as is, not parsed and written again
        m.put("details", new CanonicalJson.Raw(p.detailsJson()));
        m.put("usage", usageMap(e.usage()));
        m.put("contentHash", p.contentHash());
        m.put("prevHash", prev);
        return m;
    }

    static Map<String, Object> usageMap(GatewayUsage u) {
        if (u == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keyId", u.keyId());
        m.put("route", u.route());
        m.put("provider", u.provider());
        m.put("model", u.model());
        m.put("region", u.region());
        m.put("statusCode", (long) u.statusCode());
        m.put("inputTokens", u.inputTokens());
        m.put("outputTokens", u.outputTokens());
        m.put("tokensEstimated", u.tokensEstimated());
        m.put("costMicros", u.costMicros());
        m.put("latencyMs", u.latencyMs());
        m.put("providerLatencyMs", u.providerLatencyMs());
        m.put("ttftMs", u.timeToFirstTokenMs());
        m.put("cacheHit", u.cacheHit());
        m.put("streamed", u.streamed());
        // the versions with a column, under their lineage keys (promptVersion, policyVersion):
        // the hashed form the events before the versions map had, byte for byte
        for (String key : LineageKeys.VERSION_COLUMNS) {
            m.put(key, u.version(key));
        }
        return m;
    }

    /** Binds one row from parameter {@code i} on; returns the next free parameter index. */
    private static int bind(
            PreparedStatement ps,
            int i,
            Pending p,
            String chain,
            long seq,
            String prev,
            String hash)
            throws SQLException {
        AuditEvent e = p.event();
        GatewayUsage u = e.usage();
        ps.setString(i++, chain);
        ps.setLong(i++, seq);
        ps.setObject(i++, p.id());
        ps.setTimestamp(i++, Timestamp.from(p.time()));
        ps.setObject(i++, e.tenant() == null ? null : e.tenant().value(), Types.OTHER);
        ps.setString(i++, e.actorKind());
        ps.setString(i++, e.actor());
        ps.setString(i++, e.action());
        ps.setString(i++, e.targetType());
        ps.setString(i++, e.targetId());
        ps.setString(i++, e.outcome().wireName());
        ps.setString(i++, e.requestId());
        ps.setString(i++, p.detailsJson());
        ps.setString(i++, p.contentHash());
        ps.setString(i++, u == null ? null : u.keyId());
        ps.setString(i++, u == null ? null : u.route());
        ps.setString(i++, u == null ? null : u.provider());
        ps.setString(i++, u == null ? null : u.model());
        ps.setString(i++, u == null ? null : u.region());
        setLong(ps, i++, u == null ? null : (long) u.statusCode());
        setLong(ps, i++, u == null ? null : u.inputTokens());
        setLong(ps, i++, u == null ? null : u.outputTokens());
        setBool(ps, i++, u == null ? null : u.tokensEstimated());
        setLong(ps, i++, u == null ? null : u.costMicros());
        setLong(ps, i++, u == null ? null : u.latencyMs());
        setLong(ps, i++, u == null ? null : u.providerLatencyMs());
        setLong(ps, i++, u == null ? null : u.timeToFirstTokenMs());
        setBool(ps, i++, u == null ? null : u.cacheHit());
        setBool(ps, i++, u == null ? null : u.streamed());
        for (String key : LineageKeys.VERSION_COLUMNS) { // prompt_version, policy_version
            ps.setString(i++, u == null ? null : u.version(key));
        }
        ps.setString(i++, prev);
        ps.setString(i++, hash);
        ps.setShort(i++, (short) p.hashVersion());
        ps.setString(i++, p.displayJson());
        return i;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static void setBool(PreparedStatement ps, int i, Boolean v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BOOLEAN);
        } else {
            ps.setBoolean(i, v);
        }
    }
}
