package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestIssuer;
import io.gatehouse.testing.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
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
                                "acme-admins=admin;acme-auditors=auditor",
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
