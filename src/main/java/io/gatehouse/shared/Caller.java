package io.gatehouse.shared;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is making the current request, as established by the edge: a person (JWT), a client
 * application (API key) or the system itself (startup jobs, seeding). The one description of a
 * caller, held for the request by {@link CurrentCaller}: an API key is a caller of kind {@link
 * Kind#API_KEY} with its scope, never a second holder.
 *
 * @param kind how the caller authenticated
 * @param subject stable id of the user, key or job (an API key's id)
 * @param name display name (username, key label, job name)
 * @param tenant the tenant the caller acts in
 * @param roles roles of a person; always empty for an API key, so a key never passes a role check
 * @param allowedRoutes an API key's scope: the route aliases it may use, empty meaning all of its
 *     tenant's routes; always empty for people and the system
 */
public record Caller(
        Kind kind,
        String subject,
        String name,
        TenantId tenant,
        Set<Role> roles,
        Set<String> allowedRoutes) {

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
        allowedRoutes = Set.copyOf(allowedRoutes);
        if (kind == Kind.API_KEY && !roles.isEmpty()) {
            throw new IllegalArgumentException("An API key has no roles");
        }
        if (kind != Kind.API_KEY && !allowedRoutes.isEmpty()) {
            throw new IllegalArgumentException("Only an API key has a route scope");
        }
    }

    /** A person or the system (no route scope). */
    public Caller(Kind kind, String subject, String name, TenantId tenant, Set<Role> roles) {
        this(kind, subject, name, tenant, roles, Set.of());
    }

    /** A client application, by its verified API key. */
    public static Caller apiKey(
            UUID keyId, String name, TenantId tenant, Set<String> allowedRoutes) {
        return new Caller(
                Kind.API_KEY,
                keyId.toString(),
                name,
                Objects.requireNonNull(tenant, "tenant"),
                Set.of(),
                allowedRoutes);
    }

    public static Caller system(String job, TenantId tenant) {
        return new Caller(Kind.SYSTEM, "system:" + job, job, tenant, Set.of());
    }

    public boolean has(Role role) {
        return roles.contains(role)
                || roles.contains(Role.PLATFORM_ADMIN) && role != Role.PLATFORM_ADMIN;
    }

    public boolean isApiKey() {
        return kind == Kind.API_KEY;
    }

    public Optional<TenantId> tenantId() {
        return Optional.ofNullable(tenant);
    }
}
