package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.chain.OfflineVerifier;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor's API over HTTP (needs the edge's authentication): roles, tenant isolation, paging,
 * export -> offline verifier, tampering and truncation reported by verify. Tampering only ever
 * touches a fresh tenant's chain made for the test.
 */
class AuditApiIT {
    static final Http HTTP = Http.local();
    static final List<String> PATHS =
            List.of(
                    "/api/v1/audit/events",
                    "/api/v1/audit/export?format=jsonl",
                    "/api/v1/audit/verify");

    @TempDir Path dir;

    @Test
    void withoutOrWithGarbledCredentialsItIs401() {
        for (String p : PATHS) {
            assertThat(HTTP.get(p).status()).as(p).isEqualTo(401);
            assertThat(HTTP.get(p, "Authorization", "Bearer garbage.token.here").status())
                    .as(p)
                    .isEqualTo(401);
        }
    }

    @Test
    void otherRolesAre403() {
        TestTenant demo = TestTenant.demo();
        for (String p : PATHS) {
            assertThat(HTTP.get(p, demo.auth("author")).status()).as(p).isEqualTo(403);
            assertThat(HTTP.get(p, demo.auth("reviewer")).status()).as(p).isEqualTo(403);
        }
    }

    @Test
    void anAuditorSearchesPagesAndVerifiesTheirOwnChain() {
        TestTenant t = TestTenant.fresh();
        // Every export is audited in the tenant's chain: three events at least.
        for (int i = 0; i < 3; i++) {
            assertThat(HTTP.get("/api/v1/audit/export?format=jsonl", t.auth("auditor")).status())
                    .isEqualTo(200);
        }
        Http.Response page1 = HTTP.get("/api/v1/audit/events?limit=2", t.auth("auditor"));
        assertThat(page1.status()).as(page1.body()).isEqualTo(200);
        JsonObject j = page1.json();
        assertThat(j.getJsonArray("events")).hasSize(2);
        for (var e : j.getJsonArray("events")) {
            assertThat(e.asJsonObject().getString("chain")).isEqualTo(t.id());
        }
        String cursor = j.getString("nextCursor");
        Http.Response page2 =
                HTTP.get("/api/v1/audit/events?limit=2&cursor=" + cursor, t.auth("auditor"));
        assertThat(page2.status()).isEqualTo(200);
        long lastOfPage1 =
                j.getJsonArray("events").getJsonObject(1).getJsonNumber("seq").longValue();
        assertThat(
                        page2.json()
                                .getJsonArray("events")
                                .getJsonObject(0)
                                .getJsonNumber("seq")
                                .longValue())
                .isLessThan(lastOfPage1);
        assertThat(HTTP.get("/api/v1/audit/events?limit=501", t.auth("auditor")).status())
                .isEqualTo(400);
        assertThat(HTTP.get("/api/v1/audit/events?from=yesterday", t.auth("auditor")).status())
                .isEqualTo(400);

        Http.Response v = HTTP.get("/api/v1/audit/verify", t.auth("auditor"));
        assertThat(v.status()).isEqualTo(200);
        assertThat(v.json().getBoolean("valid")).as(v.body()).isTrue();
        assertThat(v.json().getJsonNumber("eventsChecked").longValue()).isGreaterThanOrEqualTo(3);
        assertThat(v.json().isNull("firstBroken")).isTrue();
    }

    @Test
    void aPlatformAdminVerifiesThePlatformChainAndRotatesTheKey() {
        String token =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        Http.Response v =
                HTTP.get("/api/v1/audit/verify?chain=platform", "Authorization", "Bearer " + token);
        assertThat(v.status()).as(v.body()).isEqualTo(200);
        assertThat(v.json().getString("chain")).isEqualTo("platform");
        assertThat(v.json().getBoolean("valid")).as(v.body()).isTrue();
        assertThat(
                        HTTP.post("/api/v1/audit/keys/rotate", "", TestTenant.demo().auth("admin"))
                                .status())
                .isEqualTo(403);
        int before =
                HTTP.get("/.well-known/gatehouse-audit-keys.json")
                        .json()
                        .getJsonArray("keys")
                        .size();
        Http.Response rotated =
                HTTP.post("/api/v1/audit/keys/rotate", "", "Authorization", "Bearer " + token);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        var keys = HTTP.get("/.well-known/gatehouse-audit-keys.json").json().getJsonArray("keys");
        assertThat(keys.size()).isEqualTo(before + 1);
        // Old checkpoints still verify with the retired key; new ones are signed with the new key.
        TestTenant t = TestTenant.fresh();
        assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
        Http.Response cp = HTTP.post("/api/v1/audit/checkpoints", "", t.auth("auditor"));
        assertThat(cp.json().getString("keyId")).isEqualTo(rotated.json().getString("keyId"));
        assertThat(HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json().getBoolean("valid"))
                .isTrue();
    }

    @Test
    void aTenantNeverSeesAnotherTenantsEvents() {
        TestTenant a = TestTenant.fresh();
        TestTenant demo = TestTenant.demo();
        a.token("auditor");
        demo.token("auditor");
        for (String p : PATHS) {
            String sep = p.contains("?") ? "&" : "?";
            assertThat(HTTP.get(p + sep + "chain=" + demo.id(), a.auth("auditor")).status())
                    .as(p)
                    .isEqualTo(404);
            assertThat(HTTP.get(p + sep + "chain=platform", a.auth("auditor")).status())
                    .as(p)
                    .isEqualTo(404);
        }
        Http.Response mine = HTTP.get("/api/v1/audit/events?limit=500", a.auth("auditor"));
        for (var e : mine.json().getJsonArray("events")) {
            assertThat(e.asJsonObject().getString("chain")).isEqualTo(a.id());
        }
        Http.Response export = HTTP.get("/api/v1/audit/export?format=jsonl", a.auth("auditor"));
        assertThat(export.body()).doesNotContain(demo.id());
        assertThat(HTTP.get("/api/v1/lineage/requests/anything", a.auth("auditor")).status())
                .isEqualTo(404);
    }

    @Test
    void anExportVerifiesOfflineAndIsItselfAudited() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
        Http.Response cp = HTTP.post("/api/v1/audit/checkpoints", "", t.auth("auditor"));
        assertThat(cp.status()).isEqualTo(200);
        Http.Response keys = HTTP.get("/api/v1/audit/keys", t.auth("auditor"));
        assertThat(keys.status()).isEqualTo(200);
        assertThat(HTTP.get("/.well-known/gatehouse-audit-keys.json").status()).isEqualTo(200);
        Http.Response export =
                HTTP.get(
                        "/api/v1/audit/export?format=jsonl&from="
                                + URLEncoder.encode(
                                        Instant.now().minusSeconds(3600).toString(),
                                        StandardCharsets.UTF_8),
                        t.auth("auditor"));
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        assertThat(export.header("Content-Type")).startsWith("application/x-ndjson");
        Path file = Files.writeString(dir.resolve("export.jsonl"), export.body());
        Path keyFile = Files.writeString(dir.resolve("keys.json"), keys.body());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        // The auditor pins the fingerprint of the key that signs (here read from the key list; in
        // an
        // audit, obtained outside Gatehouse): without a pin the checkpoint proves nothing.
        String fingerprint = null;
        for (var k : keys.json().getJsonArray("keys")) {
            if (k.asJsonObject().getString("keyId").equals(cp.json().getString("keyId"))) {
                fingerprint = k.asJsonObject().getString("fingerprint");
            }
        }
        assertThat(fingerprint).hasSize(64);
        int code =
                OfflineVerifier.run(
                        new String[] {
                            file.toString(), "--keys", keyFile.toString(), "--pin", fingerprint
                        },
                        ps,
                        ps);
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();

        Http.Response audited =
                HTTP.get("/api/v1/audit/events?action=audit.export", t.auth("auditor"));
        assertThat(audited.json().getJsonArray("events")).isNotEmpty();

        Http.Response csv = HTTP.get("/api/v1/audit/export?format=csv", t.auth("auditor"));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).startsWith("record,chain,seq,id,time");
        assertThat(HTTP.get("/api/v1/audit/export?format=xml", t.auth("auditor")).status())
                .isEqualTo(400);
    }

    @Test
    void tamperingAndTruncationAreReportedByVerify() throws Exception {
        TestTenant t = TestTenant.fresh();
        for (int i = 0; i < 2; i++) {
            assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
        }
        Http.Response cp = HTTP.post("/api/v1/audit/checkpoints", "", t.auth("auditor"));
        assertThat(cp.status()).isEqualTo(200);
        long head = cp.json().getJsonNumber("headSeq").longValue();
        assertThat(head).isGreaterThanOrEqualTo(2);
        // Truncation: the newest event removed behind the database's back.
        try (Connection su = Db.asSuperuser()) {
            su.createStatement().execute("SET session_replication_role = replica");
            su.createStatement()
                    .execute(
                            "DELETE FROM audit_events WHERE chain_id = '"
                                    + t.id()
                                    + "' AND seq = "
                                    + head);
        }
        JsonObject v = HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json();
        assertThat(v.getBoolean("valid")).isFalse();
        assertThat(v.getJsonObject("truncation").getBoolean("detected")).isTrue();
        // A changed event: reported at its seq.
        try (Connection su = Db.asSuperuser()) {
            su.createStatement().execute("SET session_replication_role = replica");
            su.createStatement()
                    .execute(
                            "UPDATE audit_events SET actor = 'mallory' WHERE chain_id = '"
                                    + t.id()
                                    + "' AND seq = 1");
        }
        v = HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json();
        assertThat(v.getBoolean("valid")).isFalse();
        assertThat(v.getJsonObject("firstBroken").getJsonNumber("seq").longValue()).isEqualTo(1);
        assertThat(v.getJsonObject("firstBroken").getString("reason")).isEqualTo("hash_mismatch");
    }
}
