package io.gatehouse.edge.internal;

import io.gatehouse.edge.internal.persistence.TokenSigningKeyRows;
import io.gatehouse.edge.internal.persistence.TokenSigningKeyRows.StoredKey;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.crypto.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Issues the built-in identity's access tokens (RS256, short-lived, keys in PostgreSQL sealed under
 * the master key) and verifies bearer tokens of the built-in issuer and of one external OpenID
 * Connect issuer. Only asymmetric algorithms are accepted, so {@code alg: none} and RS/HS key
 * confusion are refused by construction.
 *
 * <p>Long on purpose: issuing and verifying share the key set and its reload; the external issuer's
 * claim mapping sits next to the built-in verification it mirrors.
 */
@ApplicationScoped
public class TokenService {
    private static final Logger LOG = Logger.getLogger(TokenService.class.getName());
    public static final String AUDIENCE = "gatehouse";
    static final String TENANT_CLAIM = "gh_tenant";

    /** Tolerated difference between our clock and an issuer's, for exp, nbf and iat. */
    static final int CLOCK_SKEW_SECONDS = 30;

    @Inject TokenSigningKeyRows keyStore;
    @Inject SigningKeys signingKeys;
    @Inject SecretBox secrets;
    @Inject TenantCache tenants;
    @Inject IssuerKeys issuerKeys;
    @Inject OidcSettings oidc;

    @Inject
    @ConfigProperty(name = "gatehouse.auth.token.ttl.seconds", defaultValue = "900")
    long ttlSeconds;

    /** A key that may verify tokens, and when it was retired (null while active). */
    private record VerificationKey(PublicJsonWebKey jwk, Instant retiredAt) {}

    private volatile Map<String, VerificationKey> verificationKeys = Map.of();
    private volatile RsaJsonWebKey signingKey;
    private volatile long lastReload;

    /**
     * Set when the change feed says keys changed (here or on another instance): reload before use.
     */
    private volatile boolean keysChanged;

    private JwtConsumer builtInConsumer;
    private JwtConsumer externalConsumer;
    private final JwtConsumer peek =
            new JwtConsumerBuilder()
                    .setSkipAllValidators()
                    .setDisableRequireSignature()
                    .setSkipSignatureVerification()
                    .build();

    /** A verified token and who it speaks for. */
    public record Verified(
            Caller caller,
            boolean builtIn,
            UUID userId,
            String jti,
            Instant issuedAt,
            Instant expiresAt) {}

    void onSchemaReady(@Observes SchemaReady ready) {
        signingKeys.ensureActive();
        reload();
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (SigningKeys.TOPIC.equals(change.topic())) {
            keysChanged = true;
        }
    }

    private void reloadIfChanged() {
        if (keysChanged) {
            synchronized (this) {
                if (keysChanged) {
                    reload();
                }
            }
        }
    }

    public String issuer() {
        return oidc.publicBase();
    }

    /**
     * Loads the keys that may verify now (the active one and retired ones within their grace; never
     * revoked ones) and the active key's private half for signing.
     */
    synchronized void reload() {
        keysChanged = false;
        List<StoredKey> keys;
        try {
            keys = keyStore.all();
        } catch (RuntimeException e) {
            keysChanged = true; // try again on the next use
            throw e;
        }
        Instant now = Instant.now();
        Map<String, VerificationKey> usable = new ConcurrentHashMap<>();
        RsaJsonWebKey active = null;
        for (StoredKey k : keys) {
            if (!signingKeys.verifies(k, now)) {
                continue;
            }
            try {
                PublicJsonWebKey pub = (PublicJsonWebKey) JsonWebKey.Factory.newJwk(k.publicJwk());
                usable.put(k.kid(), new VerificationKey(pub, k.retiredAt()));
                if (k.retiredAt() == null) {
                    RsaJsonWebKey signing =
                            (RsaJsonWebKey) JsonWebKey.Factory.newJwk(k.publicJwk());
                    byte[] pkcs8 =
                            secrets.open(k.privateKeySealed(), "edge-signing-key:" + k.kid());
                    PrivateKey pk =
                            KeyFactory.getInstance("RSA")
                                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                    signing.setPrivateKey(pk);
                    active = signing;
                }
            } catch (Exception e) {
                throw new IllegalStateException("Signing key " + k.kid() + " cannot be loaded", e);
            }
        }
        verificationKeys = usable;
        signingKey = active;
        lastReload = System.currentTimeMillis();
        builtInConsumer =
                builtInConsumer(
                        issuer(),
                        (jws, nesting) -> {
                            Key k = resolve(jws.getKeyIdHeaderValue());
                            if (k == null) {
                                throw new UnresolvableKeyException("Unknown key id");
                            }
                            return k;
                        });
        if (oidc.issuer().isPresent() && oidc.jwksUrl().isPresent() && externalConsumer == null) {
            if (oidc.clientId().isPresent() && oidc.clientId().get().equals(oidc.audience())) {
                // the provider's ID tokens for the console carry aud = client id: they would pass
                // as API access tokens
                throw new IllegalStateException(
                        "gatehouse.oidc.audience must not be the sign-in client id"
                                + " (gatehouse.oidc.client.id): an ID token is not an access token");
            }
            // without the retention jose4j empties the cache when a refresh fails, and tokens
            // signed by known keys would be refused while the issuer is down
            externalConsumer =
                    externalIssuerConsumer(
                                    oidc.issuer().get(),
                                    oidc.audience(),
                                    IssuerKeys.keySet(
                                            issuerKeys,
                                            oidc.jwksUrl().get(),
                                            oidc.jwksRetainOnErrorSeconds()))
                            .build();
            LOG.info("Accepting tokens of the external issuer " + oidc.issuer().get());
        }
    }

    /**
     * What a token of the external issuer must be (its access tokens here; its ID tokens at single
     * sign-on, which also require iat): signed with an asymmetric algorithm by a key of its key set
     * that the token names, for this issuer and audience, not expired.
     */
    static JwtConsumerBuilder externalIssuerConsumer(
            String issuer, String audience, HttpsJwks keySet) {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setIssuedAtRestrictions(0, Integer.MAX_VALUE)
                .setExpectedIssuer(issuer)
                .setExpectedAudience(audience)
                .setJwsAlgorithmConstraints(
                        new AlgorithmConstraints(
                                ConstraintType.PERMIT,
                                AlgorithmIdentifiers.RSA_USING_SHA256,
                                AlgorithmIdentifiers.RSA_USING_SHA384,
                                AlgorithmIdentifiers.RSA_USING_SHA512,
                                AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256))
                .setVerificationKeyResolver(
                        requireKeyId(new HttpsJwksVerificationKeyResolver(keySet)));
    }

    private Key resolve(String kid) {
        if (kid == null) {
            return null;
        }
        reloadIfChanged();
        VerificationKey k = verificationKeys.get(kid);
        if (k == null && System.currentTimeMillis() - lastReload > 5_000) {
            reload(); // a change feed row may have been missed
            k = verificationKeys.get(kid);
        }
        return k == null || !verifiesNow(k) ? null : k.jwk().getPublicKey();
    }

    /** A retired key's grace ends between reloads too. */
    private boolean verifiesNow(VerificationKey k) {
        return k.retiredAt() == null
                || !Instant.now().isAfter(k.retiredAt().plus(signingKeys.grace()));
    }

    /** The keys that verify built-in tokens now, for {@code /.well-known/jwks.json}. */
    public Collection<String> publicJwks() {
        reloadIfChanged();
        List<String> out = new ArrayList<>();
        for (VerificationKey k : verificationKeys.values()) {
            if (verifiesNow(k)) {
                out.add(k.jwk().toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            }
        }
        return out;
    }

    /** A signed access token for a person of the built-in identity. */
    public Issued issue(
            UUID userId, String username, TenantId tenant, String tenantSlug, Set<Role> roles) {
        return issueFor(userId.toString(), username, tenant, tenantSlug, roles);
    }

    /**
     * A signed access token of Gatehouse's own for a person signed in through the OpenID Connect
     * provider ({@code subject} is {@code oidc:<sub>}, roles as mapped at sign-in). It is verified
     * like any built-in token; revocation goes by its {@code jti} (there is no user row).
     */
    public Issued issueSso(
            String subject, String username, TenantId tenant, String tenantSlug, Set<Role> roles) {
        if (!subject.startsWith(SSO_SUBJECT_PREFIX)) {
            throw new IllegalArgumentException("An SSO subject starts with " + SSO_SUBJECT_PREFIX);
        }
        return issueFor(subject, username, tenant, tenantSlug, roles);
    }

    /** Subjects of people of the external provider, in tokens and in the audit trail. */
    public static final String SSO_SUBJECT_PREFIX = "oidc:";

    private Issued issueFor(
            String subject, String username, TenantId tenant, String tenantSlug, Set<Role> roles) {
        reloadIfChanged();
        RsaJsonWebKey key = signingKey;
        if (key == null) {
            throw new IllegalStateException("No signing key loaded yet");
        }
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer());
        claims.setAudience(AUDIENCE);
        claims.setSubject(subject);
        claims.setClaim("upn", username);
        claims.setClaim("preferred_username", username);
        claims.setStringListClaim("groups", roles.stream().map(Role::wireName).sorted().toList());
        claims.setClaim(TENANT_CLAIM, tenant.toString());
        claims.setClaim("gh_tenant_slug", tenantSlug);
        String jti = UUID.randomUUID().toString();
        claims.setJwtId(jti);
        NumericDate now = NumericDate.now();
        claims.setIssuedAt(now);
        // iat has whole seconds; revocation by "tokens issued before" needs the exact instant
        claims.setClaim("gh_iat_ms", System.currentTimeMillis());
        claims.setNotBefore(now);
        NumericDate exp = NumericDate.fromSeconds(now.getValue() + ttlSeconds);
        claims.setExpirationTime(exp);
        return new Issued(
                sign(key.getPrivateKey(), key.getKeyId(), claims.toJson()), ttlSeconds, jti);
    }

    /** The compact RS256 JWS of a payload: header {@code {"kid":…,"alg":"RS256","typ":"JWT"}}. */
    static String sign(PrivateKey key, String kid, String payloadJson) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payloadJson);
        jws.setKey(key);
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Could not sign a token", e);
        }
    }

    /** What a built-in token must be: RS256 only, by a key the resolver knows, for this issuer. */
    static JwtConsumer builtInConsumer(String issuer, VerificationKeyResolver keys) {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                // an iat in the future would outlive "tokens issued before" (tokens_valid_after)
                .setIssuedAtRestrictions(0, Integer.MAX_VALUE)
                .setExpectedIssuer(issuer)
                .setExpectedAudience(AUDIENCE)
                .setJwsAlgorithmConstraints(
                        new AlgorithmConstraints(
                                ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256))
                .setVerificationKeyResolver(keys)
                .build();
    }

    public record Issued(String token, long expiresIn, String jti) {}

    /**
     * A token must name its key: jose4j would otherwise pick the JWKS's only key for a token
     * without {@code kid}, and "unknown kid refused" would not hold for the external issuer.
     */
    static VerificationKeyResolver requireKeyId(VerificationKeyResolver keys) {
        return (jws, nesting) -> {
            if (jws.getKeyIdHeaderValue() == null) {
                throw new UnresolvableKeyException("The token names no key (kid)");
            }
            return keys.resolveKey(jws, nesting);
        };
    }

    /**
     * Verifies a bearer token; empty when it is not acceptable for any reason (never says why to
     * clients).
     */
    public Optional<Verified> verify(String token) {
        if (token == null
                || token.length() > 16_384
                || token.chars().filter(c -> c == '.').count() != 2) {
            return Optional.empty();
        }
        try {
            JwtContext unverified = peek.process(token);
            String iss = unverified.getJwtClaims().getIssuer();
            if (issuer().equals(iss)) {
                JwtClaims c = builtInConsumer.processToClaims(token);
                return builtIn(c);
            }
            if (externalConsumer != null && oidc.issuer().get().equals(iss)) {
                JwtClaims c = externalConsumer.processToClaims(token);
                if (isIdToken(c)) {
                    return Optional.empty();
                }
                return external(c);
            }
            return Optional.empty();
        } catch (InvalidJwtException | MalformedClaimException | RuntimeException e) {
            LOG.fine("Token refused: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * An ID token is not an access token: one that carries a nonce, or names the console's sign-in
     * client as its audience, is refused as a bearer token (docs/security.md).
     */
    boolean isIdToken(JwtClaims c) throws MalformedClaimException {
        if (c.hasClaim("nonce")) {
            return true;
        }
        return oidc.clientId().isPresent()
                && c.hasAudience()
                && c.getAudience().contains(oidc.clientId().get());
    }

    private Optional<Verified> builtIn(JwtClaims c) throws MalformedClaimException {
        String tenant = c.getStringClaimValue(TENANT_CLAIM);
        if (tenant == null) {
            return Optional.empty();
        }
        Set<Role> roles = roles(c.getStringListClaimValue("groups"), Map.of());
        // a person signed in through the provider has no user row: no user id, revoked by jti
        boolean sso = c.getSubject().startsWith(SSO_SUBJECT_PREFIX);
        if (sso) {
            roles.remove(Role.PLATFORM_ADMIN); // never, as for the provider's own tokens
        }
        UUID userId = sso ? null : UUID.fromString(c.getSubject());
        Caller caller =
                new Caller(
                        Caller.Kind.USER,
                        c.getSubject(),
                        String.valueOf(c.getClaimValue("upn")),
                        TenantId.of(tenant),
                        roles);
        return Optional.of(
                new Verified(
                        caller,
                        true,
                        userId,
                        c.getJwtId(),
                        c.hasClaim("gh_iat_ms")
                                ? Instant.ofEpochMilli(c.getClaimValue("gh_iat_ms", Long.class))
                                : Instant.ofEpochSecond(c.getIssuedAt().getValue()),
                        Instant.ofEpochSecond(c.getExpirationTime().getValue())));
    }

    /**
     * An external issuer's token (docs/security.md, "External identities"): trusted for who the
     * person is ({@code sub}), which tenant they act in (the tenant claim, never the platform
     * tenant) and, only through the role map, their roles. Its {@code jti} is kept namespaced, so
     * that a logout can never name a built-in token's.
     */
    private Optional<Verified> external(JwtClaims c) throws MalformedClaimException {
        Optional<Caller> caller = externalCaller(c);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        String jti = c.getJwtId() == null ? null : "oidc:" + sha256(c.getJwtId());
        return Optional.of(
                new Verified(
                        caller.get(),
                        false,
                        null,
                        jti,
                        c.getIssuedAt() == null
                                ? Instant.EPOCH
                                : Instant.ofEpochSecond(c.getIssuedAt().getValue()),
                        Instant.ofEpochSecond(c.getExpirationTime().getValue())));
    }

    /**
     * Who the external issuer's claims (an access token's or, at single sign-on, an ID token's)
     * speak for: the tenant from the tenant claim (or the default tenant), never the platform
     * tenant; roles only through the role map, never platform-admin. Empty when no tenant applies.
     */
    public Optional<Caller> externalCaller(JwtClaims c) throws MalformedClaimException {
        String name =
                c.hasClaim("preferred_username")
                        ? String.valueOf(c.getClaimValue("preferred_username"))
                        : c.getSubject();
        return mapped(SSO_SUBJECT_PREFIX + c.getSubject(), name, tenantClaimOf(c), groupsOf(c));
    }

    /** The raw tenant claim of an external token or ID token; null when it has none. */
    public String tenantClaimOf(JwtClaims c) {
        return c.hasClaim(oidc.tenantClaim())
                ? String.valueOf(c.getClaimValue(oidc.tenantClaim()))
                : null;
    }

    /** The raw groups of an external token or ID token (the roles claim), before any mapping. */
    public List<String> groupsOf(JwtClaims c) {
        Object claim = claimAtPath(c.getClaimsMap(), oidc.rolesClaim());
        List<String> groups = new ArrayList<>();
        if (claim instanceof Collection<?> col) {
            col.forEach(o -> groups.add(String.valueOf(o)));
        } else if (claim instanceof String s) {
            groups.add(s);
        }
        return groups;
    }

    /**
     * Who a person of the external provider is here, from what the provider said (the raw tenant
     * claim, null when absent, and groups) through the CURRENT tenant rules and role map: at
     * sign-in and again at every renewal of a single sign-on session. Empty when no tenant applies.
     */
    public Optional<Caller> mapped(
            String subject, String name, String tenantClaim, List<String> groups) {
        String slug = tenantClaim != null ? tenantClaim : oidc.defaultTenant().orElse(null);
        if (slug == null || slug.equals(DemoIdentitySeed.SYSTEM_TENANT)) {
            return Optional.empty(); // the platform tenant belongs to the built-in identity
        }
        Optional<TenantId> tenant = tenants.bySlug(slug);
        if (tenant.isEmpty()) {
            return Optional.empty();
        }
        Set<Role> roles = mappedRoles(groups, oidc.roleMap());
        roles.remove(
                Role.PLATFORM_ADMIN); // platform administration stays with the built-in identity
        return Optional.of(new Caller(Caller.Kind.USER, subject, name, tenant.get(), roles));
    }

    static String sha256(String s) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Roles of an external token: only groups named in the role map count, whatever else they are
     * called.
     */
    static Set<Role> mappedRoles(List<String> groups, Map<String, String> map) {
        Set<Role> out = java.util.EnumSet.noneOf(Role.class);
        for (String g : groups) {
            String mapped = map.get(g);
            if (mapped != null) {
                Role.fromWireName(mapped).ifPresent(out::add);
            }
        }
        return out;
    }

    static Object claimAtPath(Map<String, Object> claims, String path) {
        Object cur = claims;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(part);
        }
        return cur;
    }

    static Set<Role> roles(List<String> names, Map<String, String> map) {
        Set<Role> out = java.util.EnumSet.noneOf(Role.class);
        if (names == null) {
            return out;
        }
        for (String n : names) {
            Role.fromWireName(map.getOrDefault(n, n)).ifPresent(out::add);
        }
        return out;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
