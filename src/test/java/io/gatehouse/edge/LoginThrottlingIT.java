package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.HttpFrom;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Login under attack: password hashing never holds a database connection and runs with bounded
 * concurrency; failures lock out one (username, client address) pair, never the username
 * everywhere; X-Forwarded-For counts only from a trusted proxy. The test server trusts {@code
 * 127.0.0.2} as a proxy (deploy/local/test.sh); plain test traffic comes from {@code 127.0.0.1},
 * which is not trusted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginThrottlingIT {
    static final String PROXY = "127.0.0.2";
    private final Http http = Http.local();
    private final HttpFrom proxy = HttpFrom.address(PROXY);
    private final HttpFrom direct = HttpFrom.address("127.0.0.1");

    private static String creds(String user, String password) {
        return Json.createObjectBuilder()
                .add("username", user)
                .add("password", password)
                .build()
                .toString();
    }

    @Test
    @Order(1)
    void otherCallsKeepWorkingDuringABurstOfParallelLogins() throws Exception {
        TestTenant t = TestTenant.fresh();
        String[] admin = t.auth("admin");
        assertThat(http.get("/api/v1/users", admin).status()).isEqualTo(200);
        int logins = 60; // more than the pool's 40 connections
        ExecutorService pool = Executors.newFixedThreadPool(logins);
        try {
            List<Future<Http.Response>> burst = new ArrayList<>();
            for (int i = 0; i < logins; i++) {
                String user = "ghost-" + UUID.randomUUID().toString().substring(0, 12);
                burst.add(
                        pool.submit(
                                () ->
                                        http.post(
                                                "/api/v1/auth/login",
                                                creds(user, "wrong-password-123"))));
            }
            List<Long> during = new ArrayList<>();
            while (burst.stream().anyMatch(f -> !f.isDone())) {
                long start = System.nanoTime();
                Http.Response users = http.get("/api/v1/users", admin);
                during.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                assertThat(users.status())
                        .as("an admin call during the burst: %s", users)
                        .isEqualTo(200);
                Thread.sleep(50);
            }
            assertThat(during)
                    .as("latency of admin calls during the burst (ms)")
                    .allMatch(ms -> ms < 2_000);
            assertThat(during)
                    .as("admin calls answered while logins were still running")
                    .hasSizeGreaterThanOrEqualTo(3);
            int refused = 0;
            for (Future<Http.Response> f : burst) {
                Http.Response r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isIn(401, 503);
                if (r.status() == 503) {
                    assertThat(r.json().getString("code")).isEqualTo("login_busy");
                    assertThat(r.header("Retry-After")).isNotBlank();
                } else {
                    refused++;
                }
            }
            assertThat(refused).as("logins answered (not shed)").isGreaterThan(logins / 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(2)
    void badAttemptsFromOneAddressDoNotLockTheUserOutFromAnother() {
        TestTenant t = TestTenant.fresh();
        String user = t.username("author");
        for (int i = 0; i < 5; i++) {
            // X-Forwarded-For from an untrusted peer is ignored: every attempt counts against
            // 127.0.0.1
            Http.Response r =
                    direct.post(
                            "/api/v1/auth/login",
                            creds(user, "wrong-password-" + i),
                            "X-Forwarded-For",
                            "198.51.100." + (10 + i));
            assertThat(r.status()).isEqualTo(401);
        }
        Http.Response lockedHere =
                direct.post(
                        "/api/v1/auth/login",
                        creds(user, t.password("author")),
                        "X-Forwarded-For",
                        "198.51.100.99");
        assertThat(lockedHere.status())
                .as("locked for 127.0.0.1 whatever it claims to forward")
                .isEqualTo(401);
        Http.Response elsewhere =
                proxy.post("/api/v1/auth/login", creds(user, t.password("author")));
        assertThat(elsewhere.status())
                .as("the same user from another address: %s", elsewhere)
                .isEqualTo(200);
        assertThat(elsewhere.json().getString("access_token")).isNotBlank();
    }

    @Test
    @Order(3)
    void behindATrustedProxyTheForwardedAddressIsTheClient() throws Exception {
        TestTenant t = TestTenant.fresh();
        String user = t.username("reviewer");
        for (int i = 0; i < 5; i++) {
            assertThat(
                            proxy.post(
                                            "/api/v1/auth/login",
                                            creds(user, "wrong-password-" + i),
                                            "X-Forwarded-For",
                                            "203.0.113.7")
                                    .status())
                    .isEqualTo(401);
        }
        assertThat(
                        proxy.post(
                                        "/api/v1/auth/login",
                                        creds(user, t.password("reviewer")),
                                        "X-Forwarded-For",
                                        "203.0.113.7")
                                .status())
                .as("203.0.113.7 is locked out")
                .isEqualTo(401);
        // a client cannot escape by prepending addresses: the proxy appended the one it saw
        assertThat(
                        proxy.post(
                                        "/api/v1/auth/login",
                                        creds(user, t.password("reviewer")),
                                        "X-Forwarded-For",
                                        "10.9.9.9, 203.0.113.7")
                                .status())
                .isEqualTo(401);
        Http.Response other =
                proxy.post(
                        "/api/v1/auth/login",
                        creds(user, t.password("reviewer")),
                        "X-Forwarded-For",
                        "203.0.113.8");
        assertThat(other.status()).as("another client behind the proxy: %s", other).isEqualTo(200);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE tenant_id = ?::uuid AND action = 'auth.login'"
                                            + " AND outcome = 'failure' AND details->>'client' = '203.0.113.7'",
                                    t.id()))
                    .as("failures are audited with the client address")
                    .isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    @Order(4)
    void aLockedAccountAnswersExactlyLikeAWrongPassword() {
        TestTenant t = TestTenant.fresh();
        String user = t.username("auditor");
        for (int i = 0; i < 5; i++) {
            assertThat(
                            direct.post("/api/v1/auth/login", creds(user, "wrong-password-" + i))
                                    .status())
                    .isEqualTo(401);
        }
        Http.Response locked =
                direct.post("/api/v1/auth/login", creds(user, t.password("auditor")));
        Http.Response wrong =
                proxy.post("/api/v1/auth/login", creds(user, "yet-another-wrong-one"));
        Http.Response unknown =
                proxy.post(
                        "/api/v1/auth/login", creds("nobody-" + UUID.randomUUID(), "whatever-pw"));
        for (Http.Response r : List.of(locked, wrong, unknown)) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("Content-Type")).isEqualTo(wrong.header("Content-Type"));
            assertThat(r.header("Retry-After")).isNull();
            assertThat(r.json().getString("requestId"))
                    .as("answered asynchronously, still with its request id")
                    .isEqualTo(r.header("X-Request-Id"));
            assertThat(withoutRequestId(r.json()))
                    .as(r.body())
                    .isEqualTo(withoutRequestId(wrong.json()));
        }
        assertThat(wrong.json().getString("code")).isEqualTo("invalid_credentials");
    }

    private static JsonObject withoutRequestId(JsonObject o) {
        return Json.createObjectBuilder(o).remove("requestId").build();
    }

    @Test
    @Order(5)
    void failuresFromManyAddressesOnlySlowTheUsernameDown() {
        TestTenant t = TestTenant.fresh();
        String user = t.username("author");
        for (int address = 1; address <= 3; address++) {
            for (int i = 0; i < 2; i++) {
                assertThat(
                                proxy.post(
                                                "/api/v1/auth/login",
                                                creds(user, "wrong-password-" + i),
                                                "X-Forwarded-For",
                                                "192.0.2." + address)
                                        .status())
                        .isEqualTo(401);
            }
        }
        long start = System.nanoTime();
        Http.Response ok =
                proxy.post(
                        "/api/v1/auth/login",
                        creds(user, t.password("author")),
                        "X-Forwarded-For",
                        "192.0.2.200");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ok.status())
                .as("six failures spread over addresses never lock the user: %s", ok)
                .isEqualTo(200);
        assertThat(millis).as("but they slow its logins down (ms)").isGreaterThanOrEqualTo(450);
    }

    @Test
    @Order(6)
    void aTakenUsernameAnswersTheSame409WithoutNamingItsTenant() {
        TestTenant a = TestTenant.fresh();
        TestTenant b = TestTenant.fresh();
        String name = "dana-" + UUID.randomUUID().toString().substring(0, 8);
        String body =
                "{\"username\":\""
                        + name
                        + "\",\"password\":\"long-enough-password\",\"roles\":[\"author\"]}";
        assertThat(http.post("/api/v1/users", body, a.auth("admin")).status()).isEqualTo(201);
        Http.Response sameTenant = http.post("/api/v1/users", body, a.auth("admin"));
        Http.Response otherTenant =
                http.post("/api/v1/users", body.replace(name, name.toUpperCase()), b.auth("admin"));
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        String slug = "t-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Response newTenant =
                http.post(
                        "/api/v1/tenants",
                        "{\"slug\":\""
                                + slug
                                + "\",\"displayName\":\"x\",\"admin\":{\"username\":\""
                                + name
                                + "\",\"password\":\"long-enough-password\"}}",
                        "Authorization",
                        "Bearer " + platform);
        for (Http.Response r : List.of(sameTenant, otherTenant, newTenant)) {
            assertThat(r.status()).as(r.body()).isEqualTo(409);
            assertThat(r.json().getString("code")).isEqualTo("username_unavailable");
            assertThat(r.json().getString("detail"))
                    .isEqualTo(sameTenant.json().getString("detail"));
            assertThat(r.body()).doesNotContain(a.slug()).doesNotContain(a.id());
        }
        assertThat(http.get("/api/v1/tenants", "Authorization", "Bearer " + platform).body())
                .as("the tenant whose admin could not be created was not created either")
                .doesNotContain(slug);
    }

    @Test
    @Order(7)
    void nobodyElsewhereCanLockThePlatformAdminOut() throws Exception {
        String attacker = "198.51.100.66";
        try {
            for (int i = 0; i < 6; i++) {
                Http.Response r =
                        proxy.post(
                                "/api/v1/auth/login",
                                creds(TestTenant.PLATFORM_ADMIN, "guess-" + i),
                                "X-Forwarded-For",
                                attacker);
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.json().getString("code")).isEqualTo("invalid_credentials");
            }
            String token =
                    TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
            assertThat(http.get("/api/v1/tenants", "Authorization", "Bearer " + token).status())
                    .isEqualTo(200);
        } finally {
            // the attacker's failures would slow the platform admin's logins in later tests
            try (Connection c = Db.asApp();
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "DELETE FROM edge_login_failures WHERE client = ?")) {
                ps.setString(1, attacker);
                ps.executeUpdate();
            }
        }
    }
}
