package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.chain.JsonReader;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rebuilds the hashed form of a stored event from its row, exactly as {@link ChainAppender} built
 * it before inserting (same field names, types and nulls, and {@code v}: the row's hash_version),
 * so that verification, export and the offline verifier all hash the same thing.
 */
public final class EventRowMapper {
    /** The columns a query must select (by these names) for {@link #hashedForm}. */
    public static final String COLUMNS =
            "chain_id, seq, event_id, occurred_at, tenant_id, actor_kind, actor, action, target_type,"
                    + " target_id, outcome, request_id, details::text AS details, content_hash, key_id, route,"
                    + " provider, model, region, status_code, input_tokens, output_tokens, tokens_estimated,"
                    + " cost_micros, latency_ms, provider_latency_ms, ttft_ms, cache_hit, streamed,"
                    + " prompt_version, policy_version, prev_hash, hash, hash_version, display::text AS display";

    private EventRowMapper() {}

    public static Map<String, Object> hashedForm(ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", (long) rs.getShort("hash_version"));
        m.put("chain", rs.getString("chain_id"));
        m.put("seq", rs.getLong("seq"));
        m.put("id", rs.getObject("event_id").toString());
        m.put(
                "time",
                ChainAppender.formatTime(
                        rs.getObject("occurred_at", OffsetDateTime.class).toInstant()));
        Object tenant = rs.getObject("tenant_id");
        m.put("tenant", tenant == null ? null : tenant.toString());
        m.put("actorKind", rs.getString("actor_kind"));
        m.put("actor", rs.getString("actor"));
        m.put("action", rs.getString("action"));
        m.put("targetType", rs.getString("target_type"));
        m.put("targetId", rs.getString("target_id"));
        m.put("outcome", rs.getString("outcome"));
        m.put("requestId", rs.getString("request_id"));
        m.put("details", JsonReader.parse(rs.getString("details")));
        m.put("usage", usage(rs));
        m.put("contentHash", rs.getString("content_hash"));
        m.put("prevHash", rs.getString("prev_hash"));
        return m;
    }

    /** The row's display-only data (not hashed), or null. */
    public static Object display(ResultSet rs) throws SQLException {
        String d = rs.getString("display");
        return d == null ? null : JsonReader.parse(d);
    }

    /** A gateway request's accounting, or null: every gateway event has a status code. */
    private static Map<String, Object> usage(ResultSet rs) throws SQLException {
        long status = rs.getLong("status_code");
        if (rs.wasNull()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keyId", rs.getString("key_id"));
        m.put("route", rs.getString("route"));
        m.put("provider", rs.getString("provider"));
        m.put("model", rs.getString("model"));
        m.put("region", rs.getString("region"));
        m.put("statusCode", status);
        m.put("inputTokens", rs.getLong("input_tokens"));
        m.put("outputTokens", rs.getLong("output_tokens"));
        m.put("tokensEstimated", rs.getBoolean("tokens_estimated"));
        m.put("costMicros", rs.getLong("cost_micros"));
        m.put("latencyMs", rs.getLong("latency_ms"));
        m.put("providerLatencyMs", rs.getLong("provider_latency_ms"));
        long ttft = rs.getLong("ttft_ms");
        m.put("ttftMs", rs.wasNull() ? null : ttft);
        m.put("cacheHit", rs.getBoolean("cache_hit"));
        m.put("streamed", rs.getBoolean("streamed"));
        m.put("promptVersion", rs.getString("prompt_version"));
        m.put("policyVersion", rs.getString("policy_version"));
        return m;
    }
}
