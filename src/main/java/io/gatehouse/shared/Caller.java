package io.gatehouse.shared;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is making the current request, as established by the edge: a person (JWT), a client
 * application (API key) or the system itself (startup jobs, seeding).
 *
 * @param kind how the caller authenticated
 * @param subject stable id of the user, key or job
 * @param name display name (username, key prefix, job name)
 * @param tenant the tenant the caller acts in
 * @param roles roles of a person; empty for API keys
 */
public record Caller(Kind kind, String subject, String name, TenantId tenant, Set<Role> roles) {

    public enum Kind {
        USER,
        API_KEY,
        SYSTEM
    }

    public Caller {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
    }

    public static Caller system(String job, TenantId tenant) {
        return new Caller(Kind.SYSTEM, "system:" + job, job, tenant, Set.of());
    }

    public boolean has(Role role) {
        return roles.contains(role)
                || roles.contains(Role.PLATFORM_ADMIN) && role != Role.PLATFORM_ADMIN;
    }

    public Optional<TenantId> tenantId() {
        return Optional.ofNullable(tenant);
    }
}
