package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Legal holds against an admin who wants content gone: only an auditor releases a hold, and while a
 * hold is active no path shortens the retention period, so nothing the hold preserves is purged.
 * Over HTTP, and against the database as the runtime role (the V47 triggers).
 */
class LegalHoldsIT {
    static final Http HTTP = Http.local();
    static final String RETENTION = "/api/v1/audit/retention";

    static String placeHold(TestTenant t, String role) {
        Http.Response r =
                HTTP.post(RETENTION + "/holds", "{\"reason\":\"litigation 4711\"}", t.auth(role));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().getString("id");
    }

    static Http.Response release(TestTenant t, String holdId, String... auth) {
        return HTTP.post(RETENTION + "/holds/" + holdId + "/release", "", auth);
    }

    static Http.Response setRetention(TestTenant t, String mode, int days) {
        return HTTP.method(
                "PUT",
                RETENTION,
                "{\"mode\":\"" + mode + "\",\"retentionDays\":" + days + "}",
                t.auth("admin"));
    }

    static void assertProblem(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonObject p = r.json();
        assertThat(p.getInt("status")).isEqualTo(status);
        assertThat(p.getString("code")).isEqualTo(code);
    }

    /**
     * The audit module's own events (retention setting, hold placed and released) carry the
     * request's id like every other module's, so an auditor can join them to the access log.
     */
    @Test
    void holdAndRetentionEventsCarryTheRequestId() {
        TestTenant t = TestTenant.fresh();
        Http.Response placed =
                HTTP.post(RETENTION + "/holds", "{\"reason\":\"request ids\"}", t.auth("auditor"));
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        Http.Response released = release(t, placed.json().getString("id"), t.auth("auditor"));
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        Http.Response set = setRetention(t, "hashed", 30);
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        for (Object[] c :
                new Object[][] {
                    {"audit.hold.place", placed},
                    {"audit.hold.release", released},
                    {"audit.retention.update", set}
                }) {
            String requestId = ((Http.Response) c[1]).header("X-Request-Id");
            assertThat(requestId).isNotBlank();
            Http.Response events =
                    HTTP.get("/api/v1/audit/events?requestId=" + requestId, t.auth("auditor"));
            assertThat(events.status()).isEqualTo(200);
            assertThat(
                            events
                                    .json()
                                    .getJsonArray("events")
                                    .getValuesAs(JsonObject.class)
                                    .stream()
                                    .map(e -> e.getString("action")))
                    .as((String) c[0])
                    .contains((String) c[0]);
        }
    }

    @Test
    void onlyAnAuditorReleasesAHold() {
        TestTenant t = TestTenant.fresh();
        String auditorsHold = placeHold(t, "auditor");
        String adminsHold = placeHold(t, "admin");

        assertThat(release(t, auditorsHold).status()).isEqualTo(401);
        for (String hold : new String[] {auditorsHold, adminsHold}) {
            for (String role : new String[] {"admin", "author", "reviewer"}) {
                assertProblem(release(t, hold, t.auth(role)), 403, "forbidden");
            }
        }
        // No other method on a hold changes or removes it.
        for (String method : new String[] {"DELETE", "PUT", "PATCH"}) {
            Http.Response r =
                    HTTP.method(
                            method, RETENTION + "/holds/" + auditorsHold, "{}", t.auth("admin"));
            assertThat(r.status()).as(method).isIn(404, 405);
        }
        // Another tenant's auditor does not see the hold.
        TestTenant other = TestTenant.fresh();
        assertThat(release(other, auditorsHold, other.auth("auditor")).status()).isEqualTo(404);

        JsonObject holds = HTTP.get(RETENTION + "/holds", t.auth("admin")).json();
        assertThat(holds.getJsonArray("holds").getValuesAs(JsonObject.class))
                .allSatisfy(h -> assertThat(h.getBoolean("active")).isTrue());

        // An auditor releases either hold, once.
        Http.Response ok = release(t, auditorsHold, t.auth("auditor"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().getBoolean("released")).isTrue();
        assertThat(release(t, auditorsHold, t.auth("auditor")).status()).isEqualTo(404);
        assertThat(release(t, adminsHold, t.auth("auditor")).status()).isEqualTo(200);
        JsonObject after = HTTP.get(RETENTION + "/holds", t.auth("auditor")).json();
        assertThat(after.getJsonArray("holds").getValuesAs(JsonObject.class))
                .allSatisfy(
                        h -> {
                            assertThat(h.getBoolean("active")).isFalse();
                            assertThat(h.getString("releasedBy")).isNotBlank();
                        });
    }

    @Test
    void retentionIsNotShortenedUnderAnActiveHold() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(setRetention(t, "full", 90).status()).isEqualTo(200);
        String hold = placeHold(t, "auditor");

        Http.Response shorter = setRetention(t, "full", 30);
        assertProblem(shorter, 409, "legal_hold_active");
        assertThat(shorter.json().getString("detail")).contains("90").contains("30");
        assertProblem(setRetention(t, "redacted", 1), 409, "legal_hold_active");
        assertThat(HTTP.get(RETENTION, t.auth("auditor")).json().getInt("retentionDays"))
                .isEqualTo(90);
        // Each refused attempt is in the tenant's audit trail.
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND action = 'audit.retention.update'"
                                            + " AND outcome = 'denied' AND details->>'refused' = 'legal_hold_active'",
                                    t.id()))
                    .isEqualTo(2);
        }
        // The same or a longer period, and a mode change, stay allowed.
        assertThat(setRetention(t, "full", 90).status()).isEqualTo(200);
        assertThat(setRetention(t, "redacted", 120).status()).isEqualTo(200);
        assertProblem(setRetention(t, "redacted", 119), 409, "legal_hold_active");

        assertThat(release(t, hold, t.auth("auditor")).status()).isEqualTo(200);
        Http.Response released = setRetention(t, "full", 30);
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.json().getInt("retentionDays")).isEqualTo(30);
    }

    @Test
    void aFirstSettingCountsFromTheDefaultPeriod() {
        TestTenant t = TestTenant.fresh();
        placeHold(t, "admin");
        assertProblem(setRetention(t, "full", 29), 409, "legal_hold_active"); // default: 30 days
        assertThat(setRetention(t, "full", 30).status()).isEqualTo(200);
    }

    @Test
    void whatAHoldPreservesIsNotPurgedUntilAnAuditorReleasesIt() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(setRetention(t, "full", 90).status()).isEqualTo(200);
        String hash = "it-" + UUID.randomUUID();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO audit_contents (chain_id, content_hash, form, body, stored_at)"
                                        + " VALUES (?, ?, 'full', '{\"prompt\":\"evidence\"}', now() - interval '60 days')")) {
            ps.setString(1, t.id());
            ps.setString(2, hash);
            ps.executeUpdate();
        }
        String hold = placeHold(t, "auditor");
        String platform =
                "Bearer "
                        + TestTenant.login(
                                TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);

        // The admin's way to the evidence: release the hold, shorten the period, wait for the
        // purge.
        assertThat(release(t, hold, t.auth("admin")).status()).isEqualTo(403);
        assertThat(setRetention(t, "full", 1).status()).isEqualTo(409);
        assertThat(HTTP.post(RETENTION + "/purge", "", "Authorization", platform).status())
                .isEqualTo(200);
        assertThat(stored(t, hash)).isEqualTo(1);

        // Released by an auditor, the content is kept for the period the hold preserved (90 > 60
        // days)...
        assertThat(release(t, hold, t.auth("auditor")).status()).isEqualTo(200);
        assertThat(HTTP.post(RETENTION + "/purge", "", "Authorization", platform).status())
                .isEqualTo(200);
        assertThat(stored(t, hash)).isEqualTo(1);
        // ...and only a change made after the release shortens it.
        assertThat(setRetention(t, "full", 30).status()).isEqualTo(200);
        assertThat(HTTP.post(RETENTION + "/purge", "", "Authorization", platform).status())
                .isEqualTo(200);
        assertThat(stored(t, hash)).isZero();
    }

    @Test
    void theRuntimeRoleCannotRewriteHoldsOrShortenRetentionUnderOne() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(setRetention(t, "full", 90).status()).isEqualTo(200);
        String hold = placeHold(t, "auditor");
        UUID tenant = UUID.fromString(t.id());
        UUID id = UUID.fromString(hold);
        for (String sql :
                new String[] {
                    "DELETE FROM audit_legal_holds WHERE id = ?",
                    "UPDATE audit_legal_holds SET reason = 'nothing' WHERE id = ?",
                    "UPDATE audit_legal_holds SET released_at = now() WHERE id = ?", // released_by
                    // missing
                }) {
            try (Connection c = Db.asApp();
                    PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, id);
                // DELETE is not even granted; the trigger refuses it for the owner too.
                assertThatThrownBy(ps::executeUpdate)
                        .as(sql)
                        .satisfies(
                                e ->
                                        assertThat(e.getMessage())
                                                .containsAnyOf(
                                                        "legal holds are only ever placed or released once",
                                                        "permission denied"));
            }
        }
        try (Connection c = Db.asOwner();
                PreparedStatement ps =
                        c.prepareStatement("DELETE FROM audit_legal_holds WHERE id = ?")) {
            ps.setObject(1, id);
            assertThatThrownBy(ps::executeUpdate)
                    .hasMessageContaining("legal holds are only ever placed or released once");
        }
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE audit_retention SET retention_days = 1 WHERE tenant_id = ?")) {
            ps.setObject(1, tenant);
            assertThatThrownBy(ps::executeUpdate)
                    .hasMessageContaining("under an active legal hold");
        }
        // Released (once, with who released it), the hold stays as it was, and cannot be re-opened.
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE audit_legal_holds SET released_at = now(), released_by = 'it' WHERE id = ?")) {
            ps.setObject(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE audit_legal_holds SET released_at = NULL, released_by = NULL WHERE id = ?")) {
            ps.setObject(1, id);
            assertThatThrownBy(ps::executeUpdate)
                    .hasMessageContaining("legal holds are only ever placed or released once");
        }
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE audit_retention SET retention_days = 1 WHERE tenant_id = ?")) {
            ps.setObject(1, tenant);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static long stored(TestTenant t, String hash) throws Exception {
        try (Connection c = Db.asApp()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_contents WHERE chain_id = ? AND content_hash = ?",
                    t.id(),
                    hash);
        }
    }
}
