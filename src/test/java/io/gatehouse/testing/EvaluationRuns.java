package io.gatehouse.testing;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Test helpers for evaluation runs (issue 23): waiting through the HTTP API for a change's runs
 * (its {@code evidence}) and a golden set's drift canary runs to end, polling every 250 ms; a run's
 * row as the database holds it.
 */
public final class EvaluationRuns {
    private EvaluationRuns() {}

    /**
     * The change (as its reviewer reads it, 200 asserted on every read) once {@code done} holds for
     * its {@code evidence}; fails after {@code within}.
     */
    public static JsonObject awaitEvidence(
            TestTenant t, String changeId, Duration within, Predicate<JsonArray> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        JsonObject change = null;
        while (System.nanoTime() < deadline) {
            Http.Response r = HTTP.get("/api/v1/changes/" + changeId, t.auth("reviewer"));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            change = r.json();
            if (done.test(change.getJsonArray("evidence"))) {
                return change;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("evidence not there after " + within + ": " + change);
    }

    /** The change's evidence once it has a run and none of its runs is running. */
    public static JsonArray finishedEvidence(TestTenant t, String changeId, Duration within)
            throws InterruptedException {
        return awaitEvidence(
                        t,
                        changeId,
                        within,
                        ev -> !ev.isEmpty() && ev.stream().noneMatch(EvaluationRuns::running))
                .getJsonArray("evidence");
    }

    /**
     * Once an evidence entry that satisfies {@code which} has ended: the newest entry that
     * satisfies it.
     */
    public static JsonObject finishedEntry(
            TestTenant t, String changeId, Duration within, Predicate<JsonObject> which)
            throws InterruptedException {
        JsonObject change =
                awaitEvidence(
                        t,
                        changeId,
                        within,
                        ev ->
                                ev.stream()
                                        .map(JsonValue::asJsonObject)
                                        .anyMatch(e -> which.test(e) && !running(e)));
        return change.getJsonArray("evidence").stream()
                .map(JsonValue::asJsonObject)
                .filter(which)
                .reduce((a, b) -> b)
                .orElseThrow();
    }

    private static boolean running(JsonValue entry) {
        return entry.asJsonObject().getString("status").equals("running");
    }

    /** The golden set's drift canary series, as an auditor reads it (200 asserted). */
    public static JsonObject canary(TestTenant t, String set) {
        Http.Response r = HTTP.get("/api/v1/golden-sets/" + set + "/canary", t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** A canary series and one of its runs. */
    public record CanaryRun(JsonObject series, JsonObject run) {}

    /**
     * Waits (at most {@code within}) for the set's canary series to hold an ended run that
     * satisfies {@code test}; answers the series and the first such run.
     */
    public static CanaryRun awaitCanaryRun(
            TestTenant t, String set, Duration within, Predicate<JsonObject> test)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        JsonObject last = null;
        while (Instant.now().isBefore(deadline)) {
            last = canary(t, set);
            for (JsonValue v : last.getJsonArray("runs")) {
                JsonObject run = v.asJsonObject();
                if (!running(run) && test.test(run)) {
                    return new CanaryRun(last, run);
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no such canary run in time; last series: " + last);
    }

    /**
     * A change's evaluation run as the database holds it: its lease's seconds left (null without a
     * lease) and how many results it has recorded.
     */
    public record Row(
            UUID id, String status, String leaseOwner, Double leaseSecondsLeft, long results) {
        /** Given back for later: no owner, and not to be claimed for more than {@code seconds}. */
        public boolean postponedFor(int seconds) {
            return leaseOwner == null && leaseSecondsLeft != null && leaseSecondsLeft > seconds;
        }
    }

    /** The change's (first) evaluation run in the database, if it has one yet. */
    public static Optional<Row> ofChange(String changeId) throws SQLException {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id, status, lease_owner, EXTRACT(EPOCH FROM lease_until -"
                                        + " now())::float8, (SELECT count(*) FROM"
                                        + " governance_evaluation_results x WHERE x.run_id = r.id)"
                                        + " FROM governance_evaluation_runs r WHERE change_id = ?")) {
            ps.setObject(1, UUID.fromString(changeId));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                double left = rs.getDouble(4);
                Double leaseSecondsLeft = rs.wasNull() ? null : left;
                return Optional.of(
                        new Row(
                                rs.getObject(1, UUID.class),
                                rs.getString(2),
                                rs.getString(3),
                                leaseSecondsLeft,
                                rs.getLong(5)));
            }
        }
    }

    /** The status of evaluation run {@code run} in the database. */
    public static String status(UUID run) throws SQLException {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT status FROM governance_evaluation_runs WHERE id = ?")) {
            ps.setObject(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("run " + run).isTrue();
                return rs.getString(1);
            }
        }
    }

    /**
     * How many of the set's audit events {@code action} name the canary measure {@code measure}.
     */
    public static int measureEvents(String set, String action, String measure) throws Exception {
        int n = 0;
        for (JsonObject d : Changes.auditDetails(action, set)) {
            if (d.getString("measure").equals(measure)) {
                n++;
            }
        }
        return n;
    }
}
