package io.gatehouse.routing.internal.persistence;

import io.gatehouse.shared.TenantId;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@code routing_mcp_servers} (V58): the tenant's published upstream MCP servers, always read by
 * tenant. Writes run inside the publishing change's JTA transaction.
 */
@ApplicationScoped
public class McpServerRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /**
     * One published server.
     *
     * @param sealedCredential the credential as sealed text, or null
     * @param tools the reviewed tool allow-list, as stored
     */
    public record Row(
            String name,
            String version,
            String url,
            String transport,
            String sealedCredential,
            JsonArray tools) {}

    public List<Row> load(TenantId tenant) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT name, version, url, transport, credential, tools::text"
                                        + " FROM routing_mcp_servers WHERE tenant_id = ? ORDER BY name")) {
            ps.setObject(1, tenant.value());
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try (var r = Json.createReader(new StringReader(rs.getString(6)))) {
                        out.add(
                                new Row(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getString(5),
                                        r.readArray()));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read MCP servers", e);
        }
    }

    /** The server's version as committed now (no cache). */
    public Optional<String> version(TenantId tenant, String name) {
        return column("version", tenant, name);
    }

    /** The server's sealed credential as committed now, if it has one. */
    public Optional<String> credential(TenantId tenant, String name) {
        return column("credential", tenant, name);
    }

    private Optional<String> column(String column, TenantId tenant, String name) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + column
                                        + " FROM routing_mcp_servers WHERE tenant_id = ? AND name = ?")) {
            ps.setObject(1, tenant.value());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read an MCP server", e);
        }
    }

    public void upsert(TenantId tenant, Row row) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO routing_mcp_servers (tenant_id, name, version, url,"
                                        + " transport, credential, tools, updated_at) VALUES (?, ?, ?, ?, ?, ?,"
                                        + " ?::jsonb, now()) ON CONFLICT (tenant_id, name) DO UPDATE SET"
                                        + " version = EXCLUDED.version, url = EXCLUDED.url, transport ="
                                        + " EXCLUDED.transport, credential = EXCLUDED.credential, tools ="
                                        + " EXCLUDED.tools, updated_at = now()")) {
            ps.setObject(1, tenant.value());
            ps.setString(2, row.name());
            ps.setString(3, row.version());
            ps.setString(4, row.url());
            ps.setString(5, row.transport());
            ps.setString(6, row.sealedCredential());
            ps.setString(7, row.tools().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write an MCP server", e);
        }
    }
}
