package io.gatehouse.audit.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.ContentRetention;
import io.gatehouse.audit.RecordedEvent;
import io.gatehouse.audit.internal.persistence.GroupCommitAuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Records events through the group-committing log (or inside the caller's transaction). */
@ApplicationScoped
public class DefaultAuditRecorder implements AuditRecorder {
  @Inject GroupCommitAuditLog log;
  @Inject RetentionService retention;

  @Override
  public RecordedEvent record(AuditEvent event) {
    long start = System.nanoTime();
    return log.append(event, retentionOf(event), start);
  }

  @Override
  public RecordedEvent recordInTransaction(AuditEvent event) {
    return log.appendInTransaction(event, retentionOf(event));
  }

  private ContentRetention retentionOf(AuditEvent event) {
    return event.content() == null ? ContentRetention.NONE : retention.modeFor(event.tenant());
  }
}
