package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.AuditEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Appends an event on a connection the caller holds in its own JDBC transaction, so that the audit
 * module's own state changes (a retention setting, a legal hold, a purge) commit or roll back
 * together with their event. The locked path of {@link ChainAppender}: the chain's advisory lock,
 * its head read under the lock, the insert.
 */
public final class AuditAppend {
    private AuditAppend() {}

    public static RecordedEvent on(Connection c, AuditEvent event) throws SQLException {
        return ChainAppender.append(c, List.of(ChainAppender.Pending.of(event))).get(0);
    }
}
