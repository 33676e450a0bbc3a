package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.PackagedServer;
import io.gatehouse.testing.TestCa;
import io.gatehouse.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged server directory (the image's content) started with the configuration the Kubernetes
 * manifests give it and nothing else: the ConfigMap and the workloads' literal env unchanged
 * (GATEHOUSE_PROFILE=production, the public URL of the ConfigMap), plus what a cluster supplies:
 * its own database with its own owner and runtime roles, random passwords, a random master key (the
 * Secrets), no server.env and no overlay. The migration Job (GATEHOUSE_MODE=migrate) holds only the
 * owner role's credentials, the application pod (GATEHOUSE_MODE=serve) only the runtime role's;
 * both pass the production profile's checks for what they hold, and the pod serves. Both reach
 * PostgreSQL as the ConfigMap says, with sslmode=verify-full against the CA mounted from the db-ca
 * Secret (here the test PostgreSQL's CA, deploy/local/test.sh).
 */
class PackagedServerIT {
    private static final String CONFIG_MAP = "deploy/kubernetes/common/configmap.yaml";

    /**
     * Env of a workload's container ({@code Deployment} or {@code Job}): the ConfigMap it imports
     * whole (envFrom), then its env entries, literal or taken from the ConfigMap. Secret references
     * are left out: the cluster supplies them ({@link Cluster}).
     */
    static Map<String, String> manifestEnv(String kind) {
        Map<String, String> configMap = new HashMap<>();
        for (ManifestValidator.Doc d : ManifestValidator.parse(Path.of(CONFIG_MAP))) {
            d.node()
                    .path("data")
                    .properties()
                    .forEach(e -> configMap.put(e.getKey(), e.getValue().asString()));
        }
        JsonNode container =
                workload(kind).path("spec").path("template").path("spec").path("containers").get(0);
        Map<String, String> env = new HashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            assertThat(from.path("configMapRef").path("name").asString())
                    .isEqualTo("gatehouse-config");
            env.putAll(configMap);
        }
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asString();
            JsonNode ref = e.path("valueFrom").path("configMapKeyRef");
            if (e.has("value")) {
                env.put(name, e.path("value").asString());
            } else if (!ref.isMissingNode()) {
                String key = ref.path("key").asString();
                assertThat(configMap).as(name).containsKey(key);
                env.put(name, configMap.get(key));
            }
        }
        return env;
    }

    /** The {@code Deployment} or the migration {@code Job} of the manifests. */
    static JsonNode workload(String kind) {
        List<ManifestValidator.Doc> docs =
                Stream.of(
                                "deploy/kubernetes/plain/deployment.yaml",
                                "deploy/kubernetes/common/migrate-job.yaml")
                        .flatMap(f -> ManifestValidator.parse(Path.of(f)).stream())
                        .filter(d -> d.kind().equals(kind))
                        .toList();
        assertThat(docs).hasSize(1);
        return docs.get(0).node();
    }

    /**
     * What one installation's cluster supplies: a database with its own roles, created as
     * deploy/local/postgres.sh (and a DBA or CloudNativePG) does, and the values of the Secrets the
     * manifests reference, all random.
     */
    record Cluster(
            String database,
            String owner,
            String ownerPassword,
            String app,
            String appPassword,
            String masterKey,
            String keystorePassword,
            String adminPassword) {
        static Cluster create() throws Exception {
            String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Cluster c =
                    new Cluster(
                            "gatehouse_pkg_" + suffix,
                            "gh_pkg_owner_" + suffix,
                            "owner-" + UUID.randomUUID(),
                            "gh_pkg_app_" + suffix,
                            "app-" + UUID.randomUUID(),
                            Base64.getEncoder().encodeToString(key),
                            "keystore-" + UUID.randomUUID(),
                            "admin-" + UUID.randomUUID());
            try (Connection s = Db.asSuperuser();
                    Statement st = s.createStatement()) {
                st.execute("CREATE ROLE " + c.owner + " LOGIN PASSWORD '" + c.ownerPassword + "'");
                st.execute("CREATE ROLE " + c.app + " LOGIN PASSWORD '" + c.appPassword + "'");
                st.execute("CREATE DATABASE " + c.database + " OWNER " + c.owner);
            }
            try (Connection s = asSuperuser(c.database);
                    Statement st = s.createStatement()) {
                st.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
                st.execute("GRANT USAGE ON SCHEMA public TO " + c.app);
                st.execute("GRANT CREATE, USAGE ON SCHEMA public TO " + c.owner);
            }
            return c;
        }

        void drop() throws Exception {
            try (Connection s = Db.asSuperuser();
                    Statement st = s.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                st.execute("DROP ROLE IF EXISTS " + app);
                st.execute("DROP ROLE IF EXISTS " + owner);
            }
        }
    }

    /**
     * The manifests' settings the cluster decides are replaced by this cluster's: in the
     * ConfigMap's database URL the host list (CloudNativePG's service there) and the database name,
     * and the runtime role's name. The URL's parameters stay as the ConfigMap has them
     * (sslmode=verify-full, sslrootcert in the workload's db-ca mount), the mount made with the
     * test PostgreSQL's CA ({@link #mountDbCa}). Everything else, the production profile and the
     * public URL included, is checked to be as the manifests set it and left alone.
     */
    static Map<String, String> withClusterDatabase(
            Map<String, String> env, Cluster c, String kind, String hosts, String moreParams) {
        assertThat(env)
                .containsEntry("GATEHOUSE_PROFILE", "production")
                .containsEntry("GATEHOUSE_DB_USER", "gatehouse_app");
        String manifestUrl = env.get("GATEHOUSE_DB_URL");
        assertThat(manifestUrl).startsWith("jdbc:postgresql://").contains("?");
        String params = manifestUrl.substring(manifestUrl.indexOf('?') + 1);
        assertThat(params.split("&")).contains("sslmode=verify-full");
        Mount ca = mountDbCa(kind);
        assertThat(params).contains("sslrootcert=" + ca.inContainer());
        String url =
                "jdbc:postgresql://"
                        + hosts
                        + "/"
                        + c.database()
                        + "?"
                        + params.replace(ca.inContainer(), ca.here().toString())
                        + moreParams;
        env.put("GATEHOUSE_DB_URL", url);
        env.put("GATEHOUSE_DB_USER", c.app());
        return env;
    }

    /** A file of a mounted volume: its path in the container, and where the test put it. */
    record Mount(String inContainer, Path here) {}

    /**
     * The workload's {@code db-ca} volume (the Secret's {@code ca.crt}, projected as the manifest
     * says) made with the test PostgreSQL's CA certificate, under target/ instead of the
     * container's mount path.
     */
    static Mount mountDbCa(String kind) {
        JsonNode pod = workload(kind).path("spec").path("template").path("spec");
        String mountPath = null;
        for (JsonNode m : pod.path("containers").get(0).path("volumeMounts")) {
            if (m.path("name").asString().equals("db-ca")) {
                mountPath = m.path("mountPath").asString();
            }
        }
        String file = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asString().equals("db-ca")) {
                for (JsonNode item : v.path("secret").path("items")) {
                    if (item.path("key").asString().equals("ca.crt")) {
                        file = item.path("path").asString();
                    }
                }
            }
        }
        assertThat(mountPath).as(kind + " mounts volume db-ca").isNotNull();
        assertThat(file).as(kind + " projects ca.crt of the db-ca Secret").isNotNull();
        Path here =
                Path.of("target/packaged-mounts/" + kind + mountPath + "/" + file).toAbsolutePath();
        try {
            Files.createDirectories(here.getParent());
            Files.copy(TestEnv.dbCa(), here, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Mount(mountPath + "/" + file, here);
    }

    /**
     * An application pod: the Deployment's env, the runtime role's Secret, the master key, keystore
     * and first-admin Secrets. The database URL is the ConfigMap's (verify-full against the mounted
     * CA) with a host list whose first host is down, to show failover to the next; the next is
     * named {@code localhost}, the only name the test PostgreSQL's certificate carries. The
     * manifest's memory limit stands in as -XX:MaxRAM so that MaxRAMPercentage sizes the heap from
     * it.
     */
    static Map<String, String> servePod(Cluster c) {
        Map<String, String> env = manifestEnv("Deployment");
        assertThat(env)
                .containsEntry("GATEHOUSE_MODE", "serve")
                .containsEntry("GATEHOUSE_PUBLIC_URL", "https://gatehouse.example.com");
        withClusterDatabase(
                env,
                c,
                "Deployment",
                "127.0.0.1:1,localhost:" + TestEnv.dbPort(),
                "&targetServerType=primary");
        env.put("GATEHOUSE_DB_PASSWORD", c.appPassword());
        env.put("GATEHOUSE_MASTER_KEY", c.masterKey());
        env.put("GATEHOUSE_KEYSTORE_PASSWORD", c.keystorePassword());
        env.put("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", c.adminPassword());
        env.put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS") + " -XX:MaxRAM=1536m");
        assertThat(env)
                .doesNotContainKeys("GATEHOUSE_DB_OWNER_USER", "GATEHOUSE_DB_OWNER_PASSWORD");
        return env;
    }

    /**
     * The migration Job: its env (the profile, database URL with verify-full, and runtime role's
     * name from the ConfigMap) and the owner role's Secret; no runtime password, master key or
     * public URL.
     */
    static Map<String, String> migrationJob(Cluster c) {
        Map<String, String> env = manifestEnv("Job");
        assertThat(env).containsEntry("GATEHOUSE_MODE", "migrate");
        withClusterDatabase(env, c, "Job", "localhost:" + TestEnv.dbPort(), "");
        env.put("GATEHOUSE_DB_OWNER_USER", c.owner());
        env.put("GATEHOUSE_DB_OWNER_PASSWORD", c.ownerPassword());
        env.put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS") + " -XX:MaxRAM=768m");
        assertThat(env)
                .doesNotContainKeys(
                        "GATEHOUSE_DB_PASSWORD",
                        "GATEHOUSE_MASTER_KEY",
                        "GATEHOUSE_PUBLIC_URL",
                        "GATEHOUSE_KEYSTORE_PASSWORD");
        return env;
    }

    @Test
    void theManifestsPodsRunTheProductionProfileEachWithItsOwnRolesCredentialsOnly()
            throws Exception {
        Cluster c = Cluster.create();
        try (PackagedServer pod = PackagedServer.create("pkg-serve", servePod(c))) {
            List<String> configBefore = pod.configFiles();
            pod.start();
            // the pod passed the production checks without the owner password (serve mode), and
            // refuses to serve the empty database
            var ready = pod.await("/health/ready", 200, Duration.ofSeconds(20));
            assertThat(ready.status()).as(pod.log()).isEqualTo(503);
            assertThat(ready.body())
                    .contains("schema is at version none")
                    .contains("run the migration Job");
            assertThat(messages("pkg-serve"))
                    .contains("Production profile: the configuration passed the startup checks")
                    .contains("Refusing to serve: database schema is at version none");
            try (Connection s = asSuperuser(c.database())) {
                assertThat(
                                Db.count(
                                        s,
                                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                        .as("nothing created by the application pod")
                        .isZero();
            }

            // The Job with the published development owner password is refused by the production
            // profile: it exits 1 at once, naming the setting, and migrates nothing ...
            Map<String, String> devOwner = migrationJob(c);
            devOwner.put("GATEHOUSE_DB_OWNER_PASSWORD", "gatehouse-owner-dev");
            PackagedServer refused = PackagedServer.create("pkg-migrate-refused", devOwner);
            assertThat(refused.runToExit(Duration.ofSeconds(240))).as(refused.log()).isEqualTo(1);
            assertThat(messages("pkg-migrate-refused"))
                    .contains("Refused setting: GATEHOUSE_DB_OWNER_PASSWORD")
                    .doesNotContain("Database migration failed");

            // ... with a wrong owner password the migration fails: exit status 1 ...
            Map<String, String> wrongOwner = migrationJob(c);
            wrongOwner.put("GATEHOUSE_DB_OWNER_PASSWORD", "wrong-" + UUID.randomUUID());
            PackagedServer failing = PackagedServer.create("pkg-migrate-fail", wrongOwner);
            assertThat(failing.runToExit(Duration.ofSeconds(240))).as(failing.log()).isEqualTo(1);

            // ... and with the owner's credentials alone it passes the checks, migrates, exits 0.
            PackagedServer job = PackagedServer.create("pkg-migrate", migrationJob(c));
            assertThat(job.runToExit(Duration.ofSeconds(240))).as(job.log()).isEqualTo(0);
            assertThat(messages("pkg-migrate"))
                    .contains("Production profile: the configuration passed the startup checks");
            try (Connection s = asSuperuser(c.database())) {
                long migrations;
                try (Stream<Path> files = Files.list(Path.of("db/migrations"))) {
                    migrations = files.filter(p -> p.toString().endsWith(".sql")).count();
                }
                assertThat(Db.count(s, "SELECT count(*) FROM flyway_schema_history WHERE success"))
                        .isEqualTo(migrations);
            }

            // the waiting application pod notices and becomes ready
            var after = pod.await("/health/ready", 200, Duration.ofSeconds(60));
            assertThat(after.status()).as(after.body()).isEqualTo(200);
            assertThat(after.body()).contains("schemaVersion");

            // and serves, through the runtime role: the first platform admin (from its Secret)
            // signs in and creates a tenant, whose admin creates an API key for /v1
            Http http = pod.http();
            String platform = login(http, "platform-admin", c.adminPassword());
            Http.Response tenant =
                    http.post(
                            "/api/v1/tenants",
                            "{\"slug\":\"acme\",\"displayName\":\"Acme\",\"admin\":{\"username\":"
                                    + "\"acme-admin\",\"password\":\"acme-admin-password\"}}",
                            "Authorization",
                            "Bearer " + platform);
            assertThat(tenant.status()).as(tenant.toString()).isEqualTo(201);
            String admin = login(http, "acme-admin", "acme-admin-password");
            Http.Response key =
                    http.post(
                            "/api/v1/keys",
                            "{\"name\":\"first key\"}",
                            "Authorization",
                            "Bearer " + admin);
            assertThat(key.status()).as(key.toString()).isEqualTo(201);
            Http.Response models =
                    http.get(
                            "/v1/models", "Authorization", "Bearer " + key.json().getString("key"));
            assertThat(models.status()).as(models.toString()).isEqualTo(200);
            assertThat(models.body()).contains("\"object\"");
            Http.Response noKey = http.get("/v1/models");
            assertThat(noKey.status()).isEqualTo(401);
            assertThat(noKey.json().getJsonObject("error")).isNotNull();

            // every connection of the pod's runtime role is TLS (it could not be otherwise with
            // verify-full; this shows the setting was not dropped on the way to the driver)
            try (Connection s = Db.asSuperuser();
                    PreparedStatement st =
                            s.prepareStatement(
                                    "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE"
                                            + " NOT s.ssl) FROM pg_stat_activity a JOIN pg_stat_ssl s"
                                            + " USING (pid) WHERE a.usename = ?")) {
                st.setString(1, c.app());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("the pod's TLS connections").isPositive();
                    assertThat(rs.getLong(2)).as("the pod's connections without TLS").isZero();
                }
            }

            // nothing written into the configuration directory (the image's read-only /config)
            assertThat(pod.configFiles()).isEqualTo(configBefore);
        } finally {
            c.drop();
        }
    }

    /**
     * The negative control of the pod's verify-full URL: with the same credentials the driver
     * refuses a host name the server's certificate does not carry, and a CA that did not sign it,
     * and connects over TLS with the name and CA the pod uses. About 3 s, no server start.
     */
    @Test
    void verifyFullRefusesAnotherHostNameAndAnotherCa() throws Exception {
        String ca = TestEnv.dbCa().toString();
        String other =
                TestCa.create(Files.createTempDirectory("gatehouse-not-the-db-ca"))
                        .caPem()
                        .toString();

        try (Connection ok = verifyFull("localhost", ca);
                Statement st = ok.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("the connection is TLS").isTrue();
        }
        // 08006: the connection failed (a wrong password would be 28P01)
        assertThatThrownBy(() -> verifyFull("127.0.0.1", ca).close())
                .as("the certificate names localhost only")
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
        assertThatThrownBy(() -> verifyFull("localhost", other).close())
                .as("a CA that did not sign the server's certificate")
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
    }

    private static Connection verifyFull(String host, String rootCert) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://"
                        + host
                        + ":"
                        + TestEnv.dbPort()
                        + "/"
                        + TestEnv.dbName()
                        + "?sslmode=verify-full&sslrootcert="
                        + rootCert,
                TestEnv.env("GATEHOUSE_TEST_SUPERUSER", "gatehouse_test_super"),
                TestEnv.env("GATEHOUSE_TEST_SUPERUSER_PASSWORD", "gatehouse-test-super"));
    }

    private static String login(Http http, String username, String password) {
        Http.Response r =
                http.post(
                        "/api/v1/auth/login",
                        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status()).as(username + ": " + r).isEqualTo(200);
        return r.json().getString("access_token");
    }

    private static String messages(String server) throws Exception {
        return Files.readString(
                Path.of("target/packaged-output/" + server + "/" + server + "/logs/messages.log"));
    }

    private static Connection asSuperuser(String database) throws Exception {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + TestEnv.dbHost() + ":" + TestEnv.dbPort() + "/" + database,
                TestEnv.env("GATEHOUSE_TEST_SUPERUSER", "gatehouse_test_super"),
                TestEnv.env("GATEHOUSE_TEST_SUPERUSER_PASSWORD", "gatehouse-test-super"));
    }
}
