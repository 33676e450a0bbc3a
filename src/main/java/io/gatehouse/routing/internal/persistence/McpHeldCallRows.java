package io.gatehouse.routing.internal.persistence;

import io.gatehouse.shared.TenantId;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code routing_mcp_held_calls} (V62): MCP tool calls held for a person's approval, always read by
 * tenant for reviewers. Every change of status is conditional on the status it leaves, so two
 * deciders (two reviewers, a reviewer and the deadline) cannot both win. Writes join the caller's
 * JTA transaction when there is one.
 */
@ApplicationScoped
public class McpHeldCallRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /**
     * One held call.
     *
     * @param keyOwner the subject of the person who created the calling key
     * @param keyScope the key's {@code allowedRoutes} when the call was held
     * @param arguments the arguments as input policy left them, while the call is held or approved;
     *     emptied ({@code {}}) in the update that ends it (its final audit event keeps them under
     *     the tenant's retention)
     * @param progressToken the request's {@code _meta.progressToken} as JSON text, or null
     * @param status held, approved, refused, expired, completed or abandoned
     */
    public record Row(
            UUID id,
            TenantId tenant,
            UUID keyId,
            String keyName,
            String keyOwner,
            List<String> keyScope,
            String server,
            String serverVersion,
            String tool,
            JsonObject arguments,
            String requestId,
            String progressToken,
            String status,
            Instant createdAt,
            Instant deadline,
            String decidedBy,
            Instant decidedAt,
            String comment,
            String holdingInstance) {}

    private static final String COLUMNS =
            "id, tenant_id, key_id, key_name, key_owner, key_scope::text, server, server_version,"
                    + " tool, arguments::text, request_id, progress_token, status, created_at,"
                    + " deadline, decided_by, decided_at, comment, holding_instance";

    /**
     * Writes a held call; its deadline is the database's now + {@code timeout} (the same clock as
     * {@code created_at} and the expiry's {@code deadline <= now()}), returned.
     */
    public Instant insert(Row r, JsonArray scope, java.time.Duration timeout) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO routing_mcp_held_calls (id, tenant_id, key_id, key_name,"
                                        + " key_owner, key_scope, server, server_version, tool, arguments,"
                                        + " request_id, progress_token, status, deadline, holding_instance)"
                                        + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?, 'held',"
                                        + " now() + make_interval(secs => ?), ?) RETURNING deadline")) {
            ps.setObject(1, r.id());
            ps.setObject(2, r.tenant().value());
            ps.setObject(3, r.keyId());
            ps.setString(4, r.keyName());
            ps.setString(5, r.keyOwner());
            ps.setString(6, scope.toString());
            ps.setString(7, r.server());
            ps.setString(8, r.serverVersion());
            ps.setString(9, r.tool());
            ps.setString(10, r.arguments().toString());
            ps.setString(11, r.requestId());
            ps.setString(12, r.progressToken());
            ps.setDouble(13, timeout.toMillis() / 1000.0);
            ps.setString(14, r.holdingInstance());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot hold an MCP tool call", e);
        }
    }

    /**
     * How many calls of this key are held now (a bound on what one key can queue), under a lock on
     * the key held to the end of the caller's transaction: two calls of one key cannot both count
     * below the bound and both insert (READ COMMITTED alone would let them).
     */
    public int heldOfKey(UUID keyId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement lock =
                        c.prepareStatement("SELECT pg_advisory_xact_lock(7010, hashtext(?))");
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM routing_mcp_held_calls WHERE key_id = ? AND status = 'held'")) {
            // its own statement: the count's snapshot must be taken after the lock was granted
            lock.setString(1, keyId.toString());
            lock.execute();
            ps.setObject(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count held MCP tool calls", e);
        }
    }

    public Optional<Row> find(TenantId tenant, UUID id) {
        List<Row> r =
                query(
                        "SELECT "
                                + COLUMNS
                                + " FROM routing_mcp_held_calls WHERE tenant_id = ? AND id = ?",
                        tenant.value(),
                        id);
        return r.stream().findFirst();
    }

    /** The tenant's calls, newest first: only those in {@code status}, or all when it is null. */
    public List<Row> list(TenantId tenant, String status, int limit) {
        return status == null
                ? query(
                        "SELECT "
                                + COLUMNS
                                + " FROM routing_mcp_held_calls WHERE tenant_id = ?"
                                + " ORDER BY created_at DESC LIMIT "
                                + limit,
                        tenant.value())
                : query(
                        "SELECT "
                                + COLUMNS
                                + " FROM routing_mcp_held_calls WHERE tenant_id = ? AND status = ?"
                                + " ORDER BY created_at DESC LIMIT "
                                + limit,
                        tenant.value(),
                        status);
    }

    /**
     * Approves or refuses a call that is still held and within its deadline; empty when it was not
     * (decided already, expired, or past its deadline).
     */
    public Optional<Row> decide(
            TenantId tenant, UUID id, String status, String decidedBy, String comment) {
        return query(
                        "UPDATE routing_mcp_held_calls SET status = ?, decided_by = ?, decided_at = now(),"
                                + " comment = ?, arguments = CASE WHEN ?::text = 'approved'"
                                + " THEN arguments ELSE '{}'::jsonb END"
                                + " WHERE tenant_id = ? AND id = ? AND status = 'held'"
                                + " AND deadline > now() RETURNING "
                                + COLUMNS,
                        status,
                        decidedBy,
                        comment,
                        status,
                        tenant.value(),
                        id)
                .stream()
                .findFirst();
    }

    /** Marks held calls past their deadline expired (any instance's), at most {@code limit}. */
    public List<Row> expireDue(int limit) {
        return query(
                "UPDATE routing_mcp_held_calls SET status = 'expired', decided_at = now(),"
                        + " arguments = '{}'::jsonb"
                        + " WHERE id IN (SELECT id FROM routing_mcp_held_calls WHERE status = 'held'"
                        + " AND deadline <= now() ORDER BY deadline LIMIT "
                        + limit
                        + " FOR UPDATE SKIP LOCKED) AND status = 'held' RETURNING "
                        + COLUMNS);
    }

    /** An approved call has run (whatever its outcome). */
    public void completed(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE routing_mcp_held_calls SET status = 'completed',"
                                        + " arguments = '{}'::jsonb"
                                        + " WHERE id = ? AND status = 'approved'")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot complete a held MCP tool call", e);
        }
    }

    /**
     * The client of a held or approved call left before it ran: {@code abandoned}, so it neither
     * counts toward the key's bound nor runs. False when it was decided otherwise meanwhile.
     */
    public boolean abandon(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE routing_mcp_held_calls SET status = 'abandoned',"
                                        + " decided_at = now(), arguments = '{}'::jsonb"
                                        + " WHERE id = ? AND status IN ('held', 'approved')")) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot abandon a held MCP tool call", e);
        }
    }

    private List<Row> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read held MCP tool calls", e);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        List<String> scope = new ArrayList<>();
        try (var r = jakarta.json.Json.createReader(new StringReader(rs.getString(6)))) {
            for (var v : r.readArray()) {
                if (v instanceof JsonString s) {
                    scope.add(s.getString());
                }
            }
        }
        JsonObject args;
        try (var r = jakarta.json.Json.createReader(new StringReader(rs.getString(10)))) {
            args = r.readObject();
        }
        return new Row(
                (UUID) rs.getObject(1),
                new TenantId((UUID) rs.getObject(2)),
                (UUID) rs.getObject(3),
                rs.getString(4),
                rs.getString(5),
                List.copyOf(scope),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                args,
                rs.getString(11),
                rs.getString(12),
                rs.getString(13),
                instant(rs.getTimestamp(14)),
                instant(rs.getTimestamp(15)),
                rs.getString(16),
                instant(rs.getTimestamp(17)),
                rs.getString(18),
                rs.getString(19));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
