package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestIssuer;
import io.gatehouse.testing.TestTenant;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an external OpenID Connect issuer's token is trusted for (docs/security.md, "External
 * identities"): roles only through the configured role map, the tenant from its tenant claim but
 * never the platform tenant, and logout revoking the token's {@code jti} or saying plainly that a
 * token without one cannot be revoked. A test issuer signs the tokens; an instance of Gatehouse
 * configured for it verifies them.
 */
class ExternalIdentityIT {
    static final String ISSUER = "https://idp.example.test/realms/edge";
    static TestIssuer idp;
    static LibertyInstance instance;

    @BeforeAll
    static void start() throws Exception {
        idp = TestIssuer.start("edge-idp-1");
        instance =
                LibertyInstance.start(
                        "gatehouse-external-id",
                        Map.of(
                                "GATEHOUSE_OIDC_ISSUER",
                                ISSUER,
                                "GATEHOUSE_OIDC_JWKS_URL",
                                idp.jwksUrl(),
                                "GATEHOUSE_OIDC_ROLE_MAP",
                                // an operator mapping a group to platform-admin must not work
                                "acme-admins=admin;acme-auditors=auditor;acme-root=platform-admin",
                                "GATEHOUSE_OIDC_DEFAULT_TENANT",
                                "demo"));
        instance.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (instance != null) {
            instance.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    /** A token of the test issuer; {@code tenant} and {@code jti} are left out when null. */
    static String token(List<String> groups, String tenant, String jti) throws Exception {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setAudience("gatehouse");
        c.setSubject("u-" + UUID.randomUUID());
        c.setClaim("preferred_username", "erika");
        c.setStringListClaim("groups", groups);
        if (tenant != null) {
            c.setClaim("gh_tenant", tenant);
        }
        if (jti != null) {
            c.setJwtId(jti);
        }
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        return idp.sign(c);
    }

    /** Good claims of the test issuer for the demo tenant, to be spoiled one at a time. */
    static JwtClaims claims() {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setAudience("gatehouse");
        c.setSubject("u-" + UUID.randomUUID());
        c.setStringListClaim("groups", List.of("acme-auditors"));
        c.setGeneratedJwtId();
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        return c;
    }

    static String signed(Consumer<JwtClaims> change) {
        JwtClaims c = claims();
        change.accept(c);
        return idp.sign(c);
    }

    static long now() {
        return NumericDate.now().getValue();
    }

    private static void assertRefused(String what, String token) {
        Http.Response r = get("/api/v1/me", token);
        assertThat(r.status()).as(what + ": " + r).isEqualTo(401);
        assertThat(r.header("Content-Type")).as(what).startsWith("application/problem+json");
        assertThat(r.json().getString("code")).as(what).isEqualTo("invalid_token");
        assertThat(r.body()).as(what).doesNotContain("Exception");
    }

    private static void assertAccepted(String what, String token) {
        Http.Response r = get("/api/v1/me", token);
        assertThat(r.status()).as(what + ": " + r).isEqualTo(200);
        assertThat(r.json().getJsonArray("roles").toString()).isEqualTo("[\"auditor\"]");
    }

    private static Http.Response get(String path, String token) {
        return instance.http().get(path, "Authorization", "Bearer " + token);
    }

    @Test
    void onlyGroupsInTheRoleMapBecomeRoles() throws Exception {
        String unmapped =
                token(
                        List.of("admin", "platform-admin", "auditor", "reviewer", "author"),
                        null,
                        null);
        Http.Response me = get("/api/v1/me", unmapped);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().getJsonArray("roles"))
                .as("groups named like roles are not roles")
                .isEmpty();
        assertThat(get("/api/v1/keys", unmapped).status()).isEqualTo(403);
        assertThat(get("/api/v1/users", unmapped).status()).isEqualTo(403);
        assertThat(get("/api/v1/audit/events", unmapped).status()).isEqualTo(403);

        String mapped = token(List.of("acme-admins", "acme-auditors"), null, null);
        assertThat(get("/api/v1/me", mapped).json().getJsonArray("roles").toString())
                .isEqualTo("[\"admin\",\"auditor\"]");
        assertThat(get("/api/v1/keys", mapped).status()).isEqualTo(200);
    }

    @Test
    void theTenantClaimChoosesTheTenantButNeverThePlatformTenant() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response me = get("/api/v1/me", token(List.of("acme-admins"), t.slug(), null));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().getString("tenant")).isEqualTo(t.slug());
        assertThat(me.json().getString("tenantId")).isEqualTo(t.id());
        assertThat(get("/api/v1/me", token(List.of("acme-admins"), "system", null)).status())
                .as("the platform tenant belongs to the built-in identity")
                .isEqualTo(401);
        assertThat(get("/api/v1/users", token(List.of("acme-admins"), "system", null)).status())
                .isEqualTo(401);
        assertThat(
                        get("/api/v1/me", token(List.of("acme-admins"), "no-such-tenant", null))
                                .status())
                .isEqualTo(401);
    }

    /** The external issuer's side of TokenRejectionIT: the same rules, its own differences. */
    @Test
    void everyBadExternalTokenIsRefusedWithAStructuredAnswer() throws Exception {
        assertAccepted("good", signed(c -> {}));
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair other = g.generateKeyPair();
        assertRefused(
                "a kid not in the JWKS, signed by the key it names",
                TestIssuer.sign(claims(), other.getPrivate(), "edge-idp-unknown"));
        assertRefused(
                "a foreign key under the issuer's kid", idp.sign(claims(), other.getPrivate()));
        assertRefused(
                "no kid, though signed by the issuer's key",
                TestIssuer.sign(claims(), idp.privateKey(), null));
        // RS/HS confusion: HS256 keyed with the issuer's public key bytes
        JsonWebSignature hs = new JsonWebSignature();
        hs.setPayload(claims().toJson());
        hs.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        hs.setKeyIdHeaderValue(idp.keyId());
        hs.setKey(new HmacKey(idp.publicKey().getEncoded()));
        hs.setDoKeyValidation(false);
        assertRefused("HS256 with the public key", hs.getCompactSerialization());

        assertRefused("no sub", signed(c -> c.unsetClaim("sub")));
        assertRefused("no exp", signed(c -> c.unsetClaim("exp")));
        assertRefused("wrong iss", signed(c -> c.setIssuer(ISSUER + "/other")));
        String builtInIssuer =
                instance.http().get("/.well-known/openid-configuration").json().getString("issuer");
        assertRefused(
                "the IdP's key claiming the built-in issuer",
                signed(c -> c.setIssuer(builtInIssuer)));
        assertRefused("wrong aud", signed(c -> c.setAudience("someone-else")));
        assertRefused("no aud", signed(c -> c.unsetClaim("aud")));

        // 30 s clock skew: 10 s beyond a limit is tolerated, 60 s is not
        assertAccepted(
                "expired 10 s ago",
                signed(
                        c -> {
                            c.setIssuedAt(NumericDate.fromSeconds(now() - 20));
                            c.setExpirationTime(NumericDate.fromSeconds(now() - 10));
                        }));
        assertRefused(
                "expired 60 s ago",
                signed(
                        c -> {
                            c.setIssuedAt(NumericDate.fromSeconds(now() - 70));
                            c.setExpirationTime(NumericDate.fromSeconds(now() - 60));
                        }));
        assertAccepted(
                "nbf in 10 s", signed(c -> c.setNotBefore(NumericDate.fromSeconds(now() + 10))));
        assertRefused(
                "nbf in 60 s", signed(c -> c.setNotBefore(NumericDate.fromSeconds(now() + 60))));
        assertAccepted(
                "iat in 10 s", signed(c -> c.setIssuedAt(NumericDate.fromSeconds(now() + 10))));
        assertRefused(
                "iat in 60 s", signed(c -> c.setIssuedAt(NumericDate.fromSeconds(now() + 60))));

        // where the external issuer differs: jti and iat are optional (Entra ID sends no jti)
        assertAccepted("no jti", signed(c -> c.unsetClaim("jti")));
        assertAccepted("no iat", signed(c -> c.unsetClaim("iat")));
    }

    /**
     * Every way an external token could claim platform-admin: a group the operator's role map maps
     * to it, a groups or roles claim naming it literally, the platform tenant in the tenant claim.
     * Each platform-admin endpoint refuses, and the same endpoints answer a built-in platform
     * admin.
     */
    @Test
    void anExternalTokenNeverCarriesPlatformAdmin() throws Exception {
        String platformToken =
                instance.http()
                        .post(
                                "/api/v1/auth/login",
                                "{\"username\":\""
                                        + TestTenant.PLATFORM_ADMIN
                                        + "\",\"password\":\""
                                        + TestTenant.PLATFORM_ADMIN_PASSWORD
                                        + "\"}")
                        .json()
                        .getString("access_token");
        String systemTenantId = get("/api/v1/me", platformToken).json().getString("tenantId");
        String demoId = TestTenant.demo().id();
        List<String> platformOnly =
                List.of(
                        "/api/v1/tenants",
                        "/api/v1/platform/signing-keys",
                        "/api/v1/platform/tenants/" + demoId + "/egress-allowlist");
        for (String path : platformOnly) {
            assertThat(get(path, platformToken).status())
                    .as("positive control: a built-in platform admin reaches " + path)
                    .isEqualTo(200);
        }

        Map<String, String> attempts =
                Map.of(
                        "a group the role map maps to platform-admin",
                        signed(c -> c.setStringListClaim("groups", List.of("acme-root"))),
                        "that group and a mapped admin group",
                        signed(
                                c ->
                                        c.setStringListClaim(
                                                "groups", List.of("acme-root", "acme-admins"))),
                        "a groups claim literally platform-admin",
                        signed(c -> c.setStringListClaim("groups", List.of("platform-admin"))),
                        "a groups claim that is the string platform-admin",
                        signed(c -> c.setClaim("groups", "platform-admin")),
                        "a roles claim literally platform-admin",
                        signed(
                                c -> {
                                    c.unsetClaim("groups");
                                    c.setStringListClaim("roles", List.of("platform-admin"));
                                }));
        for (Map.Entry<String, String> a : attempts.entrySet()) {
            Http.Response me = get("/api/v1/me", a.getValue());
            assertThat(me.status()).as(a.getKey()).isEqualTo(200);
            assertThat(me.json().getJsonArray("roles").toString())
                    .as(a.getKey())
                    .doesNotContain("platform-admin");
            assertThat(me.json().getString("tenant")).as(a.getKey()).isEqualTo("demo");
            for (String path : platformOnly) {
                Http.Response r = get(path, a.getValue());
                assertThat(r.status()).as(a.getKey() + " " + path).isEqualTo(403);
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            }
            // nor can it hand platform-admin to a built-in user of its tenant
            Http.Response grant =
                    instance.http()
                            .post(
                                    "/api/v1/users",
                                    "{\"username\":\"pa-"
                                            + UUID.randomUUID().toString().substring(0, 8)
                                            + "\",\"password\":\"correct horse battery staple\","
                                            + "\"roles\":[\"platform-admin\"]}",
                                    "Authorization",
                                    "Bearer " + a.getValue());
            assertThat(grant.status()).as(a.getKey() + ": " + grant).isEqualTo(403);
        }
        assertThat(
                        get(
                                        "/api/v1/me",
                                        signed(
                                                c ->
                                                        c.setStringListClaim(
                                                                "groups",
                                                                List.of(
                                                                        "acme-root",
                                                                        "acme-admins"))))
                                .json()
                                .getJsonArray("roles")
                                .toString())
                .as("the mapped admin group still counts")
                .isEqualTo("[\"admin\"]");

        // the platform tenant, however it is named, is refused outright
        for (String tenant : List.of("system", "SYSTEM", " system", systemTenantId)) {
            String t =
                    signed(
                            c -> {
                                c.setStringListClaim("groups", List.of("acme-root", "acme-admins"));
                                c.setClaim("gh_tenant", tenant);
                            });
            assertRefused("tenant claim " + tenant, t);
            for (String path : platformOnly) {
                assertThat(get(path, t).status()).as(tenant + " " + path).isEqualTo(401);
            }
        }
    }

    @Test
    void logoutRevokesAnExternalTokenByJtiAndSaysSoWhenItCannot() throws Exception {
        String withJti = token(List.of("acme-auditors"), null, UUID.randomUUID().toString());
        String other = token(List.of("acme-auditors"), null, UUID.randomUUID().toString());
        assertThat(get("/api/v1/me", withJti).status()).isEqualTo(200);
        assertThat(
                        instance.http()
                                .post(
                                        "/api/v1/auth/logout",
                                        "",
                                        "Authorization",
                                        "Bearer " + withJti)
                                .status())
                .isEqualTo(204);
        assertThat(get("/api/v1/me", withJti).status()).as("revoked").isEqualTo(401);
        assertThat(get("/api/v1/me", other).status()).as("only that token").isEqualTo(200);

        String noJti = token(List.of("acme-auditors"), null, null);
        Http.Response out =
                instance.http().post("/api/v1/auth/logout", "", "Authorization", "Bearer " + noJti);
        assertThat(out.status()).as(out.body()).isEqualTo(409);
        assertThat(out.json().getString("code")).isEqualTo("token_not_revocable");
        assertThat(get("/api/v1/me", noJti).status())
                .as("as the answer says: it stays valid until it expires")
                .isEqualTo(200);
    }
}
