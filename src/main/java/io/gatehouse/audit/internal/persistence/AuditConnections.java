package io.gatehouse.audit.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * JDBC access for the audit module's reads and jobs. The trail is read with plain JDBC (streaming
 * cursors with a fetch size), never through JPA: exports and verification must run in constant
 * memory over millions of rows.
 */
@ApplicationScoped
public class AuditConnections {
    /** Rows per round trip of a streaming cursor. */
    public static final int FETCH_SIZE = 1000;

    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** Work on a connection; may throw SQLException. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in its own transaction and commits it. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    /**
     * Runs read-only {@code work} in one REPEATABLE READ transaction, then rolls it back: all its
     * queries see one snapshot (events and checkpoints agree), and PostgreSQL streams a cursor with
     * a fetch size only outside auto-commit.
     */
    public <T> T reading(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return work.run(c);
            } finally {
                rollbackQuietly(c);
                try {
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection is discarded by the pool
                }
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }
}
