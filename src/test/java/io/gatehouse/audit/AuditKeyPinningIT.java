package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.chain.CheckpointStatement;
import io.gatehouse.audit.chain.KeyTrust;
import io.gatehouse.audit.chain.OfflineVerifier;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint keys are trusted only when pinned: a key row added behind the server's back (by the
 * owner role or a superuser, who can write the table) signs checkpoints that /verify and the
 * offline verifier name and refuse; the server's own keys are pinned by its master key, and a
 * rotated key by the old key's introduction.
 */
class AuditKeyPinningIT {
    static final Http HTTP = Http.local();
    @TempDir Path dir;

    private record Run(int code, String out) {}

    private static Run offline(Path export, Path keys, String pin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code =
                OfflineVerifier.run(
                        new String[] {export.toString(), "--keys", keys.toString(), "--pin", pin},
                        ps,
                        ps);
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    private static String fingerprintOf(JsonArray keys, String keyId) {
        for (var k : keys) {
            if (k.asJsonObject().getString("keyId").equals(keyId)) {
                return k.asJsonObject().getString("fingerprint");
            }
        }
        throw new AssertionError("key " + keyId + " is not listed");
    }

    private static JsonObject run(JsonArray runs, String keyId) {
        for (var r : runs) {
            if (r.asJsonObject().getString("keyId").equals(keyId)) {
                return r.asJsonObject();
            }
        }
        throw new AssertionError("no checkpoints of key " + keyId + " in " + runs);
    }

    @Test
    void aKeyRowAddedBehindTheServersBackIsNotPinnedAndItsCheckpointFailsVerification()
            throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
        Http.Response genuine = HTTP.post("/api/v1/audit/checkpoints", "", t.auth("auditor"));
        assertThat(genuine.status()).isEqualTo(200);
        String serverKey = genuine.json().getString("keyId");
        JsonObject before = HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json();
        assertThat(before.getBoolean("valid")).as("%s", before).isTrue();
        JsonObject serverRun = run(before.getJsonArray("checkpointKeys"), serverKey);
        assertThat(serverRun.getBoolean("pinned")).isTrue();
        assertThat(serverRun.getString("pinnedBy")).isEqualTo("master-key");

        // The owner role adds a key of its own (it owns the table; the runtime role no longer can),
        // claiming that the server's key introduced it, and signs the chain's head with it.
        KeyPair mallory = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pub = Base64.getEncoder().encodeToString(mallory.getPublic().getEncoded());
        String malloryId = CheckpointStatement.keyIdOf(mallory.getPublic().getEncoded());
        try (Connection owner = Db.asOwner();
                PreparedStatement ps =
                        owner.prepareStatement(
                                "INSERT INTO audit_signing_keys (key_id, algorithm, public_key, private_key_sealed,"
                                        + " created_at, retired_at, introduced_by, introduction)"
                                        + " VALUES (?, 'Ed25519', ?, 'v1:fake:AAAA', now(), now(), ?, ?)")) {
            ps.setString(1, malloryId);
            ps.setString(2, pub);
            ps.setString(3, serverKey);
            ps.setString(4, KeyTrust.introduce(mallory.getPrivate(), serverKey, malloryId, pub));
            ps.executeUpdate();
        }
        long forgedAt = forgeCheckpoint(t, mallory, malloryId);

        Http.Response after = HTTP.get("/api/v1/audit/verify", t.auth("auditor"));
        assertThat(after.status()).isEqualTo(200);
        JsonObject v = after.json();
        assertThat(v.getBoolean("valid")).as(after.body()).isFalse();
        assertThat(v.getJsonObject("firstBroken").getString("reason"))
                .isEqualTo("unpinned_checkpoint_key");
        assertThat(v.getJsonObject("firstBroken").getJsonNumber("seq").longValue())
                .isEqualTo(forgedAt);
        JsonObject malloryRun = run(v.getJsonArray("checkpointKeys"), malloryId);
        assertThat(malloryRun.getBoolean("pinned")).isFalse();
        assertThat(malloryRun.isNull("pinnedBy")).isTrue();
        assertThat(run(v.getJsonArray("checkpointKeys"), serverKey).getBoolean("pinned")).isTrue();

        // Offline: the key list the server serves includes the new key, but the auditor's pin does
        // not.
        Http.Response keys = HTTP.get("/.well-known/gatehouse-audit-keys.json");
        String serverFingerprint = fingerprintOf(keys.json().getJsonArray("keys"), serverKey);
        assertThat(fingerprintOf(keys.json().getJsonArray("keys"), malloryId))
                .isEqualTo(KeyTrust.fingerprint(mallory.getPublic().getEncoded()));
        Http.Response export = HTTP.get("/api/v1/audit/export?format=jsonl", t.auth("auditor"));
        Path file = Files.writeString(dir.resolve("forged.jsonl"), export.body());
        Path keyFile = Files.writeString(dir.resolve("keys.json"), keys.body());
        Run r = offline(file, keyFile, serverFingerprint);
        assertThat(r.code()).as(r.out()).isEqualTo(1);
        assertThat(r.out())
                .contains("key " + serverKey + ", pinned (configuration)")
                .contains("key " + malloryId + ", NOT pinned")
                .contains("BROKEN at seq " + forgedAt);
    }

    /** Signs the chain's head with the key and stores the checkpoint as the runtime role could. */
    private static long forgeCheckpoint(TestTenant t, KeyPair key, String keyId) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
            try (Connection app = Db.asApp()) {
                long seq;
                String hash;
                try (PreparedStatement ps =
                        app.prepareStatement(
                                "SELECT seq, hash FROM audit_events WHERE chain_id = ? ORDER BY seq DESC LIMIT 1")) {
                    ps.setString(1, t.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        seq = rs.getLong(1);
                        hash = rs.getString(2);
                    }
                }
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                CheckpointStatement st =
                        new CheckpointStatement(t.id(), seq, hash, seq, now.toString(), keyId);
                try (PreparedStatement ins =
                        app.prepareStatement(
                                "INSERT INTO audit_checkpoints (chain_id, head_seq, head_hash, event_count, signed_at,"
                                        + " key_id, signature) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
                    ins.setString(1, t.id());
                    ins.setLong(2, seq);
                    ins.setString(3, hash);
                    ins.setLong(4, seq);
                    ins.setTimestamp(5, java.sql.Timestamp.from(now));
                    ins.setString(6, keyId);
                    ins.setString(7, st.sign(key.getPrivate()));
                    if (ins.executeUpdate() == 1) {
                        return seq;
                    }
                }
            }
            // the checkpoint job signed that head first: make a new head and try again
        }
        throw new AssertionError("could not place a checkpoint");
    }

    @Test
    void aRotatedKeyIsPinnedByTheOldKeysIntroduction() throws Exception {
        String token =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        TestTenant t = TestTenant.fresh();
        assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
        Http.Response first = HTTP.post("/api/v1/audit/checkpoints", "", t.auth("auditor"));
        String oldKey = first.json().getString("keyId");
        Http.Response rotated =
                HTTP.post("/api/v1/audit/keys/rotate", "", "Authorization", "Bearer " + token);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newKey = rotated.json().getString("keyId");
        assertThat(rotated.json().getString("introducedBy")).isEqualTo(oldKey);
        assertThat(rotated.json().getString("introduction")).isNotBlank();
        // the rotation is evidence in the platform chain: which key came, and which key vouched for
        // it
        Http.Response rotations =
                HTTP.get(
                        "/api/v1/audit/events?chain=platform&action=audit.key.rotate&limit=1",
                        "Authorization",
                        "Bearer " + token);
        JsonObject details =
                rotations.json().getJsonArray("events").getJsonObject(0).getJsonObject("details");
        assertThat(details.getString("key.fingerprint"))
                .isEqualTo(rotated.json().getString("fingerprint"));
        assertThat(details.getString("key.introduced_by")).isEqualTo(oldKey);
        assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
        Http.Response second = HTTP.post("/api/v1/audit/checkpoints", "", t.auth("auditor"));
        assertThat(second.json().getString("keyId")).isEqualTo(newKey);

        JsonObject v = HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json();
        assertThat(v.getBoolean("valid")).as("%s", v).isTrue();
        assertThat(run(v.getJsonArray("checkpointKeys"), oldKey).getBoolean("pinned")).isTrue();
        assertThat(run(v.getJsonArray("checkpointKeys"), newKey).getBoolean("pinned")).isTrue();

        // Offline, the auditor pinned only the old key: the new one is pinned by its introduction.
        Http.Response keys = HTTP.get("/.well-known/gatehouse-audit-keys.json");
        Http.Response export = HTTP.get("/api/v1/audit/export?format=jsonl", t.auth("auditor"));
        Path file = Files.writeString(dir.resolve("rotated.jsonl"), export.body());
        Path keyFile = Files.writeString(dir.resolve("keys.json"), keys.body());
        Run r = offline(file, keyFile, fingerprintOf(keys.json().getJsonArray("keys"), oldKey));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out())
                .contains("key " + oldKey + ", pinned (configuration)")
                .contains("key " + newKey + ", pinned (introduction)");
    }

    @Test
    void theKeyListNeedsNoAuthenticationAndRotationNeedsAPlatformAdmin() {
        assertThat(HTTP.get("/.well-known/gatehouse-audit-keys.json").status()).isEqualTo(200);
        assertThat(HTTP.post("/api/v1/audit/keys/rotate", "").status()).isEqualTo(401);
        assertThat(
                        HTTP.post(
                                        "/api/v1/audit/keys/rotate",
                                        "",
                                        TestTenant.demo().auth("auditor"))
                                .status())
                .isEqualTo(403);
    }
}
