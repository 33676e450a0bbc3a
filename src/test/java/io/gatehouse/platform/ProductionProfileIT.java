package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code GATEHOUSE_PROFILE=production}: a server with unsafe settings does not start and its log
 * names every offending setting in one go; a server with safe settings, its secrets read from
 * mounted files ({@code GATEHOUSE_*_FILE}), starts on its own database and serves.
 */
class ProductionProfileIT {
    static final String DEMO_KEY = "ZGVtby1vbmx5LW1hc3Rlci1rZXktbm90LXNlY3JldCE=";

    @Test
    void unsafeSettingsAreRefusedAtStartEachNamedAndNothingIsServed() {
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_PROFILE", "production");
        env.put("GATEHOUSE_DEMO_ENABLED", "true");
        env.put("GATEHOUSE_MASTER_KEY", DEMO_KEY);
        env.put("GATEHOUSE_PUBLIC_URL", "http://localhost:9080");
        env.put("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", "gatehouse-platform-admin");
        // the database and keystore passwords: unset, so server.xml's development defaults
        env.put("GATEHOUSE_DB_PASSWORD", null);
        env.put("GATEHOUSE_DB_OWNER_PASSWORD", null);
        env.put("GATEHOUSE_KEYSTORE_PASSWORD", null);
        try (LibertyInstance refused = LibertyInstance.launch("gatehouse-prod-refused", env)) {
            assertThat(refused.awaitLog("Gatehouse refuses to start", Duration.ofSeconds(120)))
                    .as("refusal logged")
                    .isTrue();
            refused.awaitLog("CWWKF0011I", Duration.ofSeconds(60));
            String log = refused.messagesLog();
            for (String setting :
                    List.of(
                            "GATEHOUSE_DEMO_ENABLED:",
                            "GATEHOUSE_DB_PASSWORD:",
                            "GATEHOUSE_DB_OWNER_PASSWORD:",
                            "GATEHOUSE_KEYSTORE_PASSWORD:",
                            "GATEHOUSE_MASTER_KEY:",
                            "GATEHOUSE_PUBLIC_URL:",
                            "GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD:")) {
                assertThat(log).as("log names " + setting).contains(setting);
            }
            // the application did not start: no readiness, no gateway, no login
            Http http = refused.http();
            assertThat(http.get("/health/ready").status()).isNotEqualTo(200);
            Http.Response chat =
                    http.post(
                            "/v1/chat/completions",
                            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                            "Authorization",
                            "Bearer " + TestTenant.DEMO_API_KEY);
            assertThat(chat.status()).as(chat.toString()).isNotEqualTo(200);
            assertThat(
                            http.post(
                                            "/api/v1/auth/login",
                                            "{\"username\":\"admin\",\"password\":\""
                                                    + TestTenant.DEMO_PASSWORD
                                                    + "\"}")
                                    .status())
                    .isNotEqualTo(200);
        }
    }

    @Test
    void safeSettingsFromSecretFilesStartAndServe() throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String db = "gatehouse_prod_" + suffix;
        String owner = "gh_prod_owner_" + suffix;
        String app = "gh_prod_app_" + suffix;
        String ownerPw = "owner-" + UUID.randomUUID();
        String appPw = "app-" + UUID.randomUUID();
        String adminPw = "admin-" + UUID.randomUUID();
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        String masterKey = java.util.Base64.getEncoder().encodeToString(raw);
        try (Connection c = Db.asSuperuser();
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + owner + " LOGIN PASSWORD '" + ownerPw + "'");
            s.execute("CREATE ROLE " + app + " LOGIN PASSWORD '" + appPw + "'");
            s.execute("CREATE DATABASE " + db + " OWNER " + owner);
        }
        String url = io.gatehouse.testing.TestEnv.jdbcUrl().replaceFirst("/[^/]+$", "/" + db);
        try (Connection c =
                        java.sql.DriverManager.getConnection(
                                url,
                                System.getenv()
                                        .getOrDefault(
                                                "GATEHOUSE_TEST_SUPERUSER", "gatehouse_test_super"),
                                System.getenv()
                                        .getOrDefault(
                                                "GATEHOUSE_TEST_SUPERUSER_PASSWORD",
                                                "gatehouse-test-super"));
                Statement s = c.createStatement()) {
            s.execute(
                    "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO "
                            + app
                            + "; GRANT CREATE, USAGE ON SCHEMA public TO "
                            + owner);
        }
        Path secrets = Files.createTempDirectory("gatehouse-secrets");
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_PROFILE", "production");
        env.put("GATEHOUSE_DEMO_ENABLED", null);
        env.put("GATEHOUSE_PUBLIC_URL", "https://gatehouse.example.test");
        env.put("GATEHOUSE_DB_NAME", db);
        env.put("GATEHOUSE_DB_USER", app);
        env.put("GATEHOUSE_DB_OWNER_USER", owner);
        Map<String, String> files =
                Map.of(
                        "GATEHOUSE_DB_PASSWORD", appPw,
                        "GATEHOUSE_DB_OWNER_PASSWORD", ownerPw,
                        "GATEHOUSE_KEYSTORE_PASSWORD", "keystore-" + suffix,
                        "GATEHOUSE_MASTER_KEY", masterKey,
                        "GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", adminPw);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = secrets.resolve(f.getKey().toLowerCase());
            Files.writeString(file, f.getValue() + "\n"); // as `kubectl create secret` files end
            env.put(f.getKey(), null);
            env.put(f.getKey() + "_FILE", file.toString());
        }
        LibertyInstance good = null;
        try {
            good = LibertyInstance.start("gatehouse-prod-ok", env);
            good.awaitReady(Duration.ofSeconds(180));
            assertThat(good.messagesLog())
                    .contains("Production profile: the configuration passed the startup checks")
                    .doesNotContain("Gatehouse refuses to start")
                    .doesNotContain(masterKey)
                    .doesNotContain(appPw)
                    // messages.log is JSON, which writes '/' as '\/'
                    .doesNotContain(masterKey.replace("/", "\\/"))
                    .doesNotContain(appPw.replace("/", "\\/"));
            // the bootstrap admin's password came from its file
            Http.Response login =
                    good.http()
                            .post(
                                    "/api/v1/auth/login",
                                    "{\"username\":\"platform-admin\",\"password\":\""
                                            + adminPw
                                            + "\"}");
            assertThat(login.status()).as(login.toString()).isEqualTo(200);
            String token = login.json().getString("access_token");
            Http.Response me = good.http().get("/api/v1/me", "Authorization", "Bearer " + token);
            assertThat(me.status()).as(me.toString()).isEqualTo(200);
            // no demo mode: the demo key is unknown here
            assertThat(
                            good.http()
                                    .get(
                                            "/v1/models",
                                            "Authorization",
                                            "Bearer " + TestTenant.DEMO_API_KEY)
                                    .status())
                    .isEqualTo(401);
        } finally {
            if (good != null) {
                good.close();
            }
            try (Connection c = Db.asSuperuser();
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                s.execute("DROP ROLE IF EXISTS " + app);
                s.execute("DROP ROLE IF EXISTS " + owner);
            }
            for (String f : files.keySet()) {
                Files.deleteIfExists(secrets.resolve(f.toLowerCase()));
            }
            Files.deleteIfExists(secrets);
        }
    }
}
