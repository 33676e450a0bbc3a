package io.gatehouse.shared.internal.db;

import io.gatehouse.shared.SchemaReady;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Migrates the schema with Flyway as the owner role at startup, before anything uses JPA. When the
 * database is not reachable yet it retries in the background; readiness stays DOWN until it
 * succeeds.
 */
@ApplicationScoped
public class DatabaseMigrator {
    private static final Logger LOG = Logger.getLogger(DatabaseMigrator.class.getName());
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    @Resource(lookup = "jdbc/gatehouseOwner")
    DataSource ownerDataSource;

    @Resource ManagedScheduledExecutorService scheduler;

    @Inject Event<SchemaReady> schemaReady;

    @Inject
    @ConfigProperty(name = "gatehouse.db.user", defaultValue = "gatehouse_app")
    String appRole;

    private volatile String schemaVersion;
    private volatile String lastError = "not started";

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (!migrate()) {
            scheduler.schedule(this::retry, 5, TimeUnit.SECONDS);
        }
    }

    private void retry() {
        if (!migrate()) {
            scheduler.schedule(this::retry, 5, TimeUnit.SECONDS);
        }
    }

    synchronized boolean migrate() {
        if (schemaVersion != null) {
            return true;
        }
        if (!ROLE_NAME.matcher(appRole).matches()) {
            lastError = "GATEHOUSE_DB_USER is not a plain PostgreSQL role name";
            LOG.severe(lastError);
            return false;
        }
        try {
            Flyway flyway =
                    Flyway.configure(DatabaseMigrator.class.getClassLoader())
                            .dataSource(ownerDataSource)
                            .locations("classpath:db/migration")
                            // Flyway also scans its default callback location
                            // classpath:db/callback; on Liberty a
                            // location is only found with an empty flyway.location file in it
                            // (src/main/resources),
                            // else Flyway logs an error at every start.
                            .placeholders(Map.of("app_role", appRole))
                            .validateMigrationNaming(true)
                            .load();
            MigrateResult result = flyway.migrate();
            var current = flyway.info().current();
            if (current == null) {
                // Flyway on Liberty finds nothing, silently, when it cannot scan the folder: fail
                // loudly.
                throw new IllegalStateException("Flyway found no migrations on the classpath");
            }
            String version = current.getVersion().getVersion();
            LOG.info(
                    "Database schema at version "
                            + version
                            + " ("
                            + result.migrationsExecuted
                            + " migrations applied now)");
            schemaVersion = version;
            lastError = null;
            schemaReady.fire(new SchemaReady(version));
            return true;
        } catch (RuntimeException e) {
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.log(Level.WARNING, "Database migration failed; retrying in 5 s: " + lastError);
            return false;
        }
    }

    /** The migrated schema version, once migration succeeded. */
    public java.util.Optional<String> schemaVersion() {
        return java.util.Optional.ofNullable(schemaVersion);
    }

    public String lastError() {
        return lastError;
    }
}
