package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.edge.internal.persistence.LoginFailureRows;
import io.gatehouse.edge.internal.persistence.UserEntity;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.UnauthorizedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The short transactions around a login; the password check itself runs between them, holding
 * neither a connection nor a row lock. Five attempts that did not succeed within fifteen minutes
 * lock out one (username, client address) pair for fifteen minutes; a username's attempts from all
 * addresses only slow its logins down ({@link #slowdown}), so nobody elsewhere can lock a user out.
 */
@ApplicationScoped
public class LoginAttempts {
    static final int MAX_ATTEMPTS = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration LOCKOUT = Duration.ofMinutes(15);
    static final Duration MAX_SLOWDOWN = Duration.ofSeconds(5);

    @Inject JpaIdentity identity;
    @Inject LoginFailureRows failures;
    @Inject TenantCache directory;
    @Inject TokenService tokens;
    @Inject AuditRecorder audit;
    private final AtomicLong lastCleanup = new AtomicLong();

    /** Who a login is for, as read before the password check. */
    public record Candidate(UUID id, UUID tenant, String username, String passwordHash) {}

    /**
     * A counted attempt: {@code allowed} is false when the pair is locked out (or has used up its
     * attempts in flight); {@code usernameAttempts} counts every address's.
     */
    public record Attempt(
            String claimedName,
            String key,
            String client,
            boolean allowed,
            int usernameAttempts,
            Optional<Candidate> user) {}

    /**
     * The key a username is counted under: lower-case, as login matches it, at most 100 characters.
     */
    static String key(String username) {
        String k = username.toLowerCase(Locale.ROOT);
        return k.length() > 100 ? k.substring(0, 100) : k;
    }

    /**
     * Counts the attempt (committed at once, so parallel attempts see each other) and reads the
     * user.
     */
    @Transactional
    public Attempt begin(String username, String client) {
        String key = key(username);
        String pair = ClientAddresses.lockoutKey(client);
        LoginFailureRows.Charge charge = failures.charge(key, pair, WINDOW);
        int all = failures.recentAttempts(key, WINDOW);
        long now = System.currentTimeMillis();
        long last = lastCleanup.get();
        if (now - last > 60_000 && lastCleanup.compareAndSet(last, now)) {
            failures.removeExpired(WINDOW);
        }
        Optional<Candidate> user =
                identity.userByUsername(username)
                        .map(
                                u ->
                                        new Candidate(
                                                u.id(),
                                                u.tenantId(),
                                                u.username(),
                                                u.passwordHash()));
        boolean allowed = !charge.locked() && charge.attempts() <= MAX_ATTEMPTS;
        return new Attempt(username, key, client, allowed, all, user);
    }

    /**
     * How long an attempt waits before its password is checked: nothing for the first {@value
     * #MAX_ATTEMPTS} attempts of a username in the window, then 250 ms doubling per further
     * attempt, at most {@link #MAX_SLOWDOWN}.
     */
    static Duration slowdown(int usernameAttempts) {
        int excess = usernameAttempts - MAX_ATTEMPTS;
        if (excess <= 0) {
            return Duration.ZERO;
        }
        long millis = 250L << Math.min(excess - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX_SLOWDOWN.toMillis()));
    }

    /** Records a refused attempt; a wrong password may lock the pair out. */
    @Transactional
    public void failed(Attempt a, String reason, String requestId) {
        String why = reason;
        if (reason.equals("bad_password") || reason.equals("unknown_user")) {
            if (failures.lockIfExhausted(
                    a.key(), ClientAddresses.lockoutKey(a.client()), MAX_ATTEMPTS, LOCKOUT)) {
                why = reason + "_locked";
            }
        }
        AuditEvent.Builder b =
                a.user().isPresent()
                        ? AuditEvent.of(
                                        new TenantId(a.user().get().tenant()),
                                        "user",
                                        a.user().get().id().toString(),
                                        "auth.login")
                                .actorName(a.user().get().username(), null)
                                .target("user", a.user().get().id())
                                .detail("username", a.user().get().username())
                        : AuditEvent.of(null, "anonymous", safe(a.claimedName()), "auth.login");
        audit.recordInTransaction(
                b.outcome(AuditEvent.Outcome.FAILURE)
                        .detail("reason", why)
                        .detail("client", a.client())
                        .requestId(requestId)
                        .build());
    }

    /**
     * Completes a login whose password was right: the user must still be active, in an active
     * tenant, and have the password that was checked. Issues the token; the pair's count is
     * cleared.
     */
    @Transactional(dontRollbackOn = UnauthorizedException.class)
    public IdentityService.Login succeeded(Attempt a, String requestId) {
        Candidate c = a.user().orElseThrow();
        UserEntity user = identity.user(c.tenant(), c.id()).orElse(null);
        TenantId tenant = new TenantId(c.tenant());
        if (user == null || !user.passwordHash().equals(c.passwordHash())) {
            failed(a, "password_changed", requestId);
            throw IdentityService.badCredentials();
        }
        if (!user.status().equals("active") || !directory.isActive(tenant)) {
            failed(a, "disabled", requestId);
            throw IdentityService.badCredentials();
        }
        failures.clear(a.key(), ClientAddresses.lockoutKey(a.client()));
        String slug = directory.slugOf(tenant).orElse("?");
        TokenService.Issued issued =
                tokens.issue(user.id(), user.username(), tenant, slug, IdentityService.roles(user));
        audit.recordInTransaction(
                AuditEvent.of(tenant, "user", user.id().toString(), "auth.login")
                        .actorName(
                                user.username(),
                                IdentityService.roles(user).stream()
                                        .map(io.gatehouse.shared.Role::wireName)
                                        .toList())
                        .target("user", user.id())
                        .detail("username", user.username())
                        .detail("client", a.client())
                        .requestId(requestId)
                        .build());
        return new IdentityService.Login(issued, user, slug);
    }

    static String safe(String claimed) {
        if (claimed == null) {
            return "";
        }
        String s = claimed.length() > 100 ? claimed.substring(0, 100) : claimed;
        return s.replaceAll("[^A-Za-z0-9._@-]", "?");
    }
}
