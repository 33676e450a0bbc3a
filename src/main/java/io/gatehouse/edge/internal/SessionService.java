package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.edge.internal.persistence.SessionRows;
import io.gatehouse.edge.internal.persistence.SessionRows.Family;
import io.gatehouse.edge.internal.persistence.UserEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Console sessions (docs/security.md, "Console sessions"): a session is a family of opaque refresh
 * tokens, each used once and replaced by the next (rotation). Presenting a used one again means two
 * parties hold the chain, so the whole family is revoked and the reuse audited. A family ends at
 * its absolute lifetime whatever happens; a built-in person's family also ends when the person is
 * disabled or changes the password (their roles are re-read on every renewal), an SSO person's
 * roles stay those mapped at sign-in until then.
 */
@ApplicationScoped
public class SessionService {
    public static final String PASSWORD = "password";
    public static final String OIDC = "oidc";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject SessionRows rows;
    @Inject JpaIdentity identity;
    @Inject TenantCache tenants;
    @Inject TokenService tokens;
    @Inject AuditRecorder audit;

    /** A session's absolute lifetime: it cannot be renewed past it. */
    @Inject
    @ConfigProperty(name = "gatehouse.auth.session.absolute.seconds", defaultValue = "43200")
    long absoluteSeconds;

    /** How long an unused refresh token stays good (a closed laptop past it signs in again). */
    @Inject
    @ConfigProperty(name = "gatehouse.auth.refresh.idle.seconds", defaultValue = "7200")
    long idleSeconds;

    /** An access token, the refresh token that renews it, and whose session it is. */
    public record Renewed(
            TokenService.Issued access,
            String refreshToken,
            long refreshMaxAgeSeconds,
            Family family,
            String tenantSlug,
            Set<Role> roles) {}

    /** Why a refresh was refused (the client learns only 401). */
    public record Refused(String reason) {}

    /** Either renewed or refused. */
    public record Outcome(Renewed renewed, Refused refused) {}

    /** A new session for a person of the built-in identity who just signed in with a password. */
    @Transactional
    public Renewed openPassword(UUID userId, String username, TenantId tenant) {
        Family f = newFamily(tenant, PASSWORD, userId.toString(), username, List.of(), null);
        return renew(f).renewed();
    }

    /**
     * A new session for a person the provider vouched for (roles as mapped), with a one-time login
     * code (returned with the session) for the console to redeem; the sign-in is audited.
     */
    @Transactional
    public String openSso(Caller person, String bindingHash, String client, String requestId) {
        Family f =
                newFamily(
                        person.tenant(),
                        OIDC,
                        person.subject(),
                        person.name(),
                        person.roles().stream().map(Role::wireName).sorted().toList(),
                        null);
        String code = secret();
        rows.saveLoginCode(hash(code), f.id(), bindingHash, Instant.now().plusSeconds(60));
        audit.recordInTransaction(
                AuditEvent.by(person, "auth.login")
                        .target("user", person.subject())
                        .detail("method", "oidc")
                        .detail("username", person.name())
                        .detail("client", client)
                        .detail("session", f.id().toString())
                        .requestId(requestId)
                        .build());
        return code;
    }

    /**
     * Redeems a login code once, only with the binding cookie of the browser that started the
     * sign-in (a code sent to another browser is refused: login CSRF): the session's first access
     * token and refresh token. The code is spent whatever the outcome.
     */
    @Transactional
    public Optional<Renewed> redeem(String code, String binding) {
        if (code == null || code.length() > 200) {
            return Optional.empty();
        }
        return rows.takeLoginCode(hash(code))
                .filter(
                        taken ->
                                binding != null
                                        && binding.length() <= 200
                                        && MessageDigest.isEqual(
                                                hash(binding).getBytes(StandardCharsets.US_ASCII),
                                                taken.bindingHash()
                                                        .getBytes(StandardCharsets.US_ASCII)))
                .map(SessionRows.LoginCode::familyId)
                .flatMap(rows::lockedFamily)
                .flatMap(f -> Optional.ofNullable(renew(f).renewed()));
    }

    /**
     * Uses a refresh token once. Reuse of a used one revokes its family and is audited (committed
     * even though the caller then answers 401).
     */
    @Transactional
    public Outcome refresh(String refreshToken, String client, String requestId) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 200) {
            return refused("missing");
        }
        SessionRows.Rotation r = rows.use(hash(refreshToken));
        switch (r.outcome()) {
            case UNKNOWN:
                return refused("unknown");
            case EXPIRED:
                return refused("expired");
            case REUSED:
                Family f = rows.lockedFamily(r.familyId()).orElseThrow();
                boolean revokedNow = rows.revokeFamily(f.id(), "reuse");
                audit.recordInTransaction(
                        AuditEvent.of(
                                        new TenantId(f.tenantId()),
                                        "user",
                                        f.subject(),
                                        "auth.refresh_reuse")
                                .actorName(f.username(), null)
                                .target("user", f.subject())
                                .outcome(AuditEvent.Outcome.DENIED)
                                .detail("session", f.id().toString())
                                .detail("family_revoked", revokedNow)
                                .detail("client", client)
                                .requestId(requestId)
                                .build());
                return refused("reused");
            default:
                return rows.lockedFamily(r.familyId()).map(this::renew).orElse(refused("unknown"));
        }
    }

    /**
     * Ends the session a refresh token belongs to, when it is the caller's (another person's token
     * is left alone: empty). Audited with the caller's sign-out.
     */
    @Transactional
    public Optional<Family> end(Caller caller, String refreshToken) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 200) {
            return Optional.empty();
        }
        Optional<Family> f = rows.familyOf(hash(refreshToken)).flatMap(rows::lockedFamily);
        if (f.isEmpty()
                || !f.get().subject().equals(caller.subject())
                || !f.get().tenantId().equals(caller.tenant().value())) {
            return Optional.empty();
        }
        rows.revokeFamily(f.get().id(), "sign_out");
        return f;
    }

    private Family newFamily(
            TenantId tenant,
            String kind,
            String subject,
            String username,
            List<String> roles,
            String idToken) {
        Instant now = Instant.now();
        Family f =
                new Family(
                        UUID.randomUUID(),
                        tenant.value(),
                        kind,
                        subject,
                        username,
                        roles,
                        idToken,
                        now,
                        now.plusSeconds(absoluteSeconds),
                        null);
        rows.createFamily(f);
        return f;
    }

    /** The next access token and refresh token of a family that may still be renewed. */
    private Outcome renew(Family f) {
        Instant now = Instant.now();
        if (f.revokedAt() != null) {
            return refused("revoked");
        }
        if (!now.isBefore(f.absoluteExpiry())) {
            return refused("absolute_lifetime");
        }
        TenantId tenant = new TenantId(f.tenantId());
        if (!tenants.isActive(tenant)) {
            return refused("tenant_inactive");
        }
        String slug = tenants.slugOf(tenant).orElse("?");
        TokenService.Issued access;
        Set<Role> roles;
        if (PASSWORD.equals(f.kind())) {
            UserEntity u = identity.user(f.tenantId(), UUID.fromString(f.subject())).orElse(null);
            // disabled, or password changed / roles changed since the session began
            if (u == null
                    || !u.status().equals("active")
                    || u.tokensValidAfter().isAfter(f.createdAt())) {
                rows.revokeFamily(f.id(), "user_changed");
                return refused("user_changed");
            }
            roles = IdentityService.roles(u);
            access = tokens.issue(u.id(), u.username(), tenant, slug, roles);
        } else {
            roles = EnumSet.noneOf(Role.class);
            f.roles().forEach(r -> Role.fromWireName(r).ifPresent(roles::add));
            access = tokens.issueSso(f.subject(), f.username(), tenant, slug, roles);
        }
        String refresh = secret();
        Instant expires = now.plusSeconds(idleSeconds);
        if (expires.isAfter(f.absoluteExpiry())) {
            expires = f.absoluteExpiry();
        }
        // the verifier allows some clock skew past exp: the revocation row outlives the token
        rows.addRefreshToken(
                hash(refresh),
                f.id(),
                expires,
                access.jti(),
                now.plusSeconds(access.expiresIn() + 120));
        return new Outcome(
                new Renewed(
                        access,
                        refresh,
                        Math.max(1, expires.getEpochSecond() - now.getEpochSecond()),
                        f,
                        slug,
                        roles),
                null);
    }

    private static Outcome refused(String reason) {
        return new Outcome(null, new Refused(reason));
    }

    /** 256 random bits, URL-safe. */
    public static String secret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** SHA-256 in hex: what is stored for a secret. */
    public static String hash(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
