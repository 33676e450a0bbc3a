package io.gatehouse.audit;

/**
 * Records audit events. Both methods return only once the event is durable (or will be, with the
 * caller's transaction) and throw a {@link io.gatehouse.shared.error.ServiceUnavailableException}
 * ({@code audit_unavailable}, HTTP 503) when it cannot be recorded, so that a failed audit write
 * fails the action (fail closed).
 */
public interface AuditRecorder {

    /**
     * Records an event in its own transaction. Concurrent callers are group-committed: many events,
     * one lock and one commit.
     */
    void record(AuditEvent event);

    /**
     * Records an event inside the caller's current JTA transaction, so that a state change (a
     * publish, a revocation) and its event commit or roll back together. Requires an active
     * transaction.
     */
    void recordInTransaction(AuditEvent event);
}
