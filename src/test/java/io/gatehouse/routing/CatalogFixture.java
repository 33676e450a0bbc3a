package io.gatehouse.routing;

import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;

/**
 * Catalog rows written straight into the test database for a tenant (there is no test-only admin
 * path): the gateway sees them through its revision check, as it sees any catalog change.
 */
public final class CatalogFixture {
    private CatalogFixture() {}

    public static void provider(
            String tenant,
            String name,
            String kind,
            String baseUrl,
            String options,
            String model,
            String caps)
            throws Exception {
        try (Connection c = Db.asApp()) {
            UUID id = UUID.randomUUID();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_providers (id, tenant_id, name, kind, base_url, region, clearance, timeout_ms,"
                                    + " max_concurrency, options, version) VALUES (?, ?::uuid, ?, ?, ?, 'eu', 3, 2000, 16, ?::jsonb, 'it')")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                ps.setString(3, name);
                ps.setString(4, kind);
                ps.setString(5, baseUrl);
                ps.setString(6, options);
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_models (provider_id, name, tenant_id, capabilities, input_price_micros,"
                                    + " output_price_micros) VALUES (?, ?, ?::uuid, string_to_array(?, ','), 2000000, 8000000)")) {
                ps.setObject(1, id);
                ps.setString(2, model);
                ps.setString(3, tenant);
                ps.setString(4, caps);
                ps.executeUpdate();
            }
        }
    }

    public static void route(
            String tenant,
            String alias,
            String operation,
            String strategy,
            int cacheTtl,
            String... providerModel)
            throws Exception {
        try (Connection c = Db.asApp()) {
            UUID id = UUID.randomUUID();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO routing_routes (id, tenant_id, alias, operation, strategy, cache_ttl_seconds, version)"
                                    + " VALUES (?, ?::uuid, ?, ?, ?, ?, 'it')")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                ps.setString(3, alias);
                ps.setString(4, operation);
                ps.setString(5, strategy);
                ps.setInt(6, cacheTtl);
                ps.executeUpdate();
            }
            for (int i = 0; i < providerModel.length; i++) {
                String[] pm = providerModel[i].split("/");
                try (PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO routing_route_targets (route_id, position, tenant_id, provider, model) VALUES (?, ?, ?::uuid, ?, ?)")) {
                    ps.setObject(1, id);
                    ps.setInt(2, i);
                    ps.setString(3, tenant);
                    ps.setString(4, pm[0]);
                    ps.setString(5, pm[1]);
                    ps.executeUpdate();
                }
            }
        }
    }
}
