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
    cfg.setProperty("hibernate.connection.username", TestEnv.env("GATEHOUSE_DB_USER", "gatehouse_app"));
    cfg.setProperty(
        "hibernate.connection.password", TestEnv.env("GATEHOUSE_DB_PASSWORD", "gatehouse-app-dev"));
    cfg.setProperty("hibernate.hbm2ddl.auto", "validate");
    try (SessionFactory sf = cfg.buildSessionFactory()) {
      assertThat(sf.getMetamodel().getEntities()).hasSize(entities.size());
    }
  }

  @Test
  void runtimeRoleCannotChangeTheSchema() throws SQLException {
    try (Connection c = Db.asApp(); Statement st = c.createStatement()) {
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
    try (Connection c = Db.asApp(); Statement st = c.createStatement()) {
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
    try (Connection c = Db.asOwner(); Statement st = c.createStatement()) {
      c.setAutoCommit(false); // everything below is rolled back: the real chains stay untouched
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
          assertThatThrownBy(() -> st.execute(sql)).as(sql).hasMessageContaining("append-only");
          c.rollback(sp);
        }
      } finally {
        c.rollback();
      }
    }
  }
}
