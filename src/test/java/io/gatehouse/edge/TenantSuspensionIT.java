package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestIssuer;
import io.gatehouse.testing.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Suspending a tenant cuts every credential of it, on every instance: its API keys, its users'
 * built-in tokens and tokens of the external issuer naming it are refused (403 {@code
 * tenant_suspended}) on a second instance within two seconds, and work again once it is resumed.
 */
class TenantSuspensionIT {
    static final String EXTERNAL_ISSUER = "https://idp.example.test/realms/suspension";
    static final Duration PROPAGATION = Duration.ofSeconds(2);
    static TestIssuer idp;
    static LibertyInstance second;
    private final Http main = Http.local();

    @BeforeAll
    static void start() throws Exception {
        idp = TestIssuer.start("idp-suspension-1");
        second =
                LibertyInstance.start(
                        "gatehouse-suspension",
                        Map.of(
                                "GATEHOUSE_OIDC_ISSUER",
                                EXTERNAL_ISSUER,
                                "GATEHOUSE_OIDC_JWKS_URL",
                                idp.jwksUrl(),
                                "GATEHOUSE_OIDC_AUDIENCE",
                                "gatehouse-api",
                                "GATEHOUSE_OIDC_ROLES_CLAIM",
                                "groups",
                                "GATEHOUSE_OIDC_ROLE_MAP",
                                "tenant-admins=admin"));
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

    static String externalToken(String tenantSlug) throws Exception {
        JwtClaims c = new JwtClaims();
        c.setIssuer(EXTERNAL_ISSUER);
        c.setAudience("gatehouse-api");
        c.setSubject("f:5678:paula");
        c.setClaim("preferred_username", "paula");
        c.setStringListClaim("groups", List.of("tenant-admins"));
        c.setClaim("gh_tenant", tenantSlug);
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(10);
        return idp.sign(c);
    }

    /** Polls until {@code call} answers {@code status}; returns the last answer. */
    static Http.Response await(Supplier<Http.Response> call, int status, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Http.Response r = call.get();
        while (r.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = call.get();
        }
        return r;
    }

    private static Http.Response setStatus(
            Http http, String tenantId, String status, String... auth) {
        return http.method(
                "PATCH", "/api/v1/tenants/" + tenantId, "{\"status\":\"" + status + "\"}", auth);
    }

    @Test
    void suspensionCutsKeysAndTokensOnEveryInstanceAndResumingRestoresThem() throws Exception {
        TestTenant t = TestTenant.fresh();
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        String[] key = t.keyAuth();
        String[] builtIn = t.auth("admin");
        String[] external = {"Authorization", "Bearer " + externalToken(t.slug())};
        Http s = second.http();

        // all three work (and are cached) on the second instance
        assertThat(s.get("/v1/models", key).status()).isEqualTo(200);
        assertThat(s.get("/api/v1/me", builtIn).status()).isEqualTo(200);
        Http.Response extMe = s.get("/api/v1/me", external);
        assertThat(extMe.status()).as(extMe.body()).isEqualTo(200);
        assertThat(extMe.json().getString("tenant")).isEqualTo(t.slug());

        Http.Response suspended =
                setStatus(main, t.id(), "suspended", "Authorization", "Bearer " + platform);
        assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
        assertThat(suspended.json().getString("status")).isEqualTo("suspended");

        // this instance refuses at once, with a clear code, in both error dialects
        Http.Response v1 = main.get("/v1/models", key);
        assertThat(v1.status()).isEqualTo(403);
        assertThat(v1.json().getJsonObject("error").getString("code"))
                .isEqualTo("tenant_suspended");
        Http.Response api = main.get("/api/v1/me", builtIn);
        assertThat(api.status()).isEqualTo(403);
        assertThat(api.header("Content-Type")).startsWith("application/problem+json");
        assertThat(api.json().getString("code")).isEqualTo("tenant_suspended");

        // the second instance within two seconds, for every kind of credential
        long start = System.nanoTime();
        Http.Response k2 = await(() -> s.get("/v1/models", key), 403, PROPAGATION);
        Http.Response b2 = await(() -> s.get("/api/v1/me", builtIn), 403, PROPAGATION);
        Http.Response e2 = await(() -> s.get("/api/v1/me", external), 403, PROPAGATION);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(k2.status()).as("API key on the second instance").isEqualTo(403);
        assertThat(k2.json().getJsonObject("error").getString("code"))
                .isEqualTo("tenant_suspended");
        assertThat(b2.status()).as("built-in token on the second instance").isEqualTo(403);
        assertThat(b2.json().getString("code")).isEqualTo("tenant_suspended");
        assertThat(e2.status()).as("external token on the second instance").isEqualTo(403);
        assertThat(e2.json().getString("code")).isEqualTo("tenant_suspended");
        assertThat(elapsedMs).isLessThanOrEqualTo(PROPAGATION.toMillis() + 500);
        // nothing else of the tenant's works either: management calls with the admin's token
        assertThat(s.get("/api/v1/keys", builtIn).status()).isEqualTo(403);
        assertThat(main.post("/api/v1/keys", "{\"name\":\"while suspended\"}", builtIn).status())
                .isEqualTo(403);
        // and its people cannot log in to get a fresh token
        assertThat(
                        main.post(
                                        "/api/v1/auth/login",
                                        "{\"username\":\""
                                                + t.username("author")
                                                + "\",\"password\":\""
                                                + t.password("author")
                                                + "\"}")
                                .status())
                .isEqualTo(401);
        // other tenants are untouched
        assertThat(s.get("/v1/models", TestTenant.demo().keyAuth()).status()).isEqualTo(200);
        // each refusal is in the tenant's audit trail, with its reason
        for (String action : List.of("auth.api_key", "auth.token")) {
            assertThat(deniedAsSuspended(t.id(), action)).as(action).isPositive();
        }

        Http.Response resumed =
                setStatus(main, t.id(), "active", "Authorization", "Bearer " + platform);
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(main.get("/v1/models", key).status()).isEqualTo(200);
        assertThat(await(() -> s.get("/v1/models", key), 200, PROPAGATION).status()).isEqualTo(200);
        assertThat(await(() -> s.get("/api/v1/me", builtIn), 200, PROPAGATION).status())
                .isEqualTo(200);
        assertThat(await(() -> s.get("/api/v1/me", external), 200, PROPAGATION).status())
                .isEqualTo(200);
    }

    /** Audit events are written in batches: wait up to 5 s for the refusals to be there. */
    private static long deniedAsSuspended(String tenantId, String action) throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        long n;
        do {
            try (java.sql.Connection c = Db.asApp()) {
                n =
                        Db.count(
                                c,
                                "SELECT count(*) FROM audit_events WHERE tenant_id = ?::uuid AND action = ?"
                                        + " AND outcome = 'denied' AND details->>'reason' = 'tenant_suspended'",
                                tenantId,
                                action);
            }
            if (n == 0) {
                Thread.sleep(100);
            }
        } while (n == 0 && System.currentTimeMillis() < deadline);
        return n;
    }

    @Test
    void onlyPlatformAdminsSuspendAndNotTheirOwnTenant() throws Exception {
        TestTenant a = TestTenant.fresh();
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        assertThat(setStatus(main, a.id(), "suspended").status()).isEqualTo(401);
        assertThat(setStatus(main, a.id(), "suspended", a.auth("admin")).status()).isEqualTo(403);
        assertThat(main.get("/v1/models", a.keyAuth()).status()).isEqualTo(200);
        assertThat(
                        setStatus(main, a.id(), "closed", "Authorization", "Bearer " + platform)
                                .status())
                .isEqualTo(400);
        // suspending the platform admin's own tenant would lock every platform admin out
        String systemTenant =
                main.get("/api/v1/me", "Authorization", "Bearer " + platform)
                        .json()
                        .getString("tenantId");
        Http.Response own =
                setStatus(main, systemTenant, "suspended", "Authorization", "Bearer " + platform);
        if (own.status()
                == 200) { // put it back, so a failure here does not lock out the other tests
            setStatus(main, systemTenant, "active", "Authorization", "Bearer " + platform);
        }
        assertThat(own.status()).as(own.body()).isEqualTo(409);
        assertThat(main.get("/api/v1/me", "Authorization", "Bearer " + platform).status())
                .isEqualTo(200);
    }
}
