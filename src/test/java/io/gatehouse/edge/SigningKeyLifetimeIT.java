package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Built-in signing keys do not live forever: a retired key verifies tokens only for the grace
 * window after its retirement (the longest token lifetime by default; eight seconds on the second
 * instance here), then leaves verification and the JWKS; an emergency revocation removes a key at
 * once on every instance. Rotations and revocations are audited on the platform chain.
 *
 * <p>Tokens are obtained with {@link TestTenant#login} (never cached): revoking the active key here
 * must not leave other test classes holding cached tokens of a revoked key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SigningKeyLifetimeIT {
    static final int GRACE_SECONDS = 8;
    static final Duration PROPAGATION = Duration.ofSeconds(2);
    static LibertyInstance second;
    private final Http main = Http.local();

    @BeforeAll
    static void start() {
        second =
                LibertyInstance.start(
                        "gatehouse-signing",
                        Map.of(
                                "GATEHOUSE_AUTH_SIGNING_KEY_GRACE_SECONDS",
                                String.valueOf(GRACE_SECONDS)));
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
    }

    static String kid(String jwt) {
        String header =
                new String(
                        Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                        StandardCharsets.UTF_8);
        try (var r = jakarta.json.Json.createReader(new java.io.StringReader(header))) {
            return r.readObject().getString("kid");
        }
    }

    static List<String> jwksKids(Http http) {
        Http.Response r = http.get("/.well-known/jwks.json");
        assertThat(r.status()).isEqualTo(200);
        return r.json().getJsonArray("keys").stream()
                .map(JsonValue::asJsonObject)
                .map(k -> k.getString("kid"))
                .toList();
    }

    static String platformToken() {
        return TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
    }

    static String userToken(Http via) {
        Http.Response r =
                via.post(
                        "/api/v1/auth/login",
                        "{\"username\":\"dave\",\"password\":\""
                                + TestTenant.DEMO_PASSWORD
                                + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().getString("access_token");
    }

    static int me(Http http, String token) {
        return http.get("/api/v1/me", "Authorization", "Bearer " + token).status();
    }

    static <T> T await(Supplier<T> value, java.util.function.Predicate<T> done, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = value.get();
        }
        return v;
    }

    private Http.Response rotate(String platform) {
        return main.post(
                "/api/v1/platform/signing-keys/rotate", "", "Authorization", "Bearer " + platform);
    }

    private Http.Response revoke(String kid, String... auth) {
        return main.post(
                "/api/v1/platform/signing-keys/" + kid + "/revoke",
                "{\"reason\":\"leaked\"}",
                auth);
    }

    @Test
    @Order(1)
    void aRetiredKeyVerifiesOnlyWithinTheGraceWindow() throws Exception {
        String platform = platformToken();
        String token = userToken(main);
        String retired = kid(token);
        assertThat(me(second.http(), token)).isEqualTo(200);

        assertThat(rotate(platform).status()).isEqualTo(204);
        long rotatedAt = System.nanoTime();
        // every instance signs with the new key within two seconds (it learns of the rotation)
        String fresh =
                await(() -> userToken(second.http()), t -> !kid(t).equals(retired), PROPAGATION);
        assertThat(kid(fresh))
                .as("the second instance signs with the new key")
                .isNotEqualTo(retired);
        assertThat(kid(userToken(main))).isEqualTo(kid(fresh));

        // within the grace window the retired key still verifies and is published
        assertThat(me(second.http(), token)).isEqualTo(200);
        assertThat(jwksKids(second.http())).contains(retired, kid(fresh));

        // after it, it neither verifies nor is published
        int status =
                await(
                        () -> me(second.http(), token),
                        s -> s == 401,
                        Duration.ofSeconds(GRACE_SECONDS + 4));
        long refusedAfterMs = (System.nanoTime() - rotatedAt) / 1_000_000;
        assertThat(status).as("a token of a key retired longer than the grace ago").isEqualTo(401);
        assertThat(refusedAfterMs).isGreaterThanOrEqualTo((GRACE_SECONDS - 2) * 1000L);
        assertThat(jwksKids(second.http())).doesNotContain(retired).contains(kid(fresh));
        assertThat(me(second.http(), fresh)).isEqualTo(200);
        // the main instance keeps its default grace (the token lifetime), so the window is
        // configuration
        assertThat(me(main, token)).isEqualTo(200);
        assertThat(jwksKids(main)).contains(retired);

        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE tenant_id IS NULL AND action = 'signing_key.rotate'"
                                            + " AND target_id = ? AND details->>'retired' LIKE ?",
                                    kid(fresh),
                                    "%" + retired + "%"))
                    .as("the rotation is audited on the platform chain")
                    .isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void emergencyRevocationRemovesAKeyAtOnceOnEveryInstance() throws Exception {
        String platform = platformToken();
        String platformUserId =
                main.get("/api/v1/me", "Authorization", "Bearer " + platform)
                        .json()
                        .getString("userId");

        // a retired key still inside its grace window everywhere
        String older = userToken(main);
        String retiredKid = kid(older);
        assertThat(rotate(platform).status()).isEqualTo(204);
        assertThat(me(main, older)).isEqualTo(200);
        assertThat(me(second.http(), older)).isEqualTo(200);
        Http.Response revoked = revoke(retiredKid, "Authorization", "Bearer " + platform);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().getString("kid")).isEqualTo(retiredKid);
        assertThat(revoked.json().getString("status")).isEqualTo("revoked");
        assertThat(me(main, older)).as("this instance refuses at once").isEqualTo(401);
        assertThat(jwksKids(main)).doesNotContain(retiredKid);
        assertThat(await(() -> me(second.http(), older), s -> s == 401, PROPAGATION))
                .isEqualTo(401);
        assertThat(jwksKids(second.http())).doesNotContain(retiredKid);

        // the active key: a new one takes over at once (the platform admin's own token was signed
        // by
        // the key just revoked, so it logs in again)
        platform = platformToken();
        String current = userToken(second.http());
        String activeKid = kid(current);
        assertThat(me(main, current)).isEqualTo(200);
        Http.Response revokedActive = revoke(activeKid, "Authorization", "Bearer " + platform);
        assertThat(revokedActive.status()).as(revokedActive.body()).isEqualTo(200);
        assertThat(me(main, current)).isEqualTo(401);
        assertThat(await(() -> me(second.http(), current), s -> s == 401, PROPAGATION))
                .isEqualTo(401);
        String successor = userToken(main);
        assertThat(kid(successor)).isNotEqualTo(activeKid).isNotEqualTo(retiredKid);
        assertThat(me(main, successor)).isEqualTo(200);
        assertThat(await(() -> me(second.http(), successor), s -> s == 200, PROPAGATION))
                .isEqualTo(200);
        String fromSecond =
                await(() -> userToken(second.http()), t -> !kid(t).equals(activeKid), PROPAGATION);
        assertThat(kid(fromSecond)).isEqualTo(kid(successor));
        assertThat(jwksKids(main)).doesNotContain(activeKid).contains(kid(successor));
        assertThat(jwksKids(second.http())).doesNotContain(activeKid).contains(kid(successor));

        // the listing shows both as revoked, and a revoked key cannot be revoked again
        platform = platformToken();
        Http.Response list =
                main.get("/api/v1/platform/signing-keys", "Authorization", "Bearer " + platform);
        assertThat(list.status()).isEqualTo(200);
        Map<String, String> statusByKid = new java.util.HashMap<>();
        list.json().getJsonArray("keys").stream()
                .map(JsonValue::asJsonObject)
                .forEach(k -> statusByKid.put(k.getString("kid"), k.getString("status")));
        assertThat(statusByKid)
                .containsEntry(retiredKid, "revoked")
                .containsEntry(activeKid, "revoked")
                .containsEntry(kid(successor), "active");
        assertThat(revoke(activeKid, "Authorization", "Bearer " + platform).status())
                .isEqualTo(409);

        try (Connection c = Db.asApp()) {
            for (String k : List.of(retiredKid, activeKid)) {
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM audit_events WHERE tenant_id IS NULL AND action = 'signing_key.revoke'"
                                                + " AND target_id = ? AND actor = ? AND details->>'reason' = 'leaked'",
                                        k,
                                        platformUserId))
                        .as("revocation of " + k + " is audited")
                        .isEqualTo(1);
            }
            // the private half of a key that no longer signs is not kept
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM edge_signing_keys WHERE (retired_at IS NOT NULL OR revoked_at IS NOT NULL)"
                                            + " AND private_key_sealed IS NOT NULL"))
                    .isZero();
        }
    }

    @Test
    @Order(3)
    void signingKeyAdministrationIsForPlatformAdminsOnly() {
        String platform = platformToken();
        String tenantAdmin = TestTenant.login("admin", TestTenant.DEMO_PASSWORD);
        JsonObject listed =
                main.get("/api/v1/platform/signing-keys", "Authorization", "Bearer " + platform)
                        .json();
        String active =
                listed.getJsonArray("keys").stream()
                        .map(JsonValue::asJsonObject)
                        .filter(k -> k.getString("status").equals("active"))
                        .map(k -> k.getString("kid"))
                        .findFirst()
                        .orElseThrow();
        assertThat(main.get("/api/v1/platform/signing-keys").status()).isEqualTo(401);
        assertThat(
                        main.get(
                                        "/api/v1/platform/signing-keys",
                                        "Authorization",
                                        "Bearer " + tenantAdmin)
                                .status())
                .isEqualTo(403);
        assertThat(revoke(active).status()).isEqualTo(401);
        Http.Response forbidden = revoke(active, "Authorization", "Bearer " + tenantAdmin);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.header("Content-Type")).startsWith("application/problem+json");
        assertThat(main.post("/api/v1/platform/signing-keys/rotate", "").status()).isEqualTo(401);
        Http.Response unknown = revoke("gh-no-such-key", "Authorization", "Bearer " + platform);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        // the refusals changed nothing
        assertThat(me(main, tenantAdmin)).isEqualTo(200);
    }
}
