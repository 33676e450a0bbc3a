package io.gatehouse.audit;

import io.gatehouse.shared.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;

/**
 * Content another module keeps under a tenant's retention setting ({@link ContentRetentionRules}):
 * audit's retention purge (scheduled and on demand) calls every implementation after its own, so
 * that the tenant's retention deletion reaches that content too. Legal holds are audit's: the
 * implementation never reads them, it is only called for tenants that are not held.
 */
public interface RetainedContent {

    /** The tenants that have content here: the purge visits each. */
    Collection<TenantId> tenants();

    /**
     * Deletes {@code tenant}'s content that its current setting no longer keeps at {@code now}, ON
     * {@code c}; returns how many items were deleted. {@code c} is audit's connection, in a
     * transaction that holds the tenant's hold lock and has found no active legal hold: the
     * deletion commits with that transaction (after this returns), so a hold placed meanwhile waits
     * for it and a hold placed before it is seen. The implementation checks no hold itself, neither
     * commits nor closes {@code c}, and deletes on no other connection.
     */
    long purgeExpired(Connection c, TenantId tenant, Instant now) throws SQLException;
}
