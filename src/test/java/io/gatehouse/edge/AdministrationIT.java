package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** API keys, users, tenants and limits: 200, 401, 403 and another tenant's objects for each. */
class AdministrationIT {
    private final Http http = Http.local();

    /**
     * A key is accepted on /v1 when the answer is anything but 401/403 (404 for an unknown path).
     */
    private int probe(String key) {
        return http.get("/v1/nothing-here", "Authorization", "Bearer " + key).status();
    }

    @Test
    void keyLifecycle() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response created =
                http.post(
                        "/api/v1/keys",
                        "{\"name\":\"billing app\",\"allowedRoutes\":[\"sandbox\"]}",
                        t.auth("admin"));
        assertThat(created.status()).isEqualTo(201);
        JsonObject k = created.json();
        String secret = k.getString("key");
        String id = k.getString("id");
        // 40 base62 characters: 238 bits of randomness
        assertThat(secret).matches("gh_live_[0-9A-Za-z]{40}").startsWith(k.getString("prefix"));
        assertThat(probe(secret)).isEqualTo(404);

        Http.Response list = http.get("/api/v1/keys", t.auth("admin"));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains(k.getString("prefix")).doesNotContain(secret);
        Http.Response one = http.get("/api/v1/keys/" + id, t.auth("admin"));
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body()).as("shown once").doesNotContain(secret);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM edge_api_keys WHERE secret_hash LIKE ?",
                                    "%" + secret + "%"))
                    .as("the secret is never stored")
                    .isZero();
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE action = 'key.create' AND target_id = ?",
                                    id))
                    .isEqualTo(1);
        }

        Http.Response rotated =
                http.post(
                        "/api/v1/keys/" + id + "/rotate",
                        "{\"overlapSeconds\":60}",
                        t.auth("admin"));
        assertThat(rotated.status()).isEqualTo(201);
        String successor = rotated.json().getString("key");
        assertThat(rotated.json().getString("rotatedFrom")).isEqualTo(id);
        assertThat(probe(successor)).isEqualTo(404);
        assertThat(probe(secret)).as("the old key works during the overlap").isEqualTo(404);

        Http.Response revoked = http.post("/api/v1/keys/" + id + "/revoke", "", t.auth("admin"));
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().getString("status")).isEqualTo("revoked");
        assertThat(probe(secret)).isEqualTo(401);
        assertThat(http.post("/api/v1/keys/" + id + "/revoke", "", t.auth("admin")).status())
                .isEqualTo(409);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE action = 'key.revoke' AND target_id = ?",
                                    id))
                    .isEqualTo(1);
        }
    }

    @Test
    void expiredAndUnknownKeysAre401OpenAiErrors() throws Exception {
        TestTenant t = TestTenant.fresh();
        // The key expires at an instant the test chooses. Instead of sleeping past it, the test
        // polls and judges each answer by when it was asked (client and server share the host's
        // clock): accepted only when asked before that instant, refused only when answered after.
        Instant expiresAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        String secret =
                http.post(
                                "/api/v1/keys",
                                "{\"name\":\"short\",\"expiresAt\":\"" + expiresAt + "\"}",
                                t.auth("admin"))
                        .json()
                        .getString("key");
        assertThat(probe(secret)).isEqualTo(404);
        assertThat(Instant.now())
                .as("the first probe was answered before the key expired")
                .isBefore(expiresAt);
        Http.Response r;
        while (true) {
            Instant asked = Instant.now();
            r = http.get("/v1/nothing-here", "Authorization", "Bearer " + secret);
            if (r.status() != 404) {
                break;
            }
            // also ends the loop: a key still accepted once expired fails here
            assertThat(asked).as("accepted only while not yet expired").isBefore(expiresAt);
            Thread.sleep(100); // polling interval, not the time being tested
        }
        assertThat(Instant.now()).as("refused only once expired").isAfterOrEqualTo(expiresAt);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
        assertThat(r.json().getJsonObject("error").getString("message")).contains("expired");
        assertThat(probe("gh_live_" + "x".repeat(40))).isEqualTo(401);
        assertThat(http.get("/v1/nothing-here").status()).isEqualTo(401);
        assertThat(
                        http.post(
                                        "/api/v1/keys",
                                        "{\"name\":\"past\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(400);
    }

    @Test
    void scopedKeysReachOnlyTheirRoutes() {
        TestTenant demo = TestTenant.demo();
        String key =
                http.post(
                                "/api/v1/keys",
                                "{\"name\":\"embeddings only\",\"allowedRoutes\":[\"sandbox-embed\"]}",
                                demo.auth("admin"))
                        .json()
                        .getString("key");
        Http.Response chat =
                http.post(
                        "/v1/chat/completions",
                        "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "Authorization",
                        "Bearer " + key);
        assertThat(chat.status()).isEqualTo(403);
        assertThat(chat.json().getJsonObject("error").getString("code"))
                .isEqualTo("model_not_allowed");
        Http.Response models = http.get("/v1/models", "Authorization", "Bearer " + key);
        assertThat(models.status()).isEqualTo(200);
        assertThat(models.header("x-ratelimit-limit-requests"))
                .as("on every /v1 answer")
                .matches("\\d+");
        assertThat(chat.header("x-ratelimit-remaining-requests")).matches("\\d+");
        assertThat(models.body()).contains("\"sandbox-embed\"").doesNotContain("\"sandbox\"");
        Http.Response embed =
                http.post(
                        "/v1/embeddings",
                        "{\"model\":\"sandbox-embed\",\"input\":\"hello\"}",
                        "Authorization",
                        "Bearer " + key);
        assertThat(embed.status()).isEqualTo(200);
    }

    @Test
    void cidrAllowlist() {
        TestTenant t = TestTenant.fresh();
        String elsewhere =
                http.post(
                                "/api/v1/keys",
                                "{\"name\":\"office only\",\"allowedCidrs\":[\"10.0.0.0/8\"]}",
                                t.auth("admin"))
                        .json()
                        .getString("key");
        String local =
                http.post(
                                "/api/v1/keys",
                                "{\"name\":\"local\",\"allowedCidrs\":[\"127.0.0.0/8\",\"::1/128\"]}",
                                t.auth("admin"))
                        .json()
                        .getString("key");
        Http.Response denied = http.get("/v1/nothing-here", "Authorization", "Bearer " + elsewhere);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().getJsonObject("error").getString("code"))
                .isEqualTo("ip_not_allowed");
        assertThat(probe(local)).isEqualTo(404);
        assertThat(
                        http.post(
                                        "/api/v1/keys",
                                        "{\"name\":\"bad\",\"allowedCidrs\":[\"10.0.0.0/99\"]}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(400);
    }

    @Test
    void keysNeedAdminAndStayInTheirTenant() {
        TestTenant a = TestTenant.fresh();
        TestTenant b = TestTenant.fresh();
        String id =
                http.post("/api/v1/keys", "{\"name\":\"a's key\"}", a.auth("admin"))
                        .json()
                        .getString("id");
        assertThat(http.get("/api/v1/keys").status()).isEqualTo(401);
        assertThat(http.get("/api/v1/keys", a.auth("reviewer")).status()).isEqualTo(403);
        assertThat(http.post("/api/v1/keys", "{\"name\":\"x\"}", a.auth("author")).status())
                .isEqualTo(403);
        assertThat(http.get("/api/v1/keys/" + id, a.auth("admin")).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/keys/" + id, b.auth("admin")).status()).isEqualTo(404);
        assertThat(http.post("/api/v1/keys/" + id + "/revoke", "", b.auth("admin")).status())
                .isEqualTo(404);
        assertThat(http.post("/api/v1/keys/" + id + "/rotate", "{}", b.auth("admin")).status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/keys", b.auth("admin")).body()).doesNotContain(id);
        assertThat(http.get("/api/v1/keys/not-a-uuid", a.auth("admin")).status()).isEqualTo(404);
    }

    @Test
    void usersAreManagedByTheirTenantsAdmin() {
        TestTenant a = TestTenant.fresh();
        TestTenant b = TestTenant.fresh();
        Http.Response created =
                http.post(
                        "/api/v1/users",
                        "{\"username\":\"erin-"
                                + a.slug()
                                + "\",\"password\":\"long-enough-password\",\"roles\":[\"reviewer\"]}",
                        a.auth("admin"));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().getString("id");
        assertThat(created.body()).doesNotContain("long-enough-password").doesNotContain("argon2");
        assertThat(http.get("/api/v1/users", a.auth("admin")).body()).contains("erin-");
        assertThat(http.get("/api/v1/users", a.auth("author")).status()).isEqualTo(403);
        assertThat(http.get("/api/v1/users").status()).isEqualTo(401);
        assertThat(http.get("/api/v1/users/" + id, b.auth("admin")).status()).isEqualTo(404);
        assertThat(
                        http.method(
                                        "PATCH",
                                        "/api/v1/users/" + id,
                                        "{\"status\":\"disabled\"}",
                                        b.auth("admin"))
                                .status())
                .isEqualTo(404);
        assertThat(
                        http.post(
                                        "/api/v1/users",
                                        "{\"username\":\"x-"
                                                + a.slug()
                                                + "\",\"password\":\"long-enough-password\",\"roles\":[\"platform-admin\"]}",
                                        a.auth("admin"))
                                .status())
                .isEqualTo(403);
        assertThat(
                        http.post(
                                        "/api/v1/users",
                                        "{\"username\":\"erin-"
                                                + a.slug()
                                                + "\",\"password\":\"long-enough-password\",\"roles\":[\"author\"]}",
                                        a.auth("admin"))
                                .status())
                .isEqualTo(409);

        // nor give platform-admin to an existing user
        Http.Response elevate =
                http.method(
                        "PATCH",
                        "/api/v1/users/" + id,
                        "{\"roles\":[\"platform-admin\"]}",
                        a.auth("admin"));
        assertThat(elevate.status()).as(elevate.toString()).isEqualTo(403);
        assertThat(elevate.json().getString("detail")).contains("platform-admin");

        String erinToken = TestTenant.login("erin-" + a.slug(), "long-enough-password");
        Http.Response patched =
                http.method(
                        "PATCH",
                        "/api/v1/users/" + id,
                        "{\"roles\":[\"auditor\"],\"status\":\"disabled\"}",
                        a.auth("admin"));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().getString("status")).isEqualTo("disabled");
        assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + erinToken).status())
                .as("disabling ends the user's tokens")
                .isEqualTo(401);
        assertThat(
                        http.post(
                                        "/api/v1/auth/login",
                                        "{\"username\":\"erin-"
                                                + a.slug()
                                                + "\",\"password\":\"long-enough-password\"}")
                                .status())
                .isEqualTo(401);
        assertThat(
                        http.post(
                                        "/api/v1/users/" + id + "/reset-password",
                                        "{\"password\":\"another-long-password\"}",
                                        a.auth("admin"))
                                .status())
                .isEqualTo(204);
    }

    @Test
    void tenantsAreManagedByPlatformAdminsOnly() {
        TestTenant a = TestTenant.fresh();
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        assertThat(http.get("/api/v1/tenants", "Authorization", "Bearer " + platform).body())
                .contains(a.slug());
        assertThat(http.get("/api/v1/tenants", a.auth("admin")).status()).isEqualTo(403);
        assertThat(http.get("/api/v1/tenants").status()).isEqualTo(401);
        assertThat(
                        http.post(
                                        "/api/v1/tenants",
                                        "{\"slug\":\"Bad Slug\",\"displayName\":\"x\"}",
                                        "Authorization",
                                        "Bearer " + platform)
                                .status())
                .isEqualTo(400);
        // the first admin's fields are named as in the body
        Http.Response weak =
                http.post(
                        "/api/v1/tenants",
                        "{\"slug\":\"weak-admin-pw\",\"displayName\":\"x\","
                                + "\"admin\":{\"username\":\"first\",\"password\":\"short\"}}",
                        "Authorization",
                        "Bearer " + platform);
        assertThat(weak.status()).as(weak.toString()).isEqualTo(400);
        assertThat(weak.json().getString("param")).isEqualTo("admin.password");
        Http.Response badName =
                http.post(
                        "/api/v1/tenants",
                        "{\"slug\":\"bad-admin-name\",\"displayName\":\"x\","
                                + "\"admin\":{\"username\":\"-x\",\"password\":\"long-enough-password-1\"}}",
                        "Authorization",
                        "Bearer " + platform);
        assertThat(badName.status()).as(badName.toString()).isEqualTo(400);
        assertThat(badName.json().getString("param")).isEqualTo("admin.username");
        assertThat(
                        http.post(
                                        "/api/v1/tenants",
                                        "{\"slug\":\"" + a.slug() + "\",\"displayName\":\"dup\"}",
                                        "Authorization",
                                        "Bearer " + platform)
                                .status())
                .isEqualTo(409);
        assertThat(
                        http.method(
                                        "PATCH",
                                        "/api/v1/tenants/" + java.util.UUID.randomUUID(),
                                        "{\"status\":\"suspended\"}",
                                        "Authorization",
                                        "Bearer " + platform)
                                .status())
                .isEqualTo(404);
    }

    @Test
    void limitsAreTenantScoped() {
        TestTenant a = TestTenant.fresh();
        TestTenant b = TestTenant.fresh();
        Http.Response put =
                http.method(
                        "PUT",
                        "/api/v1/limits",
                        "{\"rpmLimit\":100,\"tpmLimit\":50000,\"dailyBudgetMicros\":5000000}",
                        a.auth("admin"));
        assertThat(put.status()).isEqualTo(200);
        assertThat(http.get("/api/v1/limits", a.auth("admin")).json().getInt("rpmLimit"))
                .isEqualTo(100);
        assertThat(http.get("/api/v1/limits", b.auth("admin")).json().containsKey("rpmLimit"))
                .as("unset limits are omitted")
                .isFalse();
        assertThat(http.get("/api/v1/limits", a.auth("auditor")).status()).isEqualTo(403);
        assertThat(http.get("/api/v1/limits").status()).isEqualTo(401);
        assertThat(
                        http.method("PUT", "/api/v1/limits", "{\"rpmLimit\":-1}", a.auth("admin"))
                                .status())
                .isEqualTo(400);
    }

    /**
     * The fields added after the first limits (test calls: V70; evaluation share) keep their value
     * when a PUT leaves them out, as an older script's PUT does; null puts the two numbers back to
     * the platform default; the switch takes true or false only.
     */
    @Test
    void aLimitsPutWithoutTheLaterFieldsKeepsThem() {
        TestTenant t = TestTenant.fresh();
        Http.Response set =
                http.method(
                        "PUT",
                        "/api/v1/limits",
                        "{\"rpmLimit\":100,\"testCallsEnabled\":false,"
                                + "\"testCallsPerPersonPerMinute\":5,\"evaluationSharePercent\":20}",
                        t.auth("admin"));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);

        // an older script: only the limits it knows
        Http.Response older =
                http.method("PUT", "/api/v1/limits", "{\"rpmLimit\":200}", t.auth("admin"));
        assertThat(older.status()).as(older.toString()).isEqualTo(200);
        JsonObject kept = http.get("/api/v1/limits", t.auth("admin")).json();
        assertThat(kept.getInt("rpmLimit")).isEqualTo(200);
        assertThat(kept.getBoolean("testCallsEnabled")).isFalse();
        assertThat(kept.getInt("testCallsPerPersonPerMinute")).isEqualTo(5);
        assertThat(kept.getInt("evaluationSharePercent")).isEqualTo(20);
        assertThat(older.json()).isEqualTo(kept);

        // null: the platform default again; the first limits are replaced as before
        Http.Response reset =
                http.method(
                        "PUT",
                        "/api/v1/limits",
                        "{\"testCallsPerPersonPerMinute\":null,\"evaluationSharePercent\":null}",
                        t.auth("admin"));
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
        JsonObject defaults = http.get("/api/v1/limits", t.auth("admin")).json();
        assertThat(defaults.containsKey("testCallsPerPersonPerMinute")).isFalse();
        assertThat(defaults.containsKey("evaluationSharePercent")).isFalse();
        assertThat(defaults.containsKey("rpmLimit")).as("absent: none").isFalse();
        assertThat(defaults.getBoolean("testCallsEnabled")).as("still off").isFalse();

        // bad input names its field and changes nothing
        for (String[] bad :
                new String[][] {
                    {"{\"testCallsEnabled\":null}", "testCallsEnabled"},
                    {"{\"testCallsEnabled\":\"yes\"}", "testCallsEnabled"},
                    {"{\"evaluationSharePercent\":0}", "evaluationSharePercent"},
                    {"{\"evaluationSharePercent\":\"20\"}", "evaluationSharePercent"},
                    {"{\"rpmLimit\":1.5}", "rpmLimit"},
                    {"{\"tpmLimit\":99999999999}", "tpmLimit"},
                }) {
            Http.Response r = http.method("PUT", "/api/v1/limits", bad[0], t.auth("admin"));
            assertThat(r.status()).as(bad[0] + " -> " + r).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().getString("param")).as(bad[0]).isEqualTo(bad[1]);
        }
        Http.Response notJson = http.method("PUT", "/api/v1/limits", "{nope", t.auth("admin"));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.header("Content-Type")).startsWith("application/problem+json");
        assertThat(http.get("/api/v1/limits", t.auth("admin")).json()).isEqualTo(defaults);
        for (String role : new String[] {"author", "reviewer", "auditor"}) {
            assertThat(
                            http.method("PUT", "/api/v1/limits", "{\"rpmLimit\":1}", t.auth(role))
                                    .status())
                    .as(role)
                    .isEqualTo(403);
        }
        assertThat(http.method("PUT", "/api/v1/limits", "{\"rpmLimit\":1}", t.keyAuth()).status())
                .isEqualTo(401);
        assertThat(http.method("PUT", "/api/v1/limits", "{\"rpmLimit\":1}").status())
                .isEqualTo(401);
        // none of the refused writes changed anything
        assertThat(http.get("/api/v1/limits", t.auth("admin")).json()).isEqualTo(defaults);
    }
}
