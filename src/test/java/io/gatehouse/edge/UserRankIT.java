package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Nobody changes a user who holds a role they do not hold: a tenant admin of the platform tenant
 * cannot reset a platform admin's password, change its roles or disable it. The target here is a
 * second platform admin, so that the bootstrap one other tests log in with is never at risk.
 */
class UserRankIT {
    private final Http http = Http.local();

    private String createUser(String platformToken, String name, String role) {
        Http.Response r =
                http.post(
                        "/api/v1/users",
                        "{\"username\":\""
                                + name
                                + "\",\"password\":\"original-password-1\",\"roles\":[\""
                                + role
                                + "\"]}",
                        "Authorization",
                        "Bearer " + platformToken);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().getString("id");
    }

    @Test
    void aTenantAdminOfThePlatformTenantCannotChangeAPlatformAdmin() throws Exception {
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        String s = UUID.randomUUID().toString().substring(0, 8);
        createUser(platform, "sysadmin-" + s, "admin");
        String target = createUser(platform, "pa-" + s, "platform-admin");
        String author = createUser(platform, "sysauthor-" + s, "author");
        String[] tenantAdmin = {
            "Authorization", "Bearer " + TestTenant.login("sysadmin-" + s, "original-password-1")
        };

        // every path that changes a user
        Http.Response reset =
                http.post(
                        "/api/v1/users/" + target + "/reset-password",
                        "{\"password\":\"attacker-chosen-password\"}",
                        tenantAdmin);
        Http.Response strip =
                http.method(
                        "PATCH", "/api/v1/users/" + target, "{\"roles\":[\"admin\"]}", tenantAdmin);
        Http.Response same =
                http.method(
                        "PATCH",
                        "/api/v1/users/" + target,
                        "{\"roles\":[\"platform-admin\"]}",
                        tenantAdmin);
        Http.Response disable =
                http.method(
                        "PATCH",
                        "/api/v1/users/" + target,
                        "{\"status\":\"disabled\"}",
                        tenantAdmin);
        Http.Response touch = http.method("PATCH", "/api/v1/users/" + target, "{}", tenantAdmin);
        for (Http.Response r : new Http.Response[] {reset, strip, same, disable, touch}) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().getString("code")).as(r.body()).isEqualTo("outranked");
        }

        // nothing changed: same password, role and status
        String targetToken = TestTenant.login("pa-" + s, "original-password-1");
        Http.Response me = http.get("/api/v1/me", "Authorization", "Bearer " + targetToken);
        assertThat(me.json().getJsonArray("roles").getString(0)).isEqualTo("platform-admin");
        Http.Response view =
                http.get("/api/v1/users/" + target, "Authorization", "Bearer " + platform);
        assertThat(view.json().getString("status")).isEqualTo("active");
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE target_id = ? AND outcome = 'denied'"
                                            + " AND action IN ('user.update', 'user.password_reset')",
                                    target))
                    .as("each refusal is audited")
                    .isEqualTo(5);
        }

        // the tenant admin still manages users it outranks; a platform admin manages the platform
        // admin
        assertThat(
                        http.post(
                                        "/api/v1/users/" + author + "/reset-password",
                                        "{\"password\":\"another-long-password\"}",
                                        tenantAdmin)
                                .status())
                .isEqualTo(204);
        assertThat(
                        http.method(
                                        "PATCH",
                                        "/api/v1/users/" + author,
                                        "{\"roles\":[\"reviewer\"]}",
                                        tenantAdmin)
                                .status())
                .isEqualTo(200);
        assertThat(
                        http.post(
                                        "/api/v1/users/" + target + "/reset-password",
                                        "{\"password\":\"a-new-platform-password\"}",
                                        "Authorization",
                                        "Bearer " + platform)
                                .status())
                .isEqualTo(204);
        assertThat(TestTenant.login("pa-" + s, "a-new-platform-password")).isNotBlank();
    }

    @Test
    void tenantAdminsManageEachOtherButNotAcrossTenants() {
        TestTenant a = TestTenant.fresh();
        TestTenant b = TestTenant.fresh();
        Http.Response second =
                http.post(
                        "/api/v1/users",
                        "{\"username\":\"admin2-"
                                + a.slug()
                                + "\",\"password\":\"long-enough-password\",\"roles\":[\"admin\"]}",
                        a.auth("admin"));
        assertThat(second.status()).isEqualTo(201);
        String id = second.json().getString("id");
        assertThat(
                        http.post(
                                        "/api/v1/users/" + id + "/reset-password",
                                        "{\"password\":\"another-long-password\"}",
                                        a.auth("admin"))
                                .status())
                .as("same rank")
                .isEqualTo(204);
        assertThat(
                        http.post(
                                        "/api/v1/users/" + id + "/reset-password",
                                        "{\"password\":\"another-long-password\"}",
                                        b.auth("admin"))
                                .status())
                .as("another tenant's user")
                .isEqualTo(404);
        assertThat(
                        http.post(
                                        "/api/v1/users/" + id + "/reset-password",
                                        "{\"password\":\"another-long-password\"}",
                                        a.auth("author"))
                                .status())
                .isEqualTo(403);
        assertThat(
                        http.post(
                                        "/api/v1/users/" + id + "/reset-password",
                                        "{\"password\":\"another-long-password\"}")
                                .status())
                .isEqualTo(401);
    }
}
