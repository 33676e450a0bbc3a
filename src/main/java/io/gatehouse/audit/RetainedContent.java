package io.gatehouse.audit;

import io.gatehouse.shared.TenantId;
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
     * Deletes {@code tenant}'s content that its current setting no longer keeps at {@code now};
     * returns how many items were deleted. Audit calls it only while the tenant has no active legal
     * hold, and holds the tenant's hold lock until it returns, so a hold placed meanwhile waits for
     * it: the implementation trusts that and checks no hold itself.
     */
    long purgeExpired(TenantId tenant, Instant now);
}
