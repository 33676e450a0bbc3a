package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.AuditEvent;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Appends an event inside the caller's JTA transaction (the locked path of {@link ChainAppender}):
 * it commits or rolls back with the caller's own writes. A bean of its own, without the group
 * commit's writer thread and metrics, so that in-container tests deploy it alone ({@code
 * TransactionalAppendIT}).
 */
@ApplicationScoped
public class TransactionalAppend {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    @Resource TransactionSynchronizationRegistry transactions;

    /**
     * @throws IllegalStateException without an active JTA transaction
     * @throws SQLException when the event could not be appended (the transaction must roll back)
     */
    public RecordedEvent append(AuditEvent event, ContentRetention retention) throws SQLException {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            throw new IllegalStateException("recordInTransaction needs an active JTA transaction");
        }
        // Inside a JTA transaction Liberty hands out the transaction's shared connection.
        try (Connection c = dataSource.getConnection()) {
            return ChainAppender.append(c, List.of(ChainAppender.Pending.of(event, retention)))
                    .get(0);
        }
    }
}
