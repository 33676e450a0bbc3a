package io.gatehouse.routing.internal.persistence;

import io.gatehouse.routing.internal.catalog.CatalogSnapshot;
import io.gatehouse.routing.internal.catalog.Model;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The catalog tables through plain JDBC (small, hot, read as whole snapshots; writes happen inside
 * the caller's JTA transaction because the container's data source enlists the connection).
 */
@ApplicationScoped
public class CatalogRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** A provider row to write, credential already sealed. */
    public record ProviderRow(
            String name,
            String kind,
            String baseUrl,
            String sealedCredential,
            String region,
            int clearance,
            int timeoutMs,
            int maxConcurrency,
            JsonObject options,
            boolean enabled,
            List<Model> models) {}

    /** A route row to write. */
    public record RouteRow(
            String alias,
            String operation,
            String strategy,
            Set<String> requiredCapabilities,
            int cacheTtlSeconds,
            boolean enabled,
            List<Route.RouteTarget> targets) {}

    public CatalogSnapshot load(TenantId tenant) {
        try (Connection c = dataSource.getConnection()) {
            long revision = revision(c, tenant);
            Map<UUID, List<Model>> models = new HashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT provider_id, name, context_window, capabilities, input_price_micros,"
                                    + " output_price_micros FROM routing_models WHERE tenant_id = ? ORDER BY name")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        models.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                                .add(
                                        new Model(
                                                rs.getString(2),
                                                rs.getInt(3),
                                                strings(rs.getArray(4)),
                                                rs.getLong(5),
                                                rs.getLong(6)));
                    }
                }
            }
            Map<String, Provider> providers = new LinkedHashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT id, name, kind, base_url, credential, region, clearance, timeout_ms,"
                                    + " max_concurrency, options::text, enabled, version FROM routing_providers"
                                    + " WHERE tenant_id = ?")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        Provider p =
                                new Provider(
                                        id,
                                        tenant,
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getString(5),
                                        rs.getString(6),
                                        rs.getInt(7),
                                        rs.getInt(8),
                                        rs.getInt(9),
                                        json(rs.getString(10)),
                                        rs.getBoolean(11),
                                        rs.getString(12),
                                        models.getOrDefault(id, List.of()));
                        providers.put(p.name(), p);
                    }
                }
            }
            Map<UUID, List<Route.RouteTarget>> targets = new HashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT route_id, position, provider, model, weight FROM routing_route_targets"
                                    + " WHERE tenant_id = ? ORDER BY route_id, position")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        targets.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                                .add(
                                        new Route.RouteTarget(
                                                rs.getInt(2),
                                                rs.getString(3),
                                                rs.getString(4),
                                                rs.getInt(5)));
                    }
                }
            }
            Map<String, Route> routes = new LinkedHashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT id, alias, operation, strategy, required_capabilities, cache_ttl_seconds,"
                                    + " enabled, version FROM routing_routes WHERE tenant_id = ? ORDER BY alias")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        Route r =
                                new Route(
                                        id,
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        strings(rs.getArray(5)),
                                        rs.getInt(6),
                                        rs.getBoolean(7),
                                        rs.getString(8),
                                        targets.getOrDefault(id, List.of()));
                        routes.put(r.alias(), r);
                    }
                }
            }
            return new CatalogSnapshot(revision, providers, routes);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the catalog", e);
        }
    }

    private static long revision(Connection c, TenantId tenant) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT revision FROM routing_catalog_revisions WHERE tenant_id = ?")) {
            ps.setObject(1, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Every tenant's catalog revision (polled by each instance to drop stale snapshots). */
    public Map<TenantId, Long> revisions() {
        Map<TenantId, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT tenant_id, revision FROM routing_catalog_revisions");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(new TenantId(rs.getObject(1, UUID.class)), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read catalog revisions", e);
        }
        return out;
    }

    /** Inserts or replaces a provider and its models (in the caller's transaction). */
    public void upsertProvider(TenantId tenant, ProviderRow p, String version) {
        try (Connection c = dataSource.getConnection()) {
            UUID id;
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_providers (id, tenant_id, name, kind, base_url, credential,"
                                    + " region, clearance, timeout_ms, max_concurrency, options, enabled, version,"
                                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, now())"
                                    + " ON CONFLICT (tenant_id, name) DO UPDATE SET kind = EXCLUDED.kind,"
                                    + " base_url = EXCLUDED.base_url, credential = EXCLUDED.credential,"
                                    + " region = EXCLUDED.region, clearance = EXCLUDED.clearance,"
                                    + " timeout_ms = EXCLUDED.timeout_ms, max_concurrency = EXCLUDED.max_concurrency,"
                                    + " options = EXCLUDED.options, enabled = EXCLUDED.enabled,"
                                    + " version = EXCLUDED.version, updated_at = now() RETURNING id")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, tenant.value());
                ps.setString(3, p.name());
                ps.setString(4, p.kind());
                ps.setString(5, p.baseUrl());
                ps.setString(6, p.sealedCredential());
                ps.setString(7, p.region());
                ps.setInt(8, p.clearance());
                ps.setInt(9, p.timeoutMs());
                ps.setInt(10, p.maxConcurrency());
                ps.setString(11, p.options().toString());
                ps.setBoolean(12, p.enabled());
                ps.setString(13, version);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getObject(1, UUID.class);
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM routing_models WHERE provider_id = ?")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_models (provider_id, name, tenant_id, context_window,"
                                    + " capabilities, input_price_micros, output_price_micros) VALUES (?, ?, ?, ?, ?,"
                                    + " ?, ?)")) {
                for (Model m : p.models()) {
                    ps.setObject(1, id);
                    ps.setString(2, m.name());
                    ps.setObject(3, tenant.value());
                    ps.setInt(4, m.contextWindow());
                    ps.setArray(
                            5,
                            c.createArrayOf("text", m.capabilities().stream().sorted().toArray()));
                    ps.setLong(6, m.inputPriceMicros());
                    ps.setLong(7, m.outputPriceMicros());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write provider " + p.name(), e);
        }
    }

    /** Inserts or replaces a route and its targets (in the caller's transaction). */
    public void upsertRoute(TenantId tenant, RouteRow r, String version) {
        try (Connection c = dataSource.getConnection()) {
            UUID id;
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_routes (id, tenant_id, alias, operation, strategy,"
                                    + " required_capabilities, cache_ttl_seconds, enabled, version, updated_at)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (tenant_id, alias) DO"
                                    + " UPDATE SET operation = EXCLUDED.operation, strategy = EXCLUDED.strategy,"
                                    + " required_capabilities = EXCLUDED.required_capabilities,"
                                    + " cache_ttl_seconds = EXCLUDED.cache_ttl_seconds, enabled = EXCLUDED.enabled,"
                                    + " version = EXCLUDED.version, updated_at = now() RETURNING id")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, tenant.value());
                ps.setString(3, r.alias());
                ps.setString(4, r.operation());
                ps.setString(5, r.strategy());
                ps.setArray(
                        6,
                        c.createArrayOf(
                                "text", r.requiredCapabilities().stream().sorted().toArray()));
                ps.setInt(7, r.cacheTtlSeconds());
                ps.setBoolean(8, r.enabled());
                ps.setString(9, version);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getObject(1, UUID.class);
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM routing_route_targets WHERE route_id = ?")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_route_targets (route_id, position, tenant_id, provider, model,"
                                    + " weight) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Route.RouteTarget t : r.targets()) {
                    ps.setObject(1, id);
                    ps.setInt(2, t.position());
                    ps.setObject(3, tenant.value());
                    ps.setString(4, t.provider());
                    ps.setString(5, t.model());
                    ps.setInt(6, t.weight());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write route " + r.alias(), e);
        }
    }

    /**
     * The provider's version as committed now (no cache): what governance compares under its lock.
     */
    public Optional<String> providerVersion(TenantId tenant, String name) {
        return version(
                "SELECT version FROM routing_providers WHERE tenant_id = ? AND name = ?",
                tenant,
                name);
    }

    /** The route's version as committed now (no cache). */
    public Optional<String> routeVersion(TenantId tenant, String alias) {
        return version(
                "SELECT version FROM routing_routes WHERE tenant_id = ? AND alias = ?",
                tenant,
                alias);
    }

    private Optional<String> version(String sql, TenantId tenant, String name) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant.value());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the version of " + name, e);
        }
    }

    public Optional<String> providerCredential(TenantId tenant, String name) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT credential FROM routing_providers WHERE tenant_id = ? AND name = ?")) {
            ps.setObject(1, tenant.value());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read provider " + name, e);
        }
    }

    private static Set<String> strings(Array a) throws SQLException {
        if (a == null) {
            return Set.of();
        }
        Object[] values = (Object[]) a.getArray();
        Set<String> out = new java.util.LinkedHashSet<>();
        for (Object o : values) {
            out.add((String) o);
        }
        return out;
    }

    private static JsonObject json(String text) {
        try (var r = Json.createReader(new StringReader(text == null ? "{}" : text))) {
            return r.readObject();
        }
    }
}
