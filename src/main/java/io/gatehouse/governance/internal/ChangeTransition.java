package io.gatehouse.governance.internal;

import io.gatehouse.shared.TenantId;
import java.time.Instant;
import java.util.UUID;

/**
 * Fired (synchronously, inside the transaction) whenever a change request changes state or takes a
 * new revision. Observe it with {@code @Observes(during = TransactionPhase.AFTER_SUCCESS)} to react
 * only once it has committed. Carries no content, so no secrets.
 *
 * @param action what happened, e.g. {@code submit}, {@code approve}, {@code publish}, {@code
 *     rollback}
 * @param fromState the state before (null for a new change)
 * @param toState the state after
 */
public record ChangeTransition(
        TenantId tenant,
        UUID changeId,
        String kind,
        String target,
        String action,
        String fromState,
        String toState,
        int revision,
        String actor,
        String requestId,
        Instant at) {}
