package io.gatehouse.shared.internal.db;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the schema is migrated and the runtime role can reach the database now. */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    @Inject DatabaseMigrator migrator;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("database");
        var version = migrator.schemaVersion();
        if (version.isEmpty()) {
            return builder.down()
                    .withData("migration", String.valueOf(migrator.lastError()))
                    .build();
        }
        builder.withData("schemaVersion", version.get());
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2)
                    ? builder.up().build()
                    : builder.down().withData("error", "invalid").build();
        } catch (SQLException e) {
            return builder.down().withData("error", "unreachable").build();
        }
    }
}
