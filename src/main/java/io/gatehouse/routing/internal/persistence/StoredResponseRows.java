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
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * {@code routing_stored_responses} (V54): the responses {@code POST /v1/responses} stored, always
 * read by tenant (another tenant's id is simply not there) and never once expired.
 */
@ApplicationScoped
public class StoredResponseRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** A stored response: the exchange in chat form and the response object, as JSON texts. */
    public record Row(String id, String conversation, String response) {}

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

    /** The tenant's response of that id, unless it expired. */
    public Optional<Row> find(TenantId tenant, String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id, conversation::text, response::text FROM routing_stored_responses"
                                        + " WHERE tenant_id = ? AND id = ? AND expires_at > now()")) {
            ps.setObject(1, tenant.value());
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Row(rs.getString(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /** Deletes the rows that expired before {@code now}, except those of held tenants. */
    public long purgeExpired(Instant now, Predicate<TenantId> held) throws SQLException {
        List<UUID> tenants = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT DISTINCT tenant_id FROM routing_stored_responses WHERE expires_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tenants.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            long deleted = 0;
            for (UUID t : tenants) {
                if (held.test(new TenantId(t))) {
                    continue;
                }
                try (PreparedStatement ps =
                        c.prepareStatement(
                                "DELETE FROM routing_stored_responses WHERE tenant_id = ? AND expires_at < ?")) {
                    ps.setObject(1, t);
                    ps.setTimestamp(2, Timestamp.from(now));
                    deleted += ps.executeUpdate();
                }
            }
            return deleted;
        }
    }
}
