package io.gatehouse.audit;

import io.gatehouse.shared.TenantId;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Content another module keeps under a tenant's retention setting ({@link ContentRetentionRules}):
 * audit's retention purge (scheduled and on demand) calls every implementation after its own, so
 * that the tenant's retention deletion reaches that content too.
 */
public interface RetainedContent {

    /**
     * Deletes what expired before {@code now}, except for tenants {@code held} (an active legal
     * hold); returns how many items were deleted.
     */
    long purgeExpired(Instant now, Predicate<TenantId> held);
}
