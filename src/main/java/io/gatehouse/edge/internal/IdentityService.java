package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.ApiKeyEntity;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.edge.internal.persistence.JpaTenants;
import io.gatehouse.edge.internal.persistence.LoginFailureRows;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.edge.internal.persistence.TenantLimitsEntity;
import io.gatehouse.edge.internal.persistence.TokenRevocationRows;
import io.gatehouse.edge.internal.persistence.UserEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.UnauthorizedException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * People, tenants and API keys: every change here and every authentication outcome is audited;
 * state changes commit together with their audit events. Argon2 work ({@link PasswordHashing})
 * never runs while this class holds a database connection or a row lock: logins and password
 * changes run it between short transactions, other methods before their transaction first touches
 * the database.
 *
 * <p>Long on purpose: people, tenants and keys share the audited-transaction pattern and the Argon2
 * rule above; split by entity, each part would repeat both.
 */
@ApplicationScoped
public class IdentityService {
    static final int MIN_PASSWORD_LENGTH = 12;

    /**
     * Roles that give power over other users: a caller must hold each one a user holds to change
     * it.
     */
    static final Set<Role> RANKED = EnumSet.of(Role.ADMIN, Role.PLATFORM_ADMIN);

    @Inject JpaIdentity identity;
    @Inject JpaTenants tenants;
    @Inject TenantCache directory;
    @Inject TokenService tokens;
    @Inject TokenRevocationRows revocations;
    @Inject AuditRecorder audit;
    @Inject ChangeFeed changes;
    @Inject LoginAttempts attempts;
    @Inject LoginFailureRows failures;
    @Inject PasswordChanges passwordChanges;
    @Inject PasswordHashing hasher;

    /** Result of a successful login. */
    public record Login(TokenService.Issued token, UserEntity user, String tenantSlug) {}

    /**
     * Checks a username and password for a client address. The attempt is counted at once; the
     * password check runs when a hashing slot is free (after the username's slow-down, if any),
     * with no thread, connection or lock held while it waits. Every refusal (unknown user, wrong
     * password, locked out, disabled) gives the same answer after the same work, and is audited.
     */
    public CompletionStage<Login> login(
            String username, String password, String client, String requestId) {
        LoginAttempts.Attempt a = attempts.begin(username, client);
        return hasher.submit(
                LoginAttempts.slowdown(a.usernameAttempts()),
                h -> check(a, password, h, requestId));
    }

    private Login check(
            LoginAttempts.Attempt a, String password, PasswordHasher h, String requestId) {
        if (!a.allowed() || a.user().isEmpty()) {
            h.burn(password);
            attempts.failed(a, a.allowed() ? "unknown_user" : "locked", requestId);
            throw badCredentials();
        }
        if (!h.verify(password, a.user().get().passwordHash())) {
            attempts.failed(a, "bad_password", requestId);
            throw badCredentials();
        }
        return attempts.succeeded(a, requestId);
    }

    static UnauthorizedException badCredentials() {
        return new UnauthorizedException("invalid_credentials", "Invalid username or password");
    }

    static Set<Role> roles(UserEntity u) {
        Set<Role> out = EnumSet.noneOf(Role.class);
        u.roles().forEach(r -> Role.fromWireName(r).ifPresent(out::add));
        return out;
    }

    /** Ends the current token's validity (logout). */
    @Transactional
    public void logout(Caller caller, String jti, Instant expiresAt, String requestId) {
        logout(caller, jti, expiresAt, requestId, null);
    }

    /** Ends the current token's validity and records which console session ended with it. */
    @Transactional
    public void logout(
            Caller caller, String jti, Instant expiresAt, String requestId, String session) {
        revocations.revoke(jti, expiresAt);
        AuditEvent.Builder b =
                AuditEvent.by(caller, "auth.logout")
                        .target("user", caller.subject())
                        .requestId(requestId);
        if (session != null) {
            b.detail("session", session).detail("session_revoked", true);
        }
        audit.recordInTransaction(b.build());
    }

    /** Changes one's own password; every earlier token of the user stops working. */
    public void changePassword(Caller caller, String current, String next, String requestId) {
        UUID id = UUID.fromString(caller.subject());
        String stored = passwordChanges.currentHash(caller.tenant(), id);
        if (!hasher.verify(current == null ? "" : current, stored)) {
            passwordChanges.refused(caller, id, requestId);
            throw new ForbiddenException("invalid_credentials", "The current password is wrong");
        }
        checkPassword(next);
        passwordChanges.store(caller, id, stored, hasher.hash(next), requestId);
    }

    static void checkPassword(String pw) {
        if (pw == null || pw.length() < MIN_PASSWORD_LENGTH || pw.length() > 256) {
            throw new ValidationException(
                    "password",
                    "A password must be " + MIN_PASSWORD_LENGTH + " to 256 characters long");
        }
    }

    static void checkUsername(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{1,99}")) {
            throw new ValidationException(
                    "username",
                    "A username is 2-100 characters: letters, digits, . _ @ -, not starting with a symbol");
        }
    }

    static Set<String> checkRoles(List<String> roles, boolean allowPlatform) {
        if (roles == null || roles.isEmpty()) {
            throw new ValidationException("roles", "At least one role is required");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String r : roles) {
            Role role =
                    Role.fromWireName(r)
                            .orElseThrow(
                                    () -> new ValidationException("roles", "Unknown role: " + r));
            if (role == Role.PLATFORM_ADMIN && !allowPlatform) {
                throw new ForbiddenException("Only a platform admin can grant platform-admin");
            }
            out.add(role.wireName());
        }
        return out;
    }

    // ---- users (tenant admins) ----

    /** Creates a user; the password is hashed before the transaction touches the database. */
    @Transactional
    public UserEntity createUser(
            Caller admin,
            TenantId tenant,
            String username,
            String password,
            List<String> roles,
            String requestId) {
        checkUsername(username);
        checkPassword(password);
        Set<String> r = checkRoles(roles, admin.roles().contains(Role.PLATFORM_ADMIN));
        return addUser(admin, tenant, username, hasher.hash(password), r, requestId);
    }

    private UserEntity addUser(
            Caller admin,
            TenantId tenant,
            String username,
            String passwordHash,
            Set<String> r,
            String requestId) {
        if (identity.userByUsername(username).isPresent()) {
            throw usernameUnavailable();
        }
        UserEntity u = new UserEntity(UUID.randomUUID(), tenant.value(), username, passwordHash, r);
        identity.add(u);
        try {
            identity.flush(); // a concurrent create of the same name must get the same answer
        } catch (jakarta.persistence.PersistenceException e) {
            throw usernameUnavailable();
        }
        audit.recordInTransaction(
                AuditEvent.by(admin, "user.create")
                        .tenant(tenant)
                        .target("user", u.id())
                        .detail("username", username)
                        .detail("roles", List.copyOf(r))
                        .requestId(requestId)
                        .build());
        return u;
    }

    /**
     * Usernames are global (login takes no tenant), so a taken one is refused whichever tenant
     * holds it, with one answer that never names that tenant.
     */
    private static ConflictException usernameUnavailable() {
        return new ConflictException(
                "username_unavailable", "That username is not available; choose another");
    }

    /**
     * Refuses (403, audited) a change to a user holding a role that gives power over users (admin,
     * platform-admin) which the caller does not hold: a tenant admin cannot change a platform
     * admin.
     */
    private void requireRank(Caller caller, UserEntity target, String action, String requestId) {
        for (String wire : target.roles()) {
            Role role = Role.fromWireName(wire).orElse(null);
            if (role != null && RANKED.contains(role) && !caller.has(role)) {
                audit.record(
                        AuditEvent.by(caller, action)
                                .tenant(new TenantId(target.tenantId()))
                                .target("user", target.id())
                                .outcome(AuditEvent.Outcome.DENIED)
                                .detail("reason", "outranked")
                                .detail("role", wire)
                                .requestId(requestId)
                                .build());
                throw new ForbiddenException(
                        "outranked",
                        "This user holds the role " + wire + ", which you do not hold");
            }
        }
    }

    @Transactional
    public List<UserEntity> users(TenantId tenant) {
        return identity.users(tenant.value());
    }

    @Transactional
    public UserEntity user(TenantId tenant, UUID id) {
        return identity.user(tenant.value(), id)
                .orElseThrow(() -> new NotFoundException("User not found"));
    }

    @Transactional
    public UserEntity updateUser(
            Caller admin,
            TenantId tenant,
            UUID id,
            List<String> roles,
            String status,
            String requestId) {
        UserEntity u = user(tenant, id);
        requireRank(admin, u, "user.update", requestId);
        if (roles != null) {
            Set<String> r = checkRoles(roles, admin.roles().contains(Role.PLATFORM_ADMIN));
            u.roles(r);
            u.tokensValidAfter(Instant.now()); // new roles take effect with the next login
        }
        if (status != null) {
            if (!status.equals("active") && !status.equals("disabled")) {
                throw new ValidationException("status", "status is active or disabled");
            }
            if (u.id().toString().equals(admin.subject()) && status.equals("disabled")) {
                throw new ConflictException("You cannot disable yourself");
            }
            u.status(status);
            if (status.equals("disabled")) {
                u.tokensValidAfter(Instant.now());
            }
        }
        audit.recordInTransaction(
                AuditEvent.by(admin, "user.update")
                        .tenant(tenant)
                        .target("user", u.id())
                        .detail("roles", List.copyOf(u.roles()))
                        .detail("status", u.status())
                        .requestId(requestId)
                        .build());
        return u;
    }

    /**
     * Sets a user's password and clears its lock-outs; the hash is computed before the transaction
     * reads.
     */
    @Transactional
    public void resetPassword(
            Caller admin, TenantId tenant, UUID id, String password, String requestId) {
        checkPassword(password);
        String hash = hasher.hash(password);
        UserEntity u = user(tenant, id);
        requireRank(admin, u, "user.password_reset", requestId);
        u.passwordHash(hash);
        u.tokensValidAfter(Instant.now());
        failures.clearUser(LoginAttempts.key(u.username()));
        audit.recordInTransaction(
                AuditEvent.by(admin, "user.password_reset")
                        .tenant(tenant)
                        .target("user", u.id())
                        .requestId(requestId)
                        .build());
    }

    /** Lower-cased usernames of the tenant's users locked out from some address, and until when. */
    @Transactional
    public Map<String, Instant> lockedUntil(TenantId tenant) {
        return failures.lockedUntil(tenant.value());
    }

    // ---- tenants (platform admins) ----

    @Transactional
    public TenantEntity createTenant(
            Caller platformAdmin,
            String slug,
            String displayName,
            String adminUsername,
            String adminPassword,
            String requestId) {
        if (slug == null || !slug.matches("[a-z0-9][a-z0-9-]{1,62}")) {
            throw new ValidationException(
                    "slug", "A slug is 2-63 characters: lower-case letters, digits, -");
        }
        if (displayName == null || displayName.isBlank() || displayName.length() > 200) {
            throw new ValidationException(
                    "displayName", "displayName is required (at most 200 characters)");
        }
        String adminHash = null;
        if (adminUsername != null) {
            try {
                checkUsername(adminUsername);
                checkPassword(adminPassword);
            } catch (ValidationException e) {
                // named as in the body: {"admin": {"username", "password"}}
                throw new ValidationException(e.code(), "admin." + e.param(), e.getMessage());
            }
            adminHash = hasher.hash(adminPassword);
        }
        if (tenants.findBySlug(slug).isPresent()) {
            throw new ConflictException("slug_taken", "A tenant with that slug exists");
        }
        TenantEntity t = tenants.add(new TenantEntity(UUID.randomUUID(), slug, displayName));
        TenantId id = new TenantId(t.id());
        audit.recordInTransaction(
                AuditEvent.by(platformAdmin, "tenant.create")
                        .tenant(null)
                        .target("tenant", t.id())
                        .detail("slug", slug)
                        .requestId(requestId)
                        .build());
        audit.recordInTransaction(
                AuditEvent.by(platformAdmin, "tenant.create")
                        .tenant(id)
                        .target("tenant", t.id())
                        .detail("slug", slug)
                        .requestId(requestId)
                        .build());
        if (adminUsername != null) {
            addUser(
                    platformAdmin,
                    id,
                    adminUsername,
                    adminHash,
                    Set.of(Role.ADMIN.wireName()),
                    requestId);
        }
        return t;
    }

    @Transactional
    public List<TenantEntity> tenants() {
        return tenants.all();
    }

    @Transactional
    public TenantEntity setTenantStatus(
            Caller platformAdmin, UUID id, String status, String requestId) {
        TenantEntity t =
                tenants.find(id).orElseThrow(() -> new NotFoundException("Tenant not found"));
        if (!status.equals("active") && !status.equals("suspended")) {
            throw new ValidationException("status", "status is active or suspended");
        }
        if (status.equals("suspended")
                && platformAdmin.tenant() != null
                && platformAdmin.tenant().value().equals(id)) {
            throw new ConflictException("own_tenant", "You cannot suspend your own tenant");
        }
        t.status(status);
        // every instance re-reads the suspended tenants; its keys and tokens are checked against
        // them
        changes.publish(TenantCache.TOPIC, new TenantId(id), null);
        audit.recordInTransaction(
                AuditEvent.by(platformAdmin, "tenant.update")
                        .tenant(null)
                        .target("tenant", id)
                        .detail("status", status)
                        .requestId(requestId)
                        .build());
        return t;
    }

    // ---- API keys (tenant admins) ----

    /** A new key and its secret, which is shown once and never stored. */
    public record NewKey(ApiKeyEntity entity, String secret) {}

    @Transactional
    public NewKey createKey(Caller admin, TenantId tenant, KeySpec spec, String requestId) {
        return createKey(admin, tenant, spec, null, ApiKeySecrets.generate(), requestId);
    }

    /** Key settings as given to create or rotate. */
    public record KeySpec(
            String name,
            List<String> allowedRoutes,
            List<String> allowedCidrs,
            Instant expiresAt,
            Integer rpmLimit,
            Integer tpmLimit) {}

    @Transactional
    public NewKey createKey(
            Caller admin,
            TenantId tenant,
            KeySpec spec,
            UUID rotatedFrom,
            String secret,
            String requestId) {
        if (spec.name() == null || spec.name().isBlank() || spec.name().length() > 200) {
            throw new ValidationException("name", "name is required (at most 200 characters)");
        }
        if (spec.expiresAt() != null && !spec.expiresAt().isAfter(Instant.now())) {
            throw new ValidationException("expiresAt", "expiresAt must be in the future");
        }
        if (spec.rpmLimit() != null && spec.rpmLimit() <= 0) {
            throw new ValidationException("rpmLimit", "rpmLimit must be positive");
        }
        if (spec.tpmLimit() != null && spec.tpmLimit() <= 0) {
            throw new ValidationException("tpmLimit", "tpmLimit must be positive");
        }
        Set<String> routes = new LinkedHashSet<>();
        if (spec.allowedRoutes() != null) {
            for (String r : spec.allowedRoutes()) {
                // a route alias, or an MCP scope: mcp:*, mcp:<server>, mcp:<server>__<tool>
                if (r == null
                        || !(r.matches("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}")
                                || r.equals("mcp:*"))) {
                    throw new ValidationException("allowedRoutes", "Not a route alias: " + r);
                }
                routes.add(r);
            }
        }
        Set<String> cidrs = new LinkedHashSet<>();
        if (spec.allowedCidrs() != null) {
            for (String c : spec.allowedCidrs()) {
                try {
                    Cidr.parse(c);
                } catch (IllegalArgumentException e) {
                    throw new ValidationException("allowedCidrs", e.getMessage());
                }
                cidrs.add(c.trim());
            }
        }
        ApiKeyEntity k =
                new ApiKeyEntity(
                        UUID.randomUUID(),
                        tenant.value(),
                        spec.name(),
                        ApiKeySecrets.prefix(secret),
                        ApiKeySecrets.hash(secret),
                        admin.subject());
        k.allowedRoutes(routes);
        k.allowedCidrs(cidrs);
        k.expiresAt(spec.expiresAt());
        k.rpmLimit(spec.rpmLimit());
        k.tpmLimit(spec.tpmLimit());
        k.rotatedFrom(rotatedFrom);
        identity.add(k);
        changes.publish(ApiKeyRegistry.TOPIC, tenant, k.secretHash());
        audit.recordInTransaction(
                AuditEvent.by(admin, rotatedFrom == null ? "key.create" : "key.rotate")
                        .tenant(tenant)
                        .target("api_key", k.id())
                        .detail("name", k.name())
                        .detail("prefix", k.prefix())
                        .detail("allowedRoutes", List.copyOf(routes))
                        .detail("rotatedFrom", rotatedFrom == null ? null : rotatedFrom.toString())
                        .requestId(requestId)
                        .build());
        return new NewKey(k, secret);
    }

    @Transactional
    public List<ApiKeyEntity> keys(TenantId tenant) {
        return identity.keys(tenant.value());
    }

    @Transactional
    public ApiKeyEntity key(TenantId tenant, UUID id) {
        return identity.key(tenant.value(), id)
                .orElseThrow(() -> new NotFoundException("API key not found"));
    }

    /**
     * Revokes a key at once on every instance (the change feed carries it); audited in the same
     * transaction.
     */
    @Transactional
    public ApiKeyEntity revokeKey(Caller admin, TenantId tenant, UUID id, String requestId) {
        ApiKeyEntity k = key(tenant, id);
        if (k.revokedAt() != null) {
            throw new ConflictException("already_revoked", "The key is already revoked");
        }
        k.revokedAt(Instant.now());
        changes.publish(ApiKeyRegistry.TOPIC, tenant, k.secretHash());
        audit.recordInTransaction(
                AuditEvent.by(admin, "key.revoke")
                        .tenant(tenant)
                        .target("api_key", k.id())
                        .requestId(requestId)
                        .build());
        return k;
    }

    /**
     * Issues a successor with the same settings; the old key keeps working for the overlap, then
     * expires.
     */
    @Transactional
    public NewKey rotateKey(
            Caller admin, TenantId tenant, UUID id, Duration overlap, String requestId) {
        ApiKeyEntity old = key(tenant, id);
        if (old.revokedAt() != null) {
            throw new ConflictException("already_revoked", "A revoked key cannot be rotated");
        }
        if (overlap.isNegative() || overlap.compareTo(Duration.ofDays(30)) > 0) {
            throw new ValidationException("overlapSeconds", "overlapSeconds is 0 to 30 days");
        }
        Instant end = Instant.now().plus(overlap);
        if (old.expiresAt() == null || old.expiresAt().isAfter(end)) {
            old.expiresAt(end);
        }
        changes.publish(ApiKeyRegistry.TOPIC, tenant, old.secretHash());
        KeySpec spec =
                new KeySpec(
                        old.name(),
                        List.copyOf(old.allowedRoutes()),
                        List.copyOf(old.allowedCidrs()),
                        null,
                        old.rpmLimit(),
                        old.tpmLimit());
        return createKey(admin, tenant, spec, old.id(), ApiKeySecrets.generate(), requestId);
    }

    // ---- limits ----

    @Transactional
    public TenantLimitsEntity limits(TenantId tenant) {
        return identity.limits(tenant.value())
                .orElseGet(() -> new TenantLimitsEntity(tenant.value()));
    }

    /**
     * Sets the tenant's limits. The four first ones are replaced (null: none / the platform
     * default). The later ones keep their current value when not given: {@code testCallsEnabled}
     * null; {@code testCallsPerPerson} and {@code evaluationShare} null (an empty Optional sets the
     * platform default), so that an older client's PUT never resets them.
     */
    @Transactional
    public TenantLimitsEntity setLimits(
            Caller admin,
            TenantId tenant,
            Integer rpm,
            Integer tpm,
            Long daily,
            Long monthly,
            Boolean testCallsEnabled,
            java.util.Optional<Integer> testCallsPerPersonGiven,
            java.util.Optional<Integer> evaluationShareGiven,
            String requestId) {
        TenantLimitsEntity l = identity.limits(tenant.value()).orElse(null);
        Integer testCallsPerPerson =
                testCallsPerPersonGiven != null
                        ? testCallsPerPersonGiven.orElse(null)
                        : l == null ? null : l.testCallsPerPersonPerMinute();
        Integer evaluationShare =
                evaluationShareGiven != null
                        ? evaluationShareGiven.orElse(null)
                        : l == null ? null : l.evaluationSharePercent();
        if (testCallsPerPerson != null && (testCallsPerPerson <= 0 || testCallsPerPerson > 1000)) {
            throw new ValidationException(
                    "testCallsPerPersonPerMinute", "testCallsPerPersonPerMinute is 1 to 1000");
        }
        if (rpm != null && rpm <= 0) {
            throw new ValidationException("rpmLimit", "rpmLimit must be positive");
        }
        if (tpm != null && tpm <= 0) {
            throw new ValidationException("tpmLimit", "tpmLimit must be positive");
        }
        if (daily != null && daily < 0) {
            throw new ValidationException(
                    "dailyBudgetMicros", "dailyBudgetMicros must not be negative");
        }
        if (monthly != null && monthly < 0) {
            throw new ValidationException(
                    "monthlyBudgetMicros", "monthlyBudgetMicros must not be negative");
        }
        if (evaluationShare != null && (evaluationShare < 1 || evaluationShare > 100)) {
            throw new ValidationException(
                    "evaluationSharePercent", "evaluationSharePercent must be 1 to 100");
        }
        if (l == null) {
            l = new TenantLimitsEntity(tenant.value());
            identity.add(l);
        }
        l.rpmLimit(rpm);
        l.tpmLimit(tpm);
        l.dailyBudgetMicros(daily);
        l.monthlyBudgetMicros(monthly);
        if (testCallsEnabled != null) { // absent: as it was (an older client's PUT keeps it)
            l.testCallsEnabled(testCallsEnabled);
        }
        l.testCallsPerPersonPerMinute(testCallsPerPerson);
        l.evaluationSharePercent(evaluationShare);
        changes.publish(DefaultUsageLimits.TOPIC, tenant, null);
        audit.recordInTransaction(
                AuditEvent.by(admin, "limits.update")
                        .tenant(tenant)
                        .target("tenant", tenant)
                        .detail("rpmLimit", rpm)
                        .detail("tpmLimit", tpm)
                        .detail("dailyBudgetMicros", daily)
                        .detail("monthlyBudgetMicros", monthly)
                        .detail("testCallsEnabled", l.testCallsEnabled())
                        .detail("testCallsPerPersonPerMinute", testCallsPerPerson)
                        .detail("evaluationSharePercent", evaluationShare)
                        .requestId(requestId)
                        .build());
        return l;
    }

    static String rolesText(Set<Role> roles) {
        return roles.stream().map(Role::wireName).collect(Collectors.joining(","));
    }
}
