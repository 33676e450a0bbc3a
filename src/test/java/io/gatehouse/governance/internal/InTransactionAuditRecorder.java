package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.internal.persistence.AuditUnavailableException;
import io.gatehouse.audit.internal.persistence.ContentRetention;
import io.gatehouse.audit.internal.persistence.TransactionalAppend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;

/**
 * {@code ChangeTransitionsIT}'s audit recorder: the production in-transaction append (the only path
 * the state machine uses), without the group-commit writer thread the application already runs.
 * {@link #record} is not part of the deployment.
 */
@ApplicationScoped
public class InTransactionAuditRecorder implements AuditRecorder {
    @Inject TransactionalAppend append;

    @Override
    public void record(AuditEvent event) {
        throw new UnsupportedOperationException("the change state machine records in transaction");
    }

    @Override
    public void recordInTransaction(AuditEvent event) {
        try {
            append.append(event, ContentRetention.NONE);
        } catch (SQLException e) {
            throw new AuditUnavailableException("The audit event could not be recorded");
        }
    }
}
