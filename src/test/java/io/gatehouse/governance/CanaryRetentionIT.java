package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.EvaluationRuns;
import io.gatehouse.testing.GatewayTraffic;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A drift canary's answers follow the tenant's content retention (issue 23 review, finding 7): once
 * a scheduled run has finished, a tenant under {@code full} keeps their text, one under {@code
 * hashed} only their SHA-256 and length, one under {@code none} only their length; the baseline the
 * next runs are compared with is recorded either way (and not emptied by an admin's baseline from a
 * run whose text is gone). Audit's retention purge (run on demand by the platform admin) deletes
 * canary answers older than the tenant's retention period.
 */
class CanaryRetentionIT {
    static final String ANSWER = "Refunds are accepted within 30 days of purchase.";

    static StandInProvider standIn;

    @BeforeAll
    static void start() {
        standIn = StandInProvider.start();
    }

    @AfterAll
    static void stop() {
        standIn.stop();
    }

    /** A fresh tenant with a route {@code watched} on its own stand-in path, under {@code mode}. */
    static TestTenant tenant(String mode) throws Exception {
        String path = "/canary-retention-" + mode + "/v1";
        standIn.answerJson(path + "/chat/completions", GatewayTraffic.answer(ANSWER));
        TestTenant t = standIn.tenant("openai", path, "sp", "mx", "chat", "watched");
        GatewayTraffic.retention(t, mode);
        return t;
    }

    static JsonObject canaryContent() {
        var cases = Json.createArrayBuilder();
        for (String id : List.of("window", "how")) {
            cases.add(
                    GoldenSets.modelCase(
                            id, "watched", "Refunds? " + id, GoldenSets.contains("30 days")));
        }
        return GoldenSets.withCanary(
                GoldenSets.binding("policy", "canary-retention", 0.5, cases),
                GoldenSets.canary(5, "watched"));
    }

    static String publishCanary(TestTenant t) {
        String set = "canary-ret-" + UUID.randomUUID().toString().substring(0, 8);
        GoldenSets.publish(t, set, canaryContent(), "a canary");
        return set;
    }

    /** The set's canary series once a run has finished (at most 90 s). */
    static JsonObject finished(TestTenant t, String set) throws Exception {
        return EvaluationRuns.awaitCanaryRun(t, set, Duration.ofSeconds(90), run -> true).series();
    }

    /**
     * The tenant's canary answers as stored (text, hash, length, run), of runs that finished more
     * than two seconds ago: the canary runs every two seconds here, and a run's answers are settled
     * right after it finishes.
     */
    static List<String[]> stored(TestTenant t) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT r.answer, r.answer_sha256, r.answer_length::text,"
                                        + " r.run_id::text FROM governance_canary_results r JOIN"
                                        + " governance_evaluation_runs e ON e.id = r.run_id WHERE"
                                        + " r.tenant_id = ?::uuid AND e.finished_at < now() -"
                                        + " interval '2 seconds'")) {
            ps.setString(1, t.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new String[] {
                                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)
                            });
                }
            }
        }
        return out;
    }

    /** The canary answers of these runs still stored. */
    static long ofRuns(List<String> runs) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM governance_canary_results WHERE run_id::text"
                                        + " = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", runs.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits until the tenant has answers of finished runs (at most 30 s). */
    static List<String[]> settled(TestTenant t) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            List<String[]> rows = stored(t);
            if (!rows.isEmpty()) {
                return rows;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no settled canary answers of tenant " + t.id());
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFinishedRunKeepsAnswerTextOnlyUnderFullAndThePurgeDeletesOldAnswers() throws Exception {
        TestTenant full = tenant("full");
        TestTenant hashed = tenant("hashed");
        TestTenant none = tenant("none");
        String fullSet = publishCanary(full);
        String hashedSet = publishCanary(hashed);
        String noneSet = publishCanary(none);
        String length = String.valueOf(ANSWER.length());

        for (TestTenant t : List.of(full, hashed, none)) {
            String set = t == full ? fullSet : t == hashed ? hashedSet : noneSet;
            JsonObject series = finished(t, set);
            assertThat(series.getJsonObject("baseline").getInt("answers"))
                    .as("the first run's answers are the baseline whatever the setting")
                    .isEqualTo(2);
        }
        assertThat(settled(full))
                .allSatisfy(
                        r -> {
                            assertThat(r[0]).isEqualTo(ANSWER);
                            assertThat(r[1]).isEqualTo(sha256(ANSWER));
                            assertThat(r[2]).isEqualTo(length);
                        });
        assertThat(settled(hashed))
                .as("hashed: no text, the hash and the length")
                .allSatisfy(
                        r -> {
                            assertThat(r[0]).isNull();
                            assertThat(r[1]).isEqualTo(sha256(ANSWER));
                            assertThat(r[2]).isEqualTo(length);
                        });
        assertThat(settled(none))
                .as("none: neither text nor hash, only the length")
                .allSatisfy(
                        r -> {
                            assertThat(r[0]).isNull();
                            assertThat(r[1]).isNull();
                            assertThat(r[2]).isEqualTo(length);
                        });

        // a finished run of a hashed tenant has no answers to take: the baseline stays
        Http.Response baseline =
                HTTP.post(
                        "/api/v1/golden-sets/" + hashedSet + "/baseline",
                        "{\"runId\":\"" + settled(hashed).get(0)[3] + "\"}",
                        hashed.auth("admin"));
        assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
        assertThat(baseline.json().getInt("answers")).isZero();
        assertThat(baseline.json().getInt("replaced")).isZero();
        assertThat(finished(hashed, hashedSet).getJsonObject("baseline").getInt("answers"))
                .isEqualTo(2);

        // answers older than the retention period (30 days) go with audit's purge
        List<String> aged = new ArrayList<>();
        for (String[] r : stored(full)) {
            aged.add(r[3]);
        }
        // the other tenant's answers are as old, but it holds its records (a legal hold)
        List<String> held = new ArrayList<>();
        for (String[] r : stored(hashed)) {
            held.add(r[3]);
        }
        Http.Response hold =
                HTTP.post(
                        "/api/v1/audit/retention/holds",
                        "{\"reason\":\"litigation\"}",
                        hashed.auth("auditor"));
        assertThat(hold.status()).as(hold.toString()).isEqualTo(201);
        aged.addAll(held);
        try (Connection c = Db.asOwner();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE governance_canary_results SET recorded_at = recorded_at -"
                                        + " interval '31 days' WHERE run_id::text = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", aged.toArray()));
            assertThat(ps.executeUpdate()).isPositive();
        }
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        Http.Response purge =
                HTTP.post(
                        "/api/v1/audit/retention/purge", "", "Authorization", "Bearer " + platform);
        assertThat(purge.status()).as(purge.toString()).isEqualTo(200);
        aged.removeAll(held);
        assertThat(ofRuns(aged)).as("the expired canary answers are deleted").isZero();
        assertThat(ofRuns(held))
                .as("expired answers of a tenant under a legal hold stay")
                .isEqualTo(2L * held.stream().distinct().count());
        assertThat(finished(full, fullSet).getJsonObject("baseline").getInt("answers"))
                .as("the baseline stays")
                .isEqualTo(2);
    }
}
