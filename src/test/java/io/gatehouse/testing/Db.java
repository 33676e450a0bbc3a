package io.gatehouse.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** JDBC connections to the test database as each of its roles. */
public final class Db {
    private Db() {}

    public static Connection asApp() throws SQLException {
        return DriverManager.getConnection(
                TestEnv.jdbcUrl(),
                TestEnv.env("GATEHOUSE_DB_USER", "gatehouse_app"),
                TestEnv.env("GATEHOUSE_DB_PASSWORD", "gatehouse-app-dev"));
    }

    public static Connection asOwner() throws SQLException {
        return DriverManager.getConnection(
                TestEnv.jdbcUrl(),
                TestEnv.env("GATEHOUSE_DB_OWNER_USER", "gatehouse_owner"),
                TestEnv.env("GATEHOUSE_DB_OWNER_PASSWORD", "gatehouse-owner-dev"));
    }

    /** A superuser, as an attacker with database access would be. */
    public static Connection asSuperuser() throws SQLException {
        return DriverManager.getConnection(
                TestEnv.jdbcUrl(),
                TestEnv.env("GATEHOUSE_TEST_SUPERUSER", "gatehouse_test_super"),
                TestEnv.env("GATEHOUSE_TEST_SUPERUSER_PASSWORD", "gatehouse-test-super"));
    }

    public static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
