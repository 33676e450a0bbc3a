package io.gatehouse.audit.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.ContentRetention;
import io.gatehouse.audit.RecordedEvent;
import io.gatehouse.audit.internal.persistence.GroupCommitAuditLog;
import io.gatehouse.shared.RequestIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Records events through the group-committing log (or inside the caller's transaction). An event of
 * the request the current thread serves also gets the client's own request id ({@code
 * client.request_id}), so no caller has to pass it along.
 */
@ApplicationScoped
public class DefaultAuditRecorder implements AuditRecorder {
    @Inject GroupCommitAuditLog log;
    @Inject RetentionService retention;

    @Override
    public RecordedEvent record(AuditEvent event) {
        long start = System.nanoTime();
        AuditEvent e = withClientRequestId(event);
        return log.append(e, retentionOf(e), start);
    }

    @Override
    public RecordedEvent recordInTransaction(AuditEvent event) {
        AuditEvent e = withClientRequestId(event);
        return log.appendInTransaction(e, retentionOf(e));
    }

    /** Adds the client's own request id to an event of the request this thread is serving. */
    static AuditEvent withClientRequestId(AuditEvent event) {
        String clientId = RequestIds.clientIdOf(event.requestId());
        return clientId == null ? event : event.withDetail(RequestIds.CLIENT_DETAIL, clientId);
    }

    private ContentRetention retentionOf(AuditEvent event) {
        return event.content() == null ? ContentRetention.NONE : retention.modeFor(event.tenant());
    }
}
