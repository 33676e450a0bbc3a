package io.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.PackagedServer;
import io.gatehouse.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged server directory (the image's content) started with the configuration the Kubernetes
 * manifests give it and nothing else: the ConfigMap and the Deployment's literal env, the
 * cluster-specific values a Secret or this cluster's database would supply, no server.env and no
 * overlay. Application pods (GATEHOUSE_MODE=serve) must work without the owner role's credentials
 * and refuse an unmigrated database; the migration Job (GATEHOUSE_MODE=migrate) migrates and exits.
 */
class PackagedServerIT {
    private static final String EMPTY_DB = "gatehouse_t19_unmigrated";

    /** Env of the plain Deployment's container: ConfigMap data, then its literal env entries. */
    static Map<String, String> manifestEnv(String kind) {
        Map<String, String> env = new HashMap<>();
        List<ManifestValidator.Doc> docs =
                Stream.of(
                                "deploy/kubernetes/common/configmap.yaml",
                                "deploy/kubernetes/plain/deployment.yaml",
                                "deploy/kubernetes/common/migrate-job.yaml")
                        .flatMap(f -> ManifestValidator.parse(Path.of(f)).stream())
                        .toList();
        for (ManifestValidator.Doc d : docs) {
            if (d.kind().equals("ConfigMap") && kind.equals("Deployment")) {
                d.node()
                        .path("data")
                        .properties()
                        .forEach(e -> env.put(e.getKey(), e.getValue().asString()));
            }
        }
        for (ManifestValidator.Doc d : docs) {
            if (!d.kind().equals(kind)) {
                continue;
            }
            for (JsonNode e :
                    d.node()
                            .path("spec")
                            .path("template")
                            .path("spec")
                            .path("containers")
                            .get(0)
                            .path("env")) {
                if (e.has("value")) {
                    env.put(e.path("name").asString(), e.path("value").asString());
                }
            }
        }
        return env;
    }

    /**
     * The one setting of the manifests this test changes: they run the production profile, whose
     * refusals would (rightly) stop a server given this test cluster's published development
     * credentials and master key. Those refusals are ProductionProfileIT's subject, and
     * ProductionSettingsTest checks which of them apply to pods and to the migration Job.
     */
    static void withoutProductionRefusals(Map<String, String> env) {
        assertThat(env).containsEntry("GATEHOUSE_PROFILE", "production");
        env.put("GATEHOUSE_PROFILE", "default");
    }

    /**
     * What this cluster supplies: its database (a multi-host URL whose first host is down, to show
     * failover to the next; the local server has no certificate a client could verify, so no
     * verify-full here), the runtime role's Secret, the master key Secret. The memory limit of the
     * manifest stands in as -XX:MaxRAM so that MaxRAMPercentage sizes the heap from it.
     */
    static Map<String, String> servePod(String database) {
        Map<String, String> env = manifestEnv("Deployment");
        assertThat(env).containsEntry("GATEHOUSE_MODE", "serve").containsKey("GATEHOUSE_DB_URL");
        withoutProductionRefusals(env);
        env.put(
                "GATEHOUSE_DB_URL",
                "jdbc:postgresql://127.0.0.1:1,"
                        + TestEnv.dbHost()
                        + ":"
                        + TestEnv.dbPort()
                        + "/"
                        + database
                        + "?targetServerType=primary");
        env.put("GATEHOUSE_DB_USER", TestEnv.env("GATEHOUSE_DB_USER", "gatehouse_app"));
        env.put("GATEHOUSE_DB_PASSWORD", TestEnv.env("GATEHOUSE_DB_PASSWORD", "gatehouse-app-dev"));
        env.put(
                "GATEHOUSE_MASTER_KEY",
                TestEnv.env(
                        "GATEHOUSE_MASTER_KEY", "dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMhISE="));
        env.put("GATEHOUSE_KEYSTORE_PASSWORD", "packaged-server-it-keystore");
        env.put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS") + " -XX:MaxRAM=1536m");
        // Not given to application pods: were they used, the server could not work.
        env.put("GATEHOUSE_DB_OWNER_USER", "no_such_owner");
        env.put("GATEHOUSE_DB_OWNER_PASSWORD", "not-given-to-application-pods");
        return env;
    }

    static Map<String, String> migrationJob(String database) {
        Map<String, String> env = manifestEnv("Job");
        assertThat(env).containsEntry("GATEHOUSE_MODE", "migrate");
        env.put(
                "GATEHOUSE_DB_URL",
                "jdbc:postgresql://" + TestEnv.dbHost() + ":" + TestEnv.dbPort() + "/" + database);
        env.put("GATEHOUSE_DB_USER", TestEnv.env("GATEHOUSE_DB_USER", "gatehouse_app"));
        env.put(
                "GATEHOUSE_DB_OWNER_USER",
                TestEnv.env("GATEHOUSE_DB_OWNER_USER", "gatehouse_owner"));
        env.put(
                "GATEHOUSE_DB_OWNER_PASSWORD",
                TestEnv.env("GATEHOUSE_DB_OWNER_PASSWORD", "gatehouse-owner-dev"));
        // The Job holds no runtime password: a wrong one shows it is not needed.
        env.put("GATEHOUSE_DB_PASSWORD", "not-given-to-the-migration-job");
        env.put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS") + " -XX:MaxRAM=768m");
        return env;
    }

    @Test
    void anApplicationPodServesAMigratedDatabaseWithoutTheOwnerRole() throws Exception {
        try (PackagedServer pod = PackagedServer.create("pkg-serve", servePod(TestEnv.dbName()))) {
            List<String> configBefore = pod.configFiles();
            pod.start();
            var ready = pod.await("/health/ready", 200, Duration.ofSeconds(90));
            assertThat(ready.status()).as(pod.log()).isEqualTo(200);
            assertThat(ready.body()).contains("schemaVersion");
            // a real request through the runtime role: the demo key the test server seeded
            var models =
                    pod.http()
                            .get(
                                    "/v1/models",
                                    "Authorization",
                                    "Bearer "
                                            + TestEnv.env(
                                                    "GATEHOUSE_DEMO_API_KEY",
                                                    "gh_demo_0123456789abcdefghijklmnopqrstuv"));
            assertThat(models.status()).as(models.body()).isEqualTo(200);
            assertThat(models.body()).contains("\"object\"");
            var noKey = pod.http().get("/v1/models");
            assertThat(noKey.status()).isEqualTo(401);
            // nothing written into the configuration directory (the image's read-only /config)
            assertThat(pod.configFiles()).isEqualTo(configBefore);
        }
    }

    @Test
    void anApplicationPodRefusesAnUnmigratedDatabaseUntilTheMigrationJobHasRun() throws Exception {
        createEmptyDatabase();
        try (PackagedServer pod = PackagedServer.create("pkg-unmigrated", servePod(EMPTY_DB))) {
            pod.start();
            var ready = pod.await("/health/ready", 200, Duration.ofSeconds(20));
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body())
                    .contains("schema is at version none")
                    .contains("run the migration Job");
            assertThat(
                            Files.readString(
                                    Path.of(
                                            "target/packaged-output/pkg-unmigrated/pkg-unmigrated/logs/messages.log")))
                    .contains("Refusing to serve: database schema is at version none");
            // nothing was created by the application pod
            try (Connection c = asSuperuser(EMPTY_DB)) {
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                        .isZero();
            }

            // The migration Job with the wrong owner password fails with exit status 1 ...
            Map<String, String> wrongOwner = migrationJob(EMPTY_DB);
            wrongOwner.put("GATEHOUSE_DB_OWNER_PASSWORD", "wrong");
            PackagedServer failing = PackagedServer.create("pkg-migrate-fail", wrongOwner);
            assertThat(failing.runToExit(Duration.ofSeconds(240))).as(failing.log()).isEqualTo(1);

            // ... and with the owner's credentials migrates, then exits 0.
            PackagedServer job = PackagedServer.create("pkg-migrate", migrationJob(EMPTY_DB));
            assertThat(job.runToExit(Duration.ofSeconds(240))).as(job.log()).isEqualTo(0);
            try (Connection c = asSuperuser(EMPTY_DB)) {
                long migrations;
                try (Stream<Path> files = Files.list(Path.of("db/migrations"))) {
                    migrations = files.filter(p -> p.toString().endsWith(".sql")).count();
                }
                assertThat(Db.count(c, "SELECT count(*) FROM flyway_schema_history WHERE success"))
                        .isEqualTo(migrations);
            }

            // the waiting application pod notices and becomes ready
            var after = pod.await("/health/ready", 200, Duration.ofSeconds(60));
            assertThat(after.status()).as(after.body()).isEqualTo(200);
        } finally {
            dropEmptyDatabase();
        }
    }

    private static Connection asSuperuser(String database) throws Exception {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + TestEnv.dbHost() + ":" + TestEnv.dbPort() + "/" + database,
                TestEnv.env("GATEHOUSE_TEST_SUPERUSER", "gatehouse_test_super"),
                TestEnv.env("GATEHOUSE_TEST_SUPERUSER_PASSWORD", "gatehouse-test-super"));
    }

    /** As deploy/local/postgres.sh (a DBA's one-time setup): roles exist, the database is empty. */
    private static void createEmptyDatabase() throws Exception {
        dropEmptyDatabase();
        String owner = TestEnv.env("GATEHOUSE_DB_OWNER_USER", "gatehouse_owner");
        String app = TestEnv.env("GATEHOUSE_DB_USER", "gatehouse_app");
        try (Connection c = Db.asSuperuser();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + EMPTY_DB + " OWNER " + owner);
        }
        try (Connection c = asSuperuser(EMPTY_DB);
                Statement st = c.createStatement()) {
            st.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            st.execute("GRANT USAGE ON SCHEMA public TO " + app);
            st.execute("GRANT CREATE, USAGE ON SCHEMA public TO " + owner);
        }
    }

    private static void dropEmptyDatabase() throws Exception {
        try (Connection c = Db.asSuperuser();
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + EMPTY_DB + " WITH (FORCE)");
        }
    }
}
