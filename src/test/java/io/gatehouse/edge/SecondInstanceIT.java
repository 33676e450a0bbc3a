package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.PolicyGatewayIT;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestIssuer;
import io.gatehouse.testing.TestTenant;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second Gatehouse instance on the same database: it accepts the built-in issuer's tokens, sees a
 * key revocation within seconds, and (configured for it) accepts an external OpenID Connect
 * issuer's tokens with roles mapped, their keys served by a stand-in JWKS endpoint.
 */
class SecondInstanceIT {
    static final String EXTERNAL_ISSUER = "https://idp.example.test/realms/acme";
    static TestIssuer idp;
    static LibertyInstance second;

    @BeforeAll
    static void start() throws Exception {
        idp = TestIssuer.start("idp-key-1");
        second =
                LibertyInstance.start(
                        "gatehouse-second",
                        Map.of(
                                "GATEHOUSE_OIDC_ISSUER", EXTERNAL_ISSUER,
                                "GATEHOUSE_OIDC_JWKS_URL", idp.jwksUrl(),
                                "GATEHOUSE_OIDC_AUDIENCE", "gatehouse-api",
                                "GATEHOUSE_OIDC_ROLES_CLAIM", "realm_access.roles",
                                "GATEHOUSE_OIDC_ROLE_MAP",
                                        "acme-admins=admin;acme-reviewers=reviewer",
                                "GATEHOUSE_OIDC_DEFAULT_TENANT", "demo"));
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    static String externalToken(List<String> groups, String audience, java.security.Key key)
            throws Exception {
        JwtClaims c = new JwtClaims();
        c.setIssuer(EXTERNAL_ISSUER);
        c.setAudience(audience);
        c.setSubject("f:1234:erika");
        c.setClaim("preferred_username", "erika");
        c.setClaim("realm_access", Map.of("roles", groups));
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        return idp.sign(c, key);
    }

    @Test
    void builtInTokensAreAcceptedByEveryInstance() {
        TestTenant demo = TestTenant.demo();
        Http.Response me = second.http().get("/api/v1/me", demo.auth("reviewer"));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().getString("username")).isEqualTo("bob");
    }

    @Test
    void aRevokedKeyStopsWorkingOnTheOtherInstanceWithinSeconds() throws Exception {
        TestTenant t = TestTenant.fresh();
        var created =
                Http.local()
                        .post("/api/v1/keys", "{\"name\":\"to revoke\"}", t.auth("admin"))
                        .json();
        String secret = created.getString("key");
        assertThat(
                        second.http()
                                .get("/v1/nothing-here", "Authorization", "Bearer " + secret)
                                .status())
                .as("known and cached on the second instance")
                .isEqualTo(404);
        Http.Response revoked =
                Http.local()
                        .post(
                                "/api/v1/keys/" + created.getString("id") + "/revoke",
                                "",
                                t.auth("admin"));
        assertThat(revoked.status()).isEqualTo(200);
        long start = System.nanoTime();
        int status = 0;
        // "within about a second" (docs/security.md): allow 2 s for a loaded test machine
        while (System.nanoTime() - start < Duration.ofSeconds(2).toNanos()) {
            status =
                    second.http()
                            .get("/v1/nothing-here", "Authorization", "Bearer " + secret)
                            .status();
            if (status == 401) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(status).isEqualTo(401);
    }

    /**
     * Live policies are cached per instance for the hot path; a publish on one instance reaches the
     * other's cache through the shared change feed (docs/policy.md), within seconds.
     */
    @Test
    void aPolicyPublishedOnOneInstanceAppliesOnTheOtherWithinSeconds() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        String withIp = PolicyGatewayIT.chat("ping 10.0.0.1");
        Http.Response before = second.http().post("/v1/chat/completions", withIp, t.keyAuth());
        assertThat(before.status())
                .as("no policy yet, and the empty set now cached on the second instance: " + before)
                .isEqualTo(200);

        Changes.publishPolicy(t, "no-ip", Changes.noIpPolicy()); // on the first instance

        long start = System.nanoTime();
        Http.Response after = before;
        // "within about a second" like every cache on the feed: allow 2 s for a loaded machine
        while (System.nanoTime() - start < Duration.ofSeconds(2).toNanos()) {
            after = second.http().post("/v1/chat/completions", withIp, t.keyAuth());
            if (after.status() == 403) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(after.status()).as(after.toString()).isEqualTo(403);
        assertThat(after.json().getJsonObject("error").getString("code"))
                .isEqualTo("ip_not_allowed");
    }

    @Test
    void externalIssuerTokensAreAcceptedWithRolesMapped() throws Exception {
        String reviewer =
                externalToken(
                        List.of("acme-reviewers", "offline_access"),
                        "gatehouse-api",
                        idp.privateKey());
        Http.Response me = second.http().get("/api/v1/me", "Authorization", "Bearer " + reviewer);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().getString("username")).isEqualTo("erika");
        assertThat(me.json().getString("tenant")).isEqualTo("demo");
        assertThat(me.json().getJsonArray("roles").getString(0)).isEqualTo("reviewer");
        assertThat(
                        second.http()
                                .get("/api/v1/keys", "Authorization", "Bearer " + reviewer)
                                .status())
                .isEqualTo(403);

        String admin = externalToken(List.of("acme-admins"), "gatehouse-api", idp.privateKey());
        assertThat(second.http().get("/api/v1/keys", "Authorization", "Bearer " + admin).status())
                .isEqualTo(200);

        // wrong audience, foreign key, and an instance not configured for this issuer
        assertThat(
                        second.http()
                                .get(
                                        "/api/v1/me",
                                        "Authorization",
                                        "Bearer "
                                                + externalToken(
                                                        List.of("acme-admins"),
                                                        "other-api",
                                                        idp.privateKey()))
                                .status())
                .isEqualTo(401);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        assertThat(
                        second.http()
                                .get(
                                        "/api/v1/me",
                                        "Authorization",
                                        "Bearer "
                                                + externalToken(
                                                        List.of("acme-admins"),
                                                        "gatehouse-api",
                                                        g.generateKeyPair().getPrivate()))
                                .status())
                .isEqualTo(401);
        assertThat(Http.local().get("/api/v1/me", "Authorization", "Bearer " + admin).status())
                .isEqualTo(401);
    }
}
