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
 * Brings the schema to this build's version before anything uses JPA, in one of three modes ({@code
 * GATEHOUSE_MODE}):
 *
 * <ul>
 *   <li>{@code all} (default): migrates with Flyway as the owner role, then serves. Local runs,
 *       tests, single-server installations.
 *   <li>{@code migrate}: migrates as the owner role, then stops the server (exit status 0, or 1 if
 *       the migration failed). The Kubernetes migration Job: the only place holding the owner's
 *       credentials.
 *   <li>{@code serve}: never connects as the owner; checks as the runtime role that the database
 *       has every migration of this build and refuses to become ready until it does.
 * </ul>
 *
 * When the database is not reachable yet, {@code all} and {@code serve} retry in the background;
 * readiness stays DOWN until they succeed.
 */
@ApplicationScoped
public class DatabaseMigrator {
    private static final Logger LOG = Logger.getLogger(DatabaseMigrator.class.getName());
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    @Resource(lookup = "jdbc/gatehouseOwner")
    DataSource ownerDataSource;

    @Resource(lookup = "jdbc/gatehouse")
    DataSource runtimeDataSource;

    @Resource ManagedScheduledExecutorService scheduler;

    @Inject Event<SchemaReady> schemaReady;

    @Inject
    @ConfigProperty(name = "gatehouse.db.user", defaultValue = "gatehouse_app")
    String appRole;

    @Inject
    @ConfigProperty(name = "gatehouse.mode", defaultValue = "all")
    String mode;

    private volatile String schemaVersion;
    private volatile String lastError = "not started";
    private volatile boolean started;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        switch (mode) {
            case "migrate" -> migrateAndExit();
            case "serve", "all" -> {
                if (!bringUp()) {
                    scheduler.schedule(this::retry, 5, TimeUnit.SECONDS);
                }
            }
            default -> {
                lastError = "GATEHOUSE_MODE must be all, serve or migrate, not '" + mode + "'";
                LOG.severe(lastError + "; the server does not become ready");
            }
        }
    }

    private void retry() {
        if (!bringUp()) {
            scheduler.schedule(this::retry, 5, TimeUnit.SECONDS);
        }
    }

    private boolean bringUp() {
        return mode.equals("serve") ? checkMigrated() : migrate();
    }

    /** The migration Job: one attempt (the Job's backoff retries), then the JVM exits. */
    private void migrateAndExit() {
        boolean ok = migrate();
        int status = ok ? 0 : 1;
        LOG.log(
                ok ? Level.INFO : Level.SEVERE,
                "GATEHOUSE_MODE=migrate: "
                        + (ok ? "schema at version " + schemaVersion : "migration failed")
                        + "; stopping the server (exit status "
                        + status
                        + ")");
        // Not on this thread: the application's start waits for this observer, and exiting runs
        // Liberty's shutdown hook, which stops the application.
        Thread exit = new Thread(() -> System.exit(status), "gatehouse-migrate-exit");
        exit.setDaemon(false);
        exit.start();
    }

    private Flyway flyway(DataSource dataSource) {
        return Flyway.configure(DatabaseMigrator.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                // Flyway also scans its default callback location classpath:db/callback; on
                // Liberty a location is only found with an empty flyway.location file in it
                // (src/main/resources), else Flyway logs an error at every start.
                .placeholders(Map.of("app_role", appRole))
                .validateMigrationNaming(true)
                .load();
    }

    /**
     * GATEHOUSE_MODE=serve: the runtime role reads the schema history (granted by V51) and this
     * build's migrations must all be there. A database ahead of this build is accepted (a rollback
     * of the application after a migration), one behind it is not.
     */
    synchronized boolean checkMigrated() {
        if (schemaVersion != null) {
            return true;
        }
        try {
            var info = flyway(runtimeDataSource).info();
            var current = info.current();
            var pending = info.pending();
            var all = info.all();
            if (all.length == 0) {
                throw new IllegalStateException("Flyway found no migrations on the classpath");
            }
            String needed = all[all.length - 1].getVersion().getVersion();
            if (current == null || pending.length > 0) {
                lastError =
                        "database schema is at version "
                                + (current == null ? "none" : current.getVersion().getVersion())
                                + ", this build needs "
                                + needed
                                + " ("
                                + pending.length
                                + " migrations pending); GATEHOUSE_MODE=serve does not migrate:"
                                + " run the migration Job (GATEHOUSE_MODE=migrate, owner role)"
                                + " first";
                LOG.severe("Refusing to serve: " + lastError + "; checking again in 5 s");
                return false;
            }
            String version = current.getVersion().getVersion();
            LOG.info("Database schema at version " + version + " (GATEHOUSE_MODE=serve)");
            schemaVersion = version;
            lastError = null;
            announce(version);
            return true;
        } catch (RuntimeException e) {
            lastError =
                    "cannot read the schema history as the runtime role ("
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + "); GATEHOUSE_MODE=serve needs the migration Job to have run";
            LOG.log(Level.WARNING, "Schema check failed; retrying in 5 s: " + lastError);
            return false;
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
            Flyway flyway = flyway(ownerDataSource);
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
            if (!mode.equals("migrate")) {
                announce(version);
            }
            return true;
        } catch (RuntimeException e) {
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.log(Level.WARNING, "Database migration failed; retrying in 5 s: " + lastError);
            return false;
        }
    }

    /**
     * Runs the startup work that needs the schema (seeding, the first platform admin, signing keys,
     * caches, pollers): readiness waits for it, so that no request arrives before it is done. Once
     * only; a failure leaves the server unready, saying why.
     */
    private void announce(String version) {
        lastError = "schema at version " + version + "; startup tasks running";
        try {
            schemaReady.fire(new SchemaReady(version));
            lastError = null;
            started = true;
        } catch (RuntimeException e) {
            lastError =
                    "startup after the schema check failed ("
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + "); see the log";
            LOG.log(Level.SEVERE, "Startup failed: the server stays unready", e);
        }
    }

    /** The migrated schema version, once migration and the startup work it enables are done. */
    public java.util.Optional<String> schemaVersion() {
        return started ? java.util.Optional.ofNullable(schemaVersion) : java.util.Optional.empty();
    }

    public String lastError() {
        return lastError;
    }
}
