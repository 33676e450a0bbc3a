package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.ContentRetention;
import io.gatehouse.audit.GatewayUsage;
import io.gatehouse.audit.RecordedEvent;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.chain.ChainHash;
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
 * Appends events to their chains on a given connection, inside the caller's transaction: per chain it
 * takes a transaction-scoped advisory lock, reads the head, and inserts the events with consecutive
 * sequence numbers and linked hashes. The lock keeps the chain linear across threads and instances;
 * chains are locked in a fixed order so that two batches never deadlock.
 */
final class ChainAppender {
  static final String PLATFORM_CHAIN = "platform";

  private static final String INSERT =
      "INSERT INTO audit_events (chain_id, seq, event_id, occurred_at, tenant_id, actor_kind, actor,"
          + " action, target_type, target_id, outcome, request_id, details, content_hash, key_id,"
          + " route, provider, model, region, status_code, input_tokens, output_tokens,"
          + " tokens_estimated, cost_micros, latency_ms, provider_latency_ms, ttft_ms, cache_hit,"
          + " streamed, prompt_version, policy_version, prev_hash, hash)"
          + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  private static final String INSERT_CONTENT =
      "INSERT INTO audit_contents (chain_id, content_hash, form, body, stored_at)"
          + " VALUES (?,?,?,?::jsonb,?) ON CONFLICT (chain_id, content_hash)"
          + " DO UPDATE SET stored_at = EXCLUDED.stored_at";

  /**
   * An event ready to append: its time, canonical details and content hash are fixed before it is
   * queued. {@code storedForm}/{@code storedBody}: what goes to audit_contents (null: nothing).
   */
  record Pending(
      AuditEvent event,
      UUID id,
      Instant time,
      String detailsJson,
      String contentHash,
      String storedForm,
      String storedBody) {
    static Pending of(AuditEvent e) {
      return of(e, ContentRetention.NONE);
    }

    static Pending of(AuditEvent e, ContentRetention retention) {
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
          body = CanonicalJson.write(e.redactedContent());
        }
      }
      return new Pending(
          e,
          UUID.randomUUID(),
          Instant.now().truncatedTo(ChronoUnit.MICROS),
          CanonicalJson.write(e.details()),
          contentHash,
          form,
          body);
    }

    String chainId() {
      return event.tenant() == null ? PLATFORM_CHAIN : event.tenant().toString();
    }
  }

  private ChainAppender() {}

  static List<RecordedEvent> append(Connection c, List<Pending> batch) throws SQLException {
    Map<String, List<Pending>> byChain = new TreeMap<>();
    for (Pending p : batch) {
      byChain.computeIfAbsent(p.chainId(), k -> new ArrayList<>()).add(p);
    }
    Map<Pending, RecordedEvent> results = new java.util.IdentityHashMap<>();
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(7001, hashtext(?))");
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
          bind(insert, p, chain, seq, prev, hash);
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

  /** The event as the chain hashes it; {@code AuditRows} rebuilds the same map from a stored row. */
  static Map<String, Object> hashedForm(Pending p, String chain, long seq, String prev) {
    AuditEvent e = p.event();
    Map<String, Object> m = new LinkedHashMap<>();
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
    m.put("details", io.gatehouse.audit.chain.JsonReader.parse(p.detailsJson()));
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
    m.put("promptVersion", u.promptVersion());
    m.put("policyVersion", u.policyVersion());
    return m;
  }

  private static void bind(
      PreparedStatement ps, Pending p, String chain, long seq, String prev, String hash)
      throws SQLException {
    AuditEvent e = p.event();
    GatewayUsage u = e.usage();
    int i = 1;
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
    ps.setString(i++, u == null ? null : u.promptVersion());
    ps.setString(i++, u == null ? null : u.policyVersion());
    ps.setString(i++, prev);
    ps.setString(i, hash);
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
