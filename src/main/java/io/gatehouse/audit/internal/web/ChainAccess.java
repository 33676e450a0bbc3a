package io.gatehouse.audit.internal.web;

import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/** Which chain a caller may read, and the parsing shared by the audit resources. */
final class ChainAccess {
    static final String PLATFORM = "platform";
    static final int MAX_LIMIT = 500;

    private ChainAccess() {}

    /**
     * The chain a request reads: the caller's tenant's, or {@code platform} for a platform admin
     * who asks for it. Any other chain answers 404, as if it did not exist.
     */
    static String chainFor(Caller caller, String requested, Role... roles) {
        boolean allowed = false;
        for (Role r : roles) {
            allowed |= caller.has(r);
        }
        if (!allowed) {
            throw new ForbiddenException(
                    "This needs one of the roles " + java.util.Arrays.toString(roles));
        }
        String own = caller.tenant() == null ? null : caller.tenant().toString();
        if (requested == null || requested.isBlank() || requested.equals(own)) {
            if (own == null) {
                if (caller.roles().contains(Role.PLATFORM_ADMIN)) {
                    return PLATFORM;
                }
                throw new NotFoundException("No audit chain for this caller");
            }
            return own;
        }
        if (requested.equals(PLATFORM) && caller.roles().contains(Role.PLATFORM_ADMIN)) {
            return PLATFORM;
        }
        throw new NotFoundException("No such audit chain");
    }

    static Instant instant(String param, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ValidationException(
                    param, param + " must be an ISO-8601 instant, e.g. 2026-11-27T00:00:00Z");
        }
    }

    static int limit(Integer limit, int def) {
        if (limit == null) {
            return def;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ValidationException("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    /** Opaque keyset cursor: the seq to continue below. */
    static String cursor(long seq) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("seq:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    static Long parseCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String s =
                    new String(
                            Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
            if (!s.startsWith("seq:")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(s.substring(4));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("cursor", "cursor is not one this API returned");
        }
    }
}
