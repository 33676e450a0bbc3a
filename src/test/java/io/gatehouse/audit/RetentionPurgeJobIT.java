package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.internal.persistence.ChainFixture;
import io.gatehouse.audit.internal.persistence.ContentRetention;
import io.gatehouse.shared.TenantId;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * docs/audit.md, "Content retention": the purge job (every {@code
 * gatehouse.audit.purge.interval.seconds}) deletes bodies older than the tenant's retentionDays,
 * records one {@code audit.content.purge} event per tenant with the count, and leaves a held
 * tenant's bodies alone until an auditor releases the hold. The bodies are stored in mode {@code
 * full} by the server's own appender (the gateway attaches none yet); the job is the real timer,
 * run by a second instance whose interval is one second (the main test server keeps the hourly
 * default, so no other test sees it).
 */
class RetentionPurgeJobIT {
    static final Http HTTP = Http.local();

    @Test
    void theTimedPurgeDeletesExpiredBodiesRecordsItsEventAndSparesHeldContent() throws Exception {
        TestTenant kept = tenantWithFullRetention();
        TestTenant held = tenantWithFullRetention();
        TestTenant late = tenantWithFullRetention();
        String old1 = withContent(kept, "first old question");
        String old2 = withContent(kept, "second old question");
        String recent = withContent(kept, "a recent question");
        String heldBody = withContent(held, "evidence under hold");
        Http.Response hold =
                HTTP.post(
                        "/api/v1/audit/retention/holds",
                        "{\"reason\":\"litigation\"}",
                        held.auth("auditor"));
        assertThat(hold.status()).as(hold.toString()).isEqualTo(201);
        for (String[] aged :
                new String[][] {
                    {kept.id(), old1}, {kept.id(), old2}, {held.id(), heldBody},
                }) {
            age(aged[0], aged[1], 2); // retention is 1 day
        }
        assertThat(stored(kept)).isEqualTo(3);
        assertThat(stored(held)).isEqualTo(1);

        try (LibertyInstance jobs =
                LibertyInstance.start(
                        "gatehouse-purge",
                        Map.of(
                                "GATEHOUSE_AUDIT_PURGE_INTERVAL_SECONDS",
                                "1",
                                "GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL_SECONDS",
                                "1"))) {
            jobs.awaitReady(Duration.ofSeconds(120));
            awaitTrue("the timed purge of the expired bodies", () -> stored(kept) == 1);

            // Exactly the expired bodies are gone; the recent one is still readable.
            assertThat(content(kept, old1).status()).isEqualTo(404);
            assertThat(content(kept, old2).status()).isEqualTo(404);
            assertThat(content(kept, recent).status()).isEqualTo(200);
            // One event for the tenant, by the job, with the count it deleted.
            List<JsonObject> purges = purgeEvents(kept);
            assertThat(purges).hasSize(1);
            JsonObject e = purges.get(0);
            assertThat(e.getString("actorKind")).isEqualTo("system");
            assertThat(e.getString("actor")).isEqualTo("retention-purge");
            assertThat(e.getString("outcome")).isEqualTo("success");
            assertThat(e.getString("chain")).isEqualTo(kept.id());
            assertThat(e.getJsonObject("details").getJsonNumber("deleted").longValue())
                    .isEqualTo(2);
            // The checkpoint job (every gatehouse.audit.checkpoint.interval.seconds) signs the
            // chain whose head moved, up to the purge event, without anyone asking.
            long purgeSeq = e.getJsonNumber("seq").longValue();
            awaitTrue(
                    "the timed checkpoint of the moved head",
                    () -> checkpointsFrom(kept, purgeSeq) > 0);
            // The chain still verifies: the events keep the hashes of the deleted bodies.
            Http.Response verify = HTTP.get("/api/v1/audit/verify", kept.auth("auditor"));
            assertThat(verify.json().getBoolean("valid")).as(verify.body()).isTrue();
            assertThat(verify.json().getInt("checkpointsChecked")).isPositive();

            // The same DELETE ran for the held tenant: its body is kept, no purge event. The
            // barrier that later runs of the job happened: a body aged only now, of a third
            // tenant, is purged by one of them.
            String lateBody = withContent(late, "expires after the first purge");
            age(late.id(), lateBody, 2);
            awaitTrue("a later run of the job", () -> stored(late) == 0);
            assertThat(stored(held)).isEqualTo(1);
            assertThat(content(held, heldBody).status()).isEqualTo(200);
            assertThat(purgeEvents(held)).isEmpty();
            assertThat(purgeEvents(kept)).as("nothing more to purge, no more events").hasSize(1);

            // Released by an auditor, the next run purges it and says so in that tenant's chain.
            String holdId = hold.json().getString("id");
            Http.Response released =
                    HTTP.post(
                            "/api/v1/audit/retention/holds/" + holdId + "/release",
                            "",
                            held.auth("auditor"));
            assertThat(released.status()).as(released.toString()).isEqualTo(200);
            awaitTrue("the purge after the release", () -> stored(held) == 0);
            awaitTrue("the purge event after the release", () -> purgeEvents(held).size() == 1);
            assertThat(
                            purgeEvents(held)
                                    .get(0)
                                    .getJsonObject("details")
                                    .getJsonNumber("deleted")
                                    .longValue())
                    .isEqualTo(1);
        }
    }

    @Test
    void runningThePurgeOnDemandNeedsThePlatformAdmin() {
        TestTenant t = TestTenant.fresh();
        String path = "/api/v1/audit/retention/purge";
        assertThat(HTTP.post(path, "").status()).isEqualTo(401);
        for (String role : new String[] {"admin", "auditor"}) {
            Http.Response r = HTTP.post(path, "", t.auth(role));
            assertThat(r.status()).as(role).isEqualTo(403);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        Http.Response ok = HTTP.post(path, "", "Authorization", "Bearer " + platform);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().getJsonObject("deleted")).isNotNull();
    }

    /** A fresh tenant whose bodies are kept in full for one day. */
    private static TestTenant tenantWithFullRetention() {
        TestTenant t = TestTenant.fresh();
        Http.Response r =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"full\",\"retentionDays\":1}",
                        t.auth("admin"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return t;
    }

    /**
     * An event with a body in the tenant's chain, stored in full by the server's own appender (the
     * gateway does not attach its bodies to its events yet: docs/audit.md); returns the content
     * hash the event carries, as the auditor's API shows it.
     */
    private static String withContent(TestTenant t, String text) throws Exception {
        String requestId = "req-it-" + UUID.randomUUID();
        new ChainFixture(TenantId.of(t.id()))
                .appendWithContent(
                        AuditEvent.of(TenantId.of(t.id()), "api_key", "k1", "gateway.request")
                                .requestId(requestId)
                                .content(Map.of("prompt", text), Map.of("prompt", "[redacted]"))
                                .build(),
                        ContentRetention.FULL);
        Http.Response events =
                HTTP.get("/api/v1/audit/events?requestId=" + requestId, t.auth("auditor"));
        assertThat(events.status()).isEqualTo(200);
        String hash =
                events.json().getJsonArray("events").getJsonObject(0).getString("contentHash");
        assertThat(content(t, hash).status()).as("stored in full").isEqualTo(200);
        return hash;
    }

    private static Http.Response content(TestTenant t, String hash) {
        return HTTP.get("/api/v1/audit/contents/" + hash, t.auth("auditor"));
    }

    private static List<JsonObject> purgeEvents(TestTenant t) {
        Http.Response r =
                HTTP.get("/api/v1/audit/events?action=audit.content.purge", t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().getJsonArray("events").getValuesAs(JsonObject.class);
    }

    private static void age(String chain, String hash, int days) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE audit_contents SET stored_at = stored_at - make_interval(days => ?)"
                                        + " WHERE chain_id = ? AND content_hash = ?")) {
            ps.setInt(1, days);
            ps.setString(2, chain);
            ps.setString(3, hash);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static long checkpointsFrom(TestTenant t, long seq) {
        try (Connection c = Db.asApp()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_checkpoints WHERE chain_id = ? AND head_seq >= ?",
                    t.id(),
                    seq);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long stored(TestTenant t) {
        try (Connection c = Db.asApp()) {
            return Db.count(c, "SELECT count(*) FROM audit_contents WHERE chain_id = ?", t.id());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(250);
        }
    }
}
