package io.gatehouse.routing.internal.persistence;

import io.gatehouse.audit.ContentRetentionRules;
import io.gatehouse.audit.RetainedContent;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * Audit's retention purge reaching the stored responses: under the tenant's CURRENT rule, all of a
 * tenant that keeps no content any more, and those older than its current retention period or
 * expired. Legal holds are audit's to check (it calls only for a tenant without one, under its hold
 * lock, and the deletion runs on audit's connection so it commits with that lock), so nothing here
 * reads them.
 */
@ApplicationScoped
public class StoredResponsePurge implements RetainedContent {
    @Inject ContentRetentionRules rules;
    @Inject StoredResponseRows rows;

    @Override
    public Collection<TenantId> tenants() {
        try {
            return rows.tenants();
        } catch (SQLException e) {
            throw new IllegalStateException("Stored responses not purged", e);
        }
    }

    @Override
    public long purgeExpired(Connection c, TenantId tenant, Instant now) throws SQLException {
        ContentRetentionRules.Keeping k = rules.keeping(tenant);
        return rows.purge(
                c,
                tenant,
                !k.keepsContent(),
                now,
                now.minus(Duration.ofDays(Math.max(k.retentionDays(), 0))));
    }
}
