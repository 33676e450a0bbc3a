package io.gatehouse.governance;

import io.gatehouse.shared.Caller;
import java.util.UUID;

/**
 * Who publishes which change, handed to {@link ChangeKind#apply}.
 *
 * @param changeId the change request being published (or rolled back to)
 * @param publisher the caller publishing
 * @param requestId the HTTP request id
 * @param rollback true when this re-applies an earlier approved version (break-glass rollback)
 */
public record ChangeContext(UUID changeId, Caller publisher, String requestId, boolean rollback) {}
