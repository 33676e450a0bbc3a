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
 * its absolute lifetime whatever happens. Every renewal decides again who the person is: a built-in
 * person's roles are re-read (the family ends when they are disabled or their password changes); an
 * SSO person's groups and tenant claim as the provider gave them at sign-in are mapped again
 * through the current role map and tenant rules, and the family ends when they map to no role or to
 * no tenant (or another). A tenant that is suspended renews nothing. A token just rotated,
 * presented again within the grace window while its successor is unused, answers once more with
 * that rotation's answer (a lost answer is not reuse). Every refusal and every ending is audited.
 *
 * <p>Long on purpose: the renewal's checks (reuse, grace, absolute lifetime, tenant, person, roles)
 * and the audit events of each refusal form one ordered decision; split over classes, the order in
 * which a family is checked and ended would no longer be readable in one place.
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

    /**
     * How long a token just rotated may be presented again (its answer was lost) and get the same
     * answer instead of revoking its family.
     */
    @Inject
    @ConfigProperty(name = "gatehouse.auth.refresh.grace.seconds", defaultValue = "5")
    long graceSeconds;

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
        Family f = newFamily(tenant, PASSWORD, userId.toString(), username, List.of(), null, null);
        return renew(f, null, null).renewed();
    }

    /**
     * A new session for a person the provider vouched for (roles as mapped), with a one-time login
     * code (returned with the session) for the console to redeem; the sign-in is audited.
     */
    @Transactional
    public String openSso(
            Caller person,
            List<String> groups,
            String tenantClaim,
            String bindingHash,
            String client,
            String requestId) {
        Family f =
                newFamily(
                        person.tenant(),
                        OIDC,
                        person.subject(),
                        person.name(),
                        person.roles().stream().map(Role::wireName).sorted().toList(),
                        List.copyOf(groups),
                        tenantClaim);
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
     * token and refresh token. The code is spent whatever the outcome; a refusal is audited ({@code
     * auth.login}, failure, method oidc, reason invalid_login_code and why).
     */
    @Transactional
    public Optional<Renewed> redeem(String code, String binding, String client, String requestId) {
        if (code == null || code.isEmpty() || code.length() > 200) {
            auditRedeemRefused(null, "missing", client, requestId);
            return Optional.empty();
        }
        Optional<SessionRows.LoginCode> taken = rows.takeLoginCode(hash(code));
        if (taken.isEmpty()) {
            auditRedeemRefused(null, "unknown_or_expired", client, requestId);
            return Optional.empty();
        }
        Family f = rows.lockedFamily(taken.get().familyId()).orElse(null);
        if (f == null) {
            auditRedeemRefused(null, "unknown_or_expired", client, requestId);
            return Optional.empty();
        }
        if (binding == null
                || binding.length() > 200
                || !MessageDigest.isEqual(
                        hash(binding).getBytes(StandardCharsets.US_ASCII),
                        taken.get().bindingHash().getBytes(StandardCharsets.US_ASCII))) {
            auditRedeemRefused(f, "another_browser", client, requestId);
            return Optional.empty();
        }
        Outcome o = renew(f, client, requestId);
        if (o.renewed() == null) {
            auditRedeemRefused(f, o.refused().reason(), client, requestId);
        }
        return Optional.ofNullable(o.renewed());
    }

    private void auditRedeemRefused(Family f, String why, String client, String requestId) {
        AuditEvent.Builder b =
                f == null
                        ? AuditEvent.of(null, "anonymous", "oidc", "auth.login")
                        : AuditEvent.of(
                                        new TenantId(f.tenantId()),
                                        "user",
                                        f.subject(),
                                        "auth.login")
                                .actorName(f.username(), null)
                                .target("user", f.subject())
                                .detail("session", f.id().toString());
        audit.recordInTransaction(
                b.outcome(AuditEvent.Outcome.FAILURE)
                        .detail("method", "oidc")
                        .detail("reason", "invalid_login_code")
                        .detail("why", why)
                        .detail("client", client)
                        .requestId(requestId)
                        .build());
    }

    /**
     * Uses a refresh token once. Reuse of a used one revokes its family and is audited (committed
     * even though the caller then answers 401), unless it is within the grace window of its
     * rotation with the successor unused: then the rotation's answer is given again. Every other
     * refusal is audited as {@code auth.refresh} (failure) with its reason.
     */
    @Transactional
    public Outcome refresh(String refreshToken, String client, String requestId) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 200) {
            return refused("missing"); // no session at all (a console tab that was signed out)
        }
        String presented = hash(refreshToken);
        SessionRows.Rotation r = rows.use(presented, graceSeconds);
        switch (r.outcome()) {
            case UNKNOWN:
                return auditRefresh(null, "unknown", client, requestId);
            case EXPIRED:
                return auditRefresh(
                        rows.family(r.familyId()).orElse(null), "expired", client, requestId);
            case REUSED:
                Family f = rows.lockedFamily(r.familyId()).orElseThrow();
                if (r.inGrace()
                        && f.revokedAt() == null
                        && Instant.now().isBefore(f.absoluteExpiry())) {
                    Renewed again = unseal(refreshToken, r.sealed(), f);
                    if (again != null) {
                        return new Outcome(again, null);
                    }
                }
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
                Family fam = rows.lockedFamily(r.familyId()).orElse(null);
                if (fam == null) {
                    return auditRefresh(null, "unknown", client, requestId);
                }
                Outcome o = renew(fam, client, requestId);
                if (o.renewed() == null) {
                    return auditRefresh(fam, o.refused().reason(), client, requestId);
                }
                rows.recordSuccessor(
                        presented,
                        hash(o.renewed().refreshToken()),
                        seal(refreshToken, o.renewed()));
                return o;
        }
    }

    /** A renewal refused because the request carries two refresh cookies (cookie tossing). */
    @Transactional
    public Outcome refuseAmbiguous(String client, String requestId) {
        return auditRefresh(null, "duplicate_cookie", client, requestId);
    }

    /** A refused renewal, audited ({@code auth.refresh}, failure) with the reason. */
    private Outcome auditRefresh(Family f, String reason, String client, String requestId) {
        AuditEvent.Builder b =
                f == null
                        ? AuditEvent.of(null, "anonymous", "session", "auth.refresh")
                        : AuditEvent.of(
                                        new TenantId(f.tenantId()),
                                        "user",
                                        f.subject(),
                                        "auth.refresh")
                                .actorName(f.username(), null)
                                .target("user", f.subject())
                                .detail("session", f.id().toString());
        audit.recordInTransaction(
                b.outcome(AuditEvent.Outcome.FAILURE)
                        .detail("reason", reason)
                        .detail("client", client)
                        .requestId(requestId)
                        .build());
        return refused(reason);
    }

    /**
     * Ends every session of a person in the admin's tenant (and the access tokens they issued),
     * audited as {@code auth.session_revoked} with reason admin. 404 when the tenant has neither a
     * session nor a built-in user of that subject (another tenant's person is not found here).
     */
    @Transactional
    public int endAll(Caller admin, String subject, String requestId) {
        if (subject == null || subject.isBlank() || subject.length() > 300) {
            throw new io.gatehouse.shared.error.ValidationException(
                    "subject", "subject is required: a user id, or oidc:<sub> of a person");
        }
        SessionRows.SubjectFamilies sf = rows.familiesOf(admin.tenant().value(), subject);
        if (!sf.known() && !isUserOf(admin.tenant().value(), subject)) {
            throw new io.gatehouse.shared.error.NotFoundException(
                    "No person with that subject in this tenant");
        }
        int ended = 0;
        for (UUID id : sf.live()) {
            if (rows.revokeFamily(id, "admin")) {
                ended++;
            }
        }
        audit.recordInTransaction(
                AuditEvent.by(admin, "auth.session_revoked")
                        .target("user", subject)
                        .detail("reason", "admin")
                        .detail("sessions", ended)
                        .requestId(requestId)
                        .build());
        return ended;
    }

    private boolean isUserOf(UUID tenant, String subject) {
        try {
            return identity.user(tenant, UUID.fromString(subject)).isPresent();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Ends a family because its person may no longer renew it; audited with the reason. */
    private Outcome revokeForPerson(Family f, String reason, String client, String requestId) {
        boolean now = rows.revokeFamily(f.id(), reason);
        audit.recordInTransaction(
                AuditEvent.of(
                                new TenantId(f.tenantId()),
                                "system",
                                "gatehouse",
                                "auth.session_revoked")
                        .target("user", f.subject())
                        .detail("reason", reason)
                        .detail("session", f.id().toString())
                        .detail("username", f.username())
                        .detail("family_revoked", now)
                        .detail("client", client)
                        .requestId(requestId)
                        .build());
        return refused(reason);
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
            List<String> groups,
            String tenantClaim) {
        Instant now = Instant.now();
        Family f =
                new Family(
                        UUID.randomUUID(),
                        tenant.value(),
                        kind,
                        subject,
                        username,
                        roles,
                        null,
                        now,
                        now.plusSeconds(absoluteSeconds),
                        null,
                        groups,
                        tenantClaim);
        rows.createFamily(f);
        return f;
    }

    /** The next access token and refresh token of a family that may still be renewed. */
    private Outcome renew(Family f, String client, String requestId) {
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
            if (u == null || !u.status().equals("active")) {
                return revokeForPerson(f, "user_disabled", client, requestId);
            }
            if (u.tokensValidAfter().isAfter(f.createdAt())) {
                return revokeForPerson(f, "user_changed", client, requestId);
            }
            roles = IdentityService.roles(u);
            access = tokens.issue(u.id(), u.username(), tenant, slug, roles);
        } else {
            if (f.groups() == null) {
                // a session begun before its groups were kept cannot be mapped again
                return revokeForPerson(f, "groups_unknown", client, requestId);
            }
            Caller person =
                    tokens.mapped(f.subject(), f.username(), f.tenantClaim(), f.groups())
                            .orElse(null);
            if (person == null || !person.tenant().equals(tenant)) {
                return revokeForPerson(f, "no_tenant", client, requestId);
            }
            if (person.roles().isEmpty()) {
                return revokeForPerson(f, "no_role", client, requestId);
            }
            roles = EnumSet.copyOf(person.roles());
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

    /**
     * The answer of a rotation, encrypted (AES-GCM) under a key derived from the token that was
     * presented: only its holder can open it, and a database read gives nothing usable.
     */
    static String seal(String presentedToken, Renewed r) {
        long now = Instant.now().getEpochSecond();
        jakarta.json.JsonArrayBuilder roles = jakarta.json.Json.createArrayBuilder();
        r.roles().stream().map(Role::wireName).sorted().forEach(roles::add);
        String plain =
                jakarta.json.Json.createObjectBuilder()
                        .add("a", r.access().token())
                        .add("j", r.access().jti())
                        .add("ax", now + r.access().expiresIn())
                        .add("r", r.refreshToken())
                        .add("rx", now + r.refreshMaxAgeSeconds())
                        .add("t", r.tenantSlug())
                        .add("g", roles)
                        .build()
                        .toString();
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    javax.crypto.Cipher.ENCRYPT_MODE,
                    sealKey(presentedToken),
                    new javax.crypto.spec.GCMParameterSpec(128, iv));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + ct.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sealed answer opened with the presented token; null when it does not open. */
    static Renewed unseal(String presentedToken, String sealed, Family f) {
        if (sealed == null) {
            return null;
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(sealed);
            javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    javax.crypto.Cipher.DECRYPT_MODE,
                    sealKey(presentedToken),
                    new javax.crypto.spec.GCMParameterSpec(128, in, 0, 12));
            byte[] plain = c.doFinal(in, 12, in.length - 12);
            jakarta.json.JsonObject o;
            try (jakarta.json.JsonReader reader =
                    jakarta.json.Json.createReader(
                            new java.io.StringReader(new String(plain, StandardCharsets.UTF_8)))) {
                o = reader.readObject();
            }
            long now = Instant.now().getEpochSecond();
            Set<Role> roles = EnumSet.noneOf(Role.class);
            o.getJsonArray("g")
                    .getValuesAs(jakarta.json.JsonString.class)
                    .forEach(s -> Role.fromWireName(s.getString()).ifPresent(roles::add));
            return new Renewed(
                    new TokenService.Issued(
                            o.getString("a"),
                            Math.max(1, o.getJsonNumber("ax").longValue() - now),
                            o.getString("j")),
                    o.getString("r"),
                    Math.max(1, o.getJsonNumber("rx").longValue() - now),
                    f,
                    o.getString("t"),
                    roles);
        } catch (java.security.GeneralSecurityException
                | IllegalArgumentException
                | jakarta.json.JsonException
                | ClassCastException
                | NullPointerException e) {
            return null;
        }
    }

    private static javax.crypto.spec.SecretKeySpec sealKey(String presentedToken) {
        try {
            return new javax.crypto.spec.SecretKeySpec(
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    ("gatehouse-refresh-grace:" + presentedToken)
                                            .getBytes(StandardCharsets.UTF_8)),
                    "AES");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
