package io.gatehouse.routing.internal.persistence;

import io.gatehouse.shared.TenantId;
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
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code routing_stored_responses} (V54): the responses {@code POST /v1/responses} stored, always
 * read by tenant and storing key (anything else is simply not there) and never once expired.
 */
@ApplicationScoped
public class StoredResponseRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /**
     * A stored response: the exchange in chat form and the response object, as JSON texts; {@code
     * conversation} is null when {@code oversized}.
     */
    public record Row(String id, boolean oversized, String conversation, String response) {}

    public void insert(
            String id,
            TenantId tenant,
            UUID apiKey,
            Instant expiresAt,
            String conversation,
            String response)
            throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO routing_stored_responses (id, tenant_id, api_key_id, expires_at,"
                                        + " conversation, response) VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)")) {
            ps.setString(1, id);
            ps.setObject(2, tenant.value());
            ps.setObject(3, apiKey);
            ps.setTimestamp(4, Timestamp.from(expiresAt));
            ps.setString(5, conversation);
            ps.setString(6, response);
            ps.executeUpdate();
        }
    }

    /**
     * The response of that id if {@code apiKey} (of {@code tenant}) stored it, it has not expired
     * and it was created within the last {@code days} (the tenant's current retention period).
     * {@link Row#oversized} is set, without reading the content, when the stored conversation is
     * larger than {@code maxBytes}.
     */
    public Optional<Row> find(TenantId tenant, UUID apiKey, String id, int days, long maxBytes)
            throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id, octet_length(conversation::text) > ?,"
                                        + " CASE WHEN octet_length(conversation::text) > ? THEN NULL"
                                        + " ELSE conversation::text END, response::text"
                                        + " FROM routing_stored_responses"
                                        + " WHERE tenant_id = ? AND api_key_id = ? AND id = ?"
                                        + " AND expires_at > now()"
                                        + " AND created_at > now() - make_interval(days => ?)")) {
            ps.setLong(1, maxBytes);
            ps.setLong(2, maxBytes);
            ps.setObject(3, tenant.value());
            ps.setObject(4, apiKey);
            ps.setString(5, id);
            ps.setInt(6, days);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(
                                new Row(
                                        rs.getString(1),
                                        rs.getBoolean(2),
                                        rs.getString(3),
                                        rs.getString(4)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Deletes the response of that id if {@code apiKey} (of {@code tenant}) stored it and it is
     * still served (the rule of {@link #find}), ON {@code c}: audit's connection, in the
     * transaction that holds the tenant's hold lock and has found no legal hold ({@code
     * ContentRetentionRules.deleteUnlessHeld}); neither committed nor closed here. Returns how many
     * rows it deleted (0 or 1).
     */
    public int delete(Connection c, TenantId tenant, UUID apiKey, String id, int days)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "DELETE FROM routing_stored_responses"
                                + " WHERE tenant_id = ? AND api_key_id = ? AND id = ?"
                                + " AND expires_at > now()"
                                + " AND created_at > now() - make_interval(days => ?)")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, apiKey);
            ps.setString(3, id);
            ps.setInt(4, days);
            return ps.executeUpdate();
        }
    }

    /** The tenants that have stored responses. */
    public List<TenantId> tenants() throws SQLException {
        List<TenantId> tenants = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT DISTINCT tenant_id FROM routing_stored_responses")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tenants.add(new TenantId(rs.getObject(1, UUID.class)));
                }
            }
        }
        return tenants;
    }

    /**
     * Deletes the tenant's rows that expired before {@code now} or were created before {@code
     * createdBefore} (its current retention period), or all of them when {@code all} (the tenant
     * keeps no content any more). Legal holds are not checked here: audit calls the purge only for
     * a tenant without one, under its hold lock, on its connection {@code c} ({@link
     * StoredResponsePurge}), which is neither committed nor closed here.
     */
    public long purge(
            Connection c, TenantId tenant, boolean all, Instant now, Instant createdBefore)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "DELETE FROM routing_stored_responses WHERE tenant_id = ?"
                                + " AND (? OR expires_at < ? OR created_at < ?)")) {
            ps.setObject(1, tenant.value());
            ps.setBoolean(2, all);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(createdBefore));
            return ps.executeUpdate();
        }
    }
}
