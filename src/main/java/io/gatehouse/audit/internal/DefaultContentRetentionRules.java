package io.gatehouse.audit.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.ContentRetentionRules;
import io.gatehouse.audit.internal.persistence.ContentRetention;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The retention setting as a rule for content kept outside the audit trail. */
@ApplicationScoped
public class DefaultContentRetentionRules implements ContentRetentionRules {
    @Inject RetentionService retention;

    @Override
    public Keeping keeping(TenantId tenant) {
        ContentRetention mode = retention.modeFor(tenant);
        if (mode != ContentRetention.FULL) {
            return new Keeping(false, 0);
        }
        return new Keeping(true, retention.setting(tenant).retentionDays());
    }

    @Override
    public int retentionDays(TenantId tenant) {
        return retention.setting(tenant).retentionDays();
    }

    @Override
    public Bodies bodies(TenantId tenant) {
        return switch (retention.modeFor(tenant)) {
            case NONE -> Bodies.NONE;
            case HASHED -> Bodies.HASHED;
            case REDACTED -> Bodies.REDACTED;
            case FULL -> Bodies.FULL;
        };
    }

    @Override
    public Deleted deleteUnlessHeld(TenantId tenant, Deletion deletion, AuditEvent event) {
        return retention.deleteUnlessHeld(tenant, deletion, event);
    }
}
