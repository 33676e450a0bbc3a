package io.gatehouse.shared;

import java.util.Locale;
import java.util.Optional;

/** The roles a person can hold in a tenant; {@link #PLATFORM_ADMIN} spans all tenants. */
public enum Role {
    ADMIN,
    AUTHOR,
    REVIEWER,
    AUDITOR,
    PLATFORM_ADMIN;

    /** The name used in tokens and APIs, e.g. {@code platform-admin}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Role> fromWireName(String name) {
        return WireNames.parse(Role.class, Role::wireName, name);
    }
}
