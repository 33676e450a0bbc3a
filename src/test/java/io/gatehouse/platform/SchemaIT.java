package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.TestEnv;
import jakarta.persistence.Entity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;

/** Flyway owns the schema; the entity mappings must match what it built; roles are separated. */
class SchemaIT {

    @Test
    void everyMigrationInDbMigrationsWasApplied() throws Exception {
        List<String> files;
        try (Stream<Path> s = Files.list(Path.of("db/migrations"))) {
            files =
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.matches("V\\d+(_\\d+)?__.+\\.sql"))
                            .map(n -> n.substring(1, n.indexOf("__")).replace('_', '.'))
                            .sorted()
                            .toList();
        }
        assertThat(files).isNotEmpty();
        List<String> applied = new ArrayList<>();
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            while (rs.next()) {
                if (rs.getString(1) != null) {
                    applied.add(rs.getString(1));
                }
            }
        }
        assertThat(applied).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void entityMappingsMatchTheMigratedSchema() {
        List<Class<?>> entities =
                new ClassFileImporter()
                                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                                .importPackages("io.gatehouse")
                                .stream()
                                .filter(c -> c.isAnnotatedWith(Entity.class))
                                .map(JavaClass::reflect)
                                .<Class<?>>map(c -> c)
                                .toList();
        assertThat(entities).isNotEmpty();
        Configuration cfg = new Configuration();
        entities.forEach(cfg::addAnnotatedClass);
        cfg.setProperty("hibernate.connection.url", TestEnv.jdbcUrl());
        cfg.setProperty(
                "hibernate.connection.username", TestEnv.env("GATEHOUSE_DB_USER", "gatehouse_app"));
        cfg.setProperty(
                "hibernate.connection.password",
                TestEnv.env("GATEHOUSE_DB_PASSWORD", "gatehouse-app-dev"));
        cfg.setProperty("hibernate.hbm2ddl.auto", "validate");
        try (SessionFactory sf = cfg.buildSessionFactory()) {
            assertThat(sf.getMetamodel().getEntities()).hasSize(entities.size());
        }
    }

    @Test
    void runtimeRoleCannotChangeTheSchema() throws SQLException {
        try (Connection c = Db.asApp();
                Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("CREATE TABLE sneaky (id int)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("ALTER TABLE edge_tenants ADD COLUMN x int"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("owner");
        }
    }

    @Test
    void runtimeRoleCanOnlyAppendToTheAuditTrail() throws SQLException {
        try (Connection c = Db.asApp();
                Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("UPDATE audit_events SET actor = 'x'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("DELETE FROM audit_events"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("TRUNCATE audit_events"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void evenTheOwnerCannotRewriteTheAuditTrail() throws SQLException {
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement()) {
            c.setAutoCommit(
                    false); // everything below is rolled back: the real chains stay untouched
            try {
                st.execute(
                        "INSERT INTO audit_events (chain_id, seq, event_id, occurred_at, actor_kind, actor,"
                                + " action, outcome, prev_hash, hash) VALUES ('platform', 999999999,"
                                + " gen_random_uuid(), now(), 'system', 'schema-test', 'test.insert', 'success',"
                                + " 'x', 'y')");
                for (String sql :
                        List.of(
                                "UPDATE audit_events SET actor = 'x' WHERE seq = 999999999",
                                "DELETE FROM audit_events WHERE seq = 999999999",
                                "TRUNCATE audit_events")) {
                    var sp = c.setSavepoint();
                    assertThatThrownBy(() -> st.execute(sql))
                            .as(sql)
                            .hasMessageContaining("append-only");
                    c.rollback(sp);
                }
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * Checkpoint keys: the runtime role reads them and adds one only through audit_add_signing_key
     * (SECURITY DEFINER, owned by the owner role), which checks what it can and keeps one key
     * active. Everything below runs in transactions that are rolled back: the server's keys stay as
     * they are.
     */
    @Test
    void runtimeRoleWritesSigningKeysOnlyThroughTheDefinerFunction() throws Exception {
        java.security.KeyPair pair =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pub = java.util.Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        String keyId =
                io.gatehouse.audit.chain.CheckpointStatement.keyIdOf(pair.getPublic().getEncoded());
        try (Connection c = Db.asApp();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                for (String sql :
                        List.of(
                                "INSERT INTO audit_signing_keys (key_id, algorithm, public_key, private_key_sealed,"
                                        + " created_at) VALUES ('"
                                        + keyId
                                        + "', 'Ed25519', '"
                                        + pub
                                        + "', 'x', now())",
                                "UPDATE audit_signing_keys SET retired_at = now() WHERE retired_at IS NULL",
                                "UPDATE audit_signing_keys SET public_key = 'x'",
                                "DELETE FROM audit_signing_keys",
                                "TRUNCATE audit_signing_keys")) {
                    var sp = c.setSavepoint();
                    assertThatThrownBy(() -> st.execute(sql))
                            .as(sql)
                            .isInstanceOf(SQLException.class)
                            .hasMessageContaining("permission denied");
                    c.rollback(sp);
                }

                String active = null;
                try (ResultSet rs =
                        st.executeQuery(
                                "SELECT key_id FROM audit_signing_keys WHERE retired_at IS NULL")) {
                    if (rs.next()) {
                        active = rs.getString(1);
                    }
                }
                String introduction = active == null ? null : "c2lnbmF0dXJl";
                // refused: a key id not derived from the key, a public key that is no Ed25519 key,
                // the
                // wrong key named as the active one, an introduction without the key it comes from
                List<Object[]> refused =
                        List.of(
                                new Object[] {"ed25519:0000000000000000", pub, active, null},
                                new Object[] {keyId, "bm90IGEga2V5", active, null},
                                new Object[] {keyId, pub, "ed25519:someoneelse", null},
                                new Object[] {keyId, pub, null, "c2lnbmF0dXJl"});
                for (Object[] args : refused) {
                    var sp = c.setSavepoint();
                    assertThatThrownBy(
                                    () ->
                                            addKey(
                                                    c,
                                                    (String) args[0],
                                                    (String) args[1],
                                                    (String) args[2],
                                                    (String) args[3]))
                            .as(java.util.Arrays.toString(args))
                            .isInstanceOf(SQLException.class);
                    c.rollback(sp);
                }

                java.time.OffsetDateTime created = addKey(c, keyId, pub, active, introduction);
                assertThat(created).isNotNull();
                try (ResultSet rs =
                        st.executeQuery(
                                "SELECT key_id, introduced_by, introduction, created_at FROM audit_signing_keys"
                                        + " WHERE retired_at IS NULL")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(keyId);
                    assertThat(rs.getString(2)).isEqualTo(active);
                    assertThat(rs.getString(3)).isEqualTo(introduction);
                    assertThat(rs.getObject(4, java.time.OffsetDateTime.class)).isEqualTo(created);
                    assertThat(rs.next()).as("one active key").isFalse();
                }
                if (active != null) {
                    assertThat(
                                    Db.count(
                                            c,
                                            "SELECT count(*) FROM audit_signing_keys WHERE key_id = ? AND retired_at IS NOT NULL",
                                            active))
                            .isEqualTo(1);
                }
            } finally {
                c.rollback();
            }
        }
        // The function runs as its owner, the owner role; the runtime role may only execute it.
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT p.prosecdef, pg_get_userbyid(p.proowner), has_function_privilege('public',"
                                        + " p.oid, 'EXECUTE') FROM pg_proc p WHERE p.proname = 'audit_add_signing_key'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("SECURITY DEFINER").isTrue();
            assertThat(rs.getString(2))
                    .isEqualTo(TestEnv.env("GATEHOUSE_DB_OWNER_USER", "gatehouse_owner"));
            assertThat(rs.getBoolean(3)).as("PUBLIC may execute").isFalse();
        }
    }

    private static java.time.OffsetDateTime addKey(
            Connection c, String keyId, String pub, String replaces, String introduction)
            throws SQLException {
        try (var ps =
                c.prepareStatement(
                        "SELECT audit_add_signing_key(?, 'Ed25519', ?, 'sealed', ?, ?)")) {
            ps.setString(1, keyId);
            ps.setString(2, pub);
            ps.setString(3, replaces);
            ps.setString(4, introduction);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, java.time.OffsetDateTime.class);
            }
        }
    }
}
