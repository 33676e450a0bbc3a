package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.audit.chain.Jcs;
import io.gatehouse.audit.chain.OfflineVerifier;
import io.gatehouse.shared.TenantId;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashed form v2 against the real server: events the server writes are v2 (RFC 8785, recomputable
 * with any JCS library), and a chain in which v1 events (as instances from before v2 wrote them)
 * and v2 events alternate verifies on the server and offline.
 */
class HashVersionsIT {
    static final Http HTTP = Http.local();
    @TempDir Path dir;

    @Test
    void aChainOfV1AndV2EventsVerifiesOnTheServerAndOffline() throws Exception {
        TestTenant t = TestTenant.fresh();
        ChainFixture oldInstance = new ChainFixture(TenantId.of(t.id()));
        oldInstance.appendV1(3);
        assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
        oldInstance.appendV1(2);
        assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
        Http.Response cp = HTTP.post("/api/v1/audit/checkpoints", "", t.auth("auditor"));
        assertThat(cp.status()).as(cp.body()).isEqualTo(200);

        // What the server wrote is v2, and its hash is SHA-256 of the JCS text of the hashed form.
        long v2Rows = 0;
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + EventRowMapper.COLUMNS
                                        + " FROM audit_events WHERE chain_id = ? ORDER BY seq")) {
            ps.setString(1, t.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> form = EventRowMapper.hashedForm(rs);
                    if (rs.getString("action").equals("test.v1")) {
                        assertThat(rs.getShort("hash_version")).isEqualTo((short) 1);
                        continue;
                    }
                    assertThat(rs.getShort("hash_version")).as("%s", form).isEqualTo((short) 2);
                    assertThat(form.get("v")).isEqualTo(2L);
                    // the generic RFC 8785 writer over the row (no precomputed member order) gives
                    // the hash
                    assertThat(ChainHash.sha256Hex(Jcs.write(form)))
                            .isEqualTo(rs.getString("hash"));
                    v2Rows++;
                }
            }
        }
        assertThat(v2Rows).isGreaterThanOrEqualTo(2);

        Http.Response verified = HTTP.get("/api/v1/audit/verify", t.auth("auditor"));
        assertThat(verified.status()).isEqualTo(200);
        JsonObject v = verified.json();
        assertThat(v.getBoolean("valid")).as(verified.body()).isTrue();
        assertThat(v.getJsonObject("hashVersions").getJsonNumber("v1").longValue()).isEqualTo(5);
        assertThat(v.getJsonObject("hashVersions").getJsonNumber("v2").longValue())
                .isGreaterThanOrEqualTo(v2Rows);

        Http.Response keys = HTTP.get("/.well-known/gatehouse-audit-keys.json");
        String fingerprint = null;
        for (var k : keys.json().getJsonArray("keys")) {
            if (k.asJsonObject().getString("keyId").equals(cp.json().getString("keyId"))) {
                fingerprint = k.asJsonObject().getString("fingerprint");
            }
        }
        Http.Response export = HTTP.get("/api/v1/audit/export?format=jsonl", t.auth("auditor"));
        assertThat(export.status()).isEqualTo(200);
        Path file = Files.writeString(dir.resolve("mixed.jsonl"), export.body());
        Path keyFile = Files.writeString(dir.resolve("keys.json"), keys.body());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code =
                OfflineVerifier.run(
                        new String[] {
                            file.toString(), "--keys", keyFile.toString(), "--pin", fingerprint
                        },
                        ps,
                        ps);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("hashed forms: 5 v1, ");

        // The v1 events keep their exact integers beyond 2^53 (v1's own number form), the v2 ones
        // are
        // marked as such in the export.
        assertThat(export.body()).contains("\"big\":9007199254740993").contains("\"v\":2");
    }
}
