package io.gatehouse.shared;

import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import java.util.Arrays;

/**
 * Which tenant a read of reports or statistics covers: the caller's own, or, for a platform admin
 * only, the one named by a {@code tenant} parameter. A tenant role naming another tenant gets 404
 * (existence is not revealed); the tenant never comes from the request otherwise.
 */
public final class TenantScope {
    private TenantScope() {}

    /**
     * @param requested the {@code tenant} query parameter, or null
     * @param roles the caller needs one of them (a platform admin holds every tenant role)
     */
    public static TenantId of(Caller caller, String requested, Role... roles) {
        boolean allowed = false;
        for (Role r : roles) {
            allowed |= caller.has(r);
        }
        if (!allowed) {
            throw new ForbiddenException("This needs one of the roles " + Arrays.toString(roles));
        }
        TenantId own = caller.tenant();
        if (requested == null || requested.isBlank()) {
            if (own == null) {
                throw new NotFoundException("No tenant for this caller");
            }
            return own;
        }
        TenantId asked;
        try {
            asked = TenantId.of(requested.trim());
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No such tenant");
        }
        if (asked.equals(own) || caller.roles().contains(Role.PLATFORM_ADMIN)) {
            return asked;
        }
        throw new NotFoundException("No such tenant");
    }
}
