package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.edge.internal.persistence.UserEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/**
 * The short transactions around a change of one's own password; both Argon2 computations (checking
 * the current password, hashing the new one) run between them, without a connection held.
 */
@ApplicationScoped
public class PasswordChanges {
    @Inject JpaIdentity identity;
    @Inject AuditRecorder audit;

    @Transactional
    public String currentHash(TenantId tenant, UUID userId) {
        return user(tenant, userId).passwordHash();
    }

    @Transactional
    public void refused(Caller caller, UUID userId, String requestId) {
        audit.recordInTransaction(
                AuditEvent.by(caller, "auth.password_change")
                        .target("user", userId)
                        .outcome(AuditEvent.Outcome.FAILURE)
                        .requestId(requestId)
                        .build());
    }

    /**
     * Stores the new hash if the password is still the one that was checked; ends earlier tokens.
     */
    @Transactional
    public void store(
            Caller caller, UUID userId, String checkedHash, String newHash, String requestId) {
        UserEntity u = user(caller.tenant(), userId);
        if (!u.passwordHash().equals(checkedHash)) {
            throw new ConflictException(
                    "password_changed", "The password was changed meanwhile; try again");
        }
        u.passwordHash(newHash);
        u.tokensValidAfter(Instant.now());
        audit.recordInTransaction(
                AuditEvent.by(caller, "auth.password_change")
                        .target("user", u.id())
                        .requestId(requestId)
                        .build());
    }

    private UserEntity user(TenantId tenant, UUID userId) {
        return identity.user(tenant.value(), userId)
                .orElseThrow(() -> new NotFoundException("User not found"));
    }
}
