package io.gatehouse.audit.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.internal.persistence.AuditAppend;
import io.gatehouse.audit.internal.persistence.ContentRetention;
import io.gatehouse.audit.internal.persistence.GroupCommitAuditLog;
import io.gatehouse.audit.internal.persistence.RecordedEvent;
import io.gatehouse.shared.RequestIds;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Records events through the group-committing log (or inside the caller's transaction). An event of
 * the request the current thread serves also gets the client's own request id ({@code
 * client.request_id}), so no caller has to pass it along.
 */
@ApplicationScoped
public class DefaultAuditRecorder implements AuditRecorder {
    @Inject GroupCommitAuditLog log;
    @Inject RetentionService retention;
    @Inject Tracer tracer;

    @Override
    public void record(AuditEvent event) {
        long start = System.nanoTime();
        AuditEvent e = withClientRequestId(event);
        // The wait for a durable event is its own span: the group commit is often the longest part.
        Span span =
                tracer.spanBuilder("gatehouse.audit.record")
                        .setAttribute("gatehouse.audit.action", e.action())
                        .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            log.append(e, retentionOf(e), start);
        } catch (RuntimeException failure) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute("error.type", failure.getClass().getSimpleName());
            throw failure;
        } finally {
            span.end();
        }
    }

    @Override
    public void recordInTransaction(AuditEvent event) {
        AuditEvent e = withClientRequestId(event);
        log.appendInTransaction(e, retentionOf(e));
    }

    /**
     * Records an event on a connection the audit module holds in its own JDBC transaction ({@code
     * AuditConnections}), so that the module's own state changes (a retention setting, a legal
     * hold, a purge) and their events commit or roll back together: {@link #recordInTransaction}
     * for the module's plain-JDBC writes, which no JTA transaction covers.
     */
    RecordedEvent recordOn(Connection c, AuditEvent event) throws SQLException {
        return AuditAppend.on(c, withClientRequestId(event));
    }

    /** Adds the client's own request id to an event of the request this thread is serving. */
    private static AuditEvent withClientRequestId(AuditEvent event) {
        String clientId = RequestIds.clientIdOf(event.requestId());
        return clientId == null ? event : event.withDetail(RequestIds.CLIENT_DETAIL, clientId);
    }

    private ContentRetention retentionOf(AuditEvent event) {
        return event.content() == null ? ContentRetention.NONE : retention.modeFor(event.tenant());
    }
}
