package io.gatehouse.audit.internal.persistence;

import io.gatehouse.shared.error.ServiceUnavailableException;

/** The audit trail could not make an event durable; the action must not proceed (HTTP 503). */
public class AuditUnavailableException extends ServiceUnavailableException {
    public AuditUnavailableException(String message) {
        super("audit_unavailable", message);
    }
}
