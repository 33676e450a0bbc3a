package io.gatehouse.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.EvaluationRuns;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.PrometheusText;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift canaries on two instances (issue 23): a second Liberty server on the same database runs its
 * own canary scheduler and evaluation runner next to the test server's, both ticking every 200 ms
 * against a canary due every 2 s (a "minute" of 400 ms, deploy/local/test.sh). Over several due
 * times, while the stand-in provider answers well, then refuses, then answers well again: each due
 * time has exactly one run row, each run records each case once and the provider was called once
 * per recorded answer (no run executed twice), each run finishes once ({@code
 * evaluation.run.finish}), a crossing writes exactly one {@code evaluation.drift} per measure and a
 * recovery one {@code evaluation.drift.recovered} (not one per instance), the drift counters summed
 * over both instances count that one crossing, and both instances' gauges show the newest measures
 * the database holds.
 */
class CanaryTwoInstancesIT {
    static final String PATH = "/canary-two/v1";
    static final String URL = PATH + "/chat/completions";

    /** The canary's period: 5 "minutes" of GATEHOUSE_CANARY_MINUTE_MS. */
    static final long PERIOD_MS =
            5 * Long.parseLong(TestEnv.env("GATEHOUSE_CANARY_MINUTE_MS", "400"));

    static StandInProvider standIn;
    static LibertyInstance second;
    static TestTenant t;
    static String set;

    @BeforeAll
    static void start() throws Exception {
        standIn = StandInProvider.start();
        standIn.answerJson(URL, CanaryDriftIT.completion(CanaryDriftIT.GOOD));
        t = standIn.tenant("openai", PATH, "sp2", "canary-model", "chat", "watched");
        second = LibertyInstance.start("gatehouse-canary-two", Map.of());
        set = "canary-two-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (standIn != null) {
            standIn.stop();
        }
    }

    /** A finished (or errored) scheduled run of the set, as the database holds it. */
    record Run(UUID id, Instant due, String status, String owner, Double passRate) {}

    static List<Run> runs() throws Exception {
        List<Run> out = new ArrayList<>();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT r.id, r.scheduled_for, r.status, r.lease_owner,"
                                        + " (m.measures::jsonb->>'passRate')::float8 FROM"
                                        + " governance_evaluation_runs r LEFT JOIN"
                                        + " governance_canary_measures m ON m.run_id = r.id WHERE"
                                        + " r.tenant_id = ?::uuid AND r.golden_set = ? AND r.trigger ="
                                        + " 'schedule' ORDER BY r.scheduled_for")) {
            ps.setString(1, t.id());
            ps.setString(2, set);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double p = rs.getDouble(5);
                    out.add(
                            new Run(
                                    rs.getObject(1, UUID.class),
                                    rs.getTimestamp(2).toInstant(),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.wasNull() ? null : p));
                }
            }
        }
        return out;
    }

    /**
     * Waits until {@code count} runs due after {@code after} have their measures and answers the
     * last of them.
     */
    static Run awaitMeasuredRuns(Instant after, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        List<Run> measured = List.of();
        while (Instant.now().isBefore(deadline)) {
            measured =
                    runs().stream()
                            .filter(r -> r.due().isAfter(after) && r.passRate() != null)
                            .toList();
            if (measured.size() >= count) {
                return measured.get(measured.size() - 1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError(count + " measured runs after " + after + ", got " + measured);
    }

    /** Waits for the first measured run due after {@code after} with {@code passRate}. */
    static Run awaitPassRate(Instant after, double passRate) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            for (Run r : runs()) {
                if (r.due().isAfter(after) && r.passRate() != null && r.passRate() == passRate) {
                    return r;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no run with pass rate " + passRate + "; runs: " + runs());
    }

    static int events(String action, String measure) throws Exception {
        return EvaluationRuns.measureEvents(set, action, measure);
    }

    static String scrape(LibertyInstance on) {
        HttpResponse<String> r =
                on == null
                        ? MetricsScrape.get(
                                TestEnv.httpsPort(), MetricsScrape.USER, MetricsScrape.PASSWORD)
                        : MetricsScrape.get(
                                on.httpsPort(), MetricsScrape.USER, MetricsScrape.PASSWORD);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The newest measures the database holds for the set's route and model. */
    static JsonObject newestMeasures() throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT measures FROM governance_canary_measures WHERE tenant_id ="
                                        + " ?::uuid AND golden_set = ? AND route = 'watched' AND model"
                                        + " = 'canary-model' ORDER BY scheduled_for DESC LIMIT 1")) {
            ps.setString(1, t.id());
            ps.setString(2, set);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("measures of " + set).isTrue();
                return Json.createReader(new java.io.StringReader(rs.getString(1))).readObject();
            }
        }
    }

    static final Map<String, String> GAUGES =
            Map.of(
                    "passRate", "gatehouse_canary_pass_rate",
                    "refusalRate", "gatehouse_canary_refusal_rate",
                    "distance", "gatehouse_canary_distance");

    /**
     * Waits until both instances' gauges show the newest measures in the database and those are
     * {@code passRate}; answers the two scrapes (test server first).
     */
    static String[] awaitGaugesAgreeWithDb(String labels, double passRate) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String mismatch = "";
        while (Instant.now().isBefore(deadline)) {
            JsonObject db = newestMeasures();
            String[] scrapes = {scrape(null), scrape(second)};
            mismatch = "";
            if (db.getJsonNumber("passRate").doubleValue() != passRate) {
                mismatch = "database passRate " + db.get("passRate");
            }
            for (String text : scrapes) {
                for (Map.Entry<String, String> g : GAUGES.entrySet()) {
                    double gauge;
                    try {
                        gauge = PrometheusText.sample(text, g.getValue(), labels);
                    } catch (AssertionError notYet) {
                        mismatch += "; " + g.getValue() + " not registered yet";
                        continue;
                    }
                    double want = db.getJsonNumber(g.getKey()).doubleValue();
                    if (Math.abs(gauge - want) > 1e-9) {
                        mismatch += "; " + g.getValue() + " " + gauge + " but database " + want;
                    }
                }
            }
            // the database may have moved on between the read and the scrapes: read again
            if (mismatch.isEmpty() && newestMeasures().equals(db)) {
                return scrapes;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("gauges and database disagree: " + mismatch);
    }

    static double driftCounter(String text, String labels, String measure) {
        return PrometheusText.sample(
                text, "gatehouse_canary_drift_total", labels + ",measure=\"" + measure + "\"");
    }

    @Test
    void eachDueTimeRunsOnceAndEachCrossingIsReportedOnceAcrossTwoInstances() throws Exception {
        assertThat(second.http().get("/health/ready").status()).isEqualTo(200);
        GoldenSets.publish(t, set, content());
        String labels = "goldenSet=\"" + set + "\",route=\"watched\",model=\"canary-model\"";

        // answering well for several due times
        Run good = awaitMeasuredRuns(Instant.EPOCH, 3);
        awaitGaugesAgreeWithDb(labels, 1.0);

        // the provider starts refusing: a crossing, then several runs while it stays crossed
        standIn.answerJson(URL, CanaryDriftIT.completion(CanaryDriftIT.BAD));
        Run crossed = awaitPassRate(good.due(), 0.0);
        awaitMeasuredRuns(crossed.due(), 3);
        String[] bad = awaitGaugesAgreeWithDb(labels, 0.0);
        assertThat(events("evaluation.drift", "passRate")).isEqualTo(1);
        assertThat(events("evaluation.drift", "refusalRate")).isEqualTo(1);
        // each instance counts the crossings it reported: one in all, whichever reported it
        assertThat(
                        driftCounter(bad[0], labels, "passRate")
                                + driftCounter(bad[1], labels, "passRate"))
                .isEqualTo(1.0);
        assertThat(
                        driftCounter(bad[0], labels, "refusalRate")
                                + driftCounter(bad[1], labels, "refusalRate"))
                .isEqualTo(1.0);
        JsonObject state = driftState("passRate");
        assertThat(state.getBoolean("crossed")).isTrue();

        // answering well again: recovered, once
        standIn.answerJson(URL, CanaryDriftIT.completion(CanaryDriftIT.GOOD));
        Run healed = awaitPassRate(crossed.due(), 1.0);
        awaitMeasuredRuns(healed.due(), 2);
        String[] recovered = awaitGaugesAgreeWithDb(labels, 1.0);
        assertThat(events("evaluation.drift.recovered", "passRate")).isEqualTo(1);
        assertThat(events("evaluation.drift.recovered", "refusalRate")).isEqualTo(1);
        assertThat(events("evaluation.drift", "passRate")).isEqualTo(1);
        assertThat(
                        driftCounter(recovered[0], labels, "passRate")
                                + driftCounter(recovered[1], labels, "passRate"))
                .isEqualTo(1.0);
        assertThat(driftState("passRate").getBoolean("crossed")).isFalse();

        // the canary is turned off (HIGH: two reviewers), so that every queued run ends
        turnOff();
        List<Run> all = awaitNoneOpen();
        assertThat(all.size()).as(all.toString()).isGreaterThanOrEqualTo(8);

        // each due time: one run, on the canary's period
        Map<Instant, Integer> perDue = new HashMap<>();
        for (Run r : all) {
            perDue.merge(r.due(), 1, Integer::sum);
            assertThat(r.due().toEpochMilli() % PERIOD_MS).as(r.toString()).isZero();
            assertThat(r.status()).as(r.toString()).isIn("passed", "failed");
        }
        assertThat(perDue.values()).allMatch(n -> n == 1);
        // each run answered every case once, and the provider was called once per answer
        try (Connection c = Db.asApp()) {
            for (Run r : all) {
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM governance_canary_results WHERE"
                                                + " run_id = ?",
                                        r.id()))
                        .as(r.toString())
                        .isEqualTo(2);
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM audit_events WHERE action ="
                                                + " 'evaluation.run.finish' AND details->>'runId' = ?",
                                        r.id().toString()))
                        .as("finish events of " + r)
                        .isEqualTo(1);
            }
            long answers =
                    Db.count(
                            c,
                            "SELECT count(*) FROM governance_canary_results r JOIN"
                                    + " governance_evaluation_runs e ON e.id = r.run_id WHERE"
                                    + " e.tenant_id = ?::uuid AND e.golden_set = ?",
                            t.id(),
                            set);
            assertThat(answers).isEqualTo(2L * all.size());
            assertThat(standIn.received(URL)).hasSize((int) answers);
        }
        // which instance ran which due time (either may run any of them)
        Map<String, Long> byOwner = new HashMap<>();
        all.forEach(r -> byOwner.merge(String.valueOf(r.owner()), 1L, Long::sum));
        System.out.println("[CanaryTwoInstancesIT] runs by instance: " + byOwner);
        // the drift events stayed one per crossing
        assertThat(events("evaluation.drift", "passRate")).isEqualTo(1);
        assertThat(events("evaluation.drift.recovered", "passRate")).isEqualTo(1);
    }

    static JsonObject content() {
        return GoldenSets.withCanary(
                CanaryDriftIT.content(),
                GoldenSets.canary(5, "watched")
                        .add(
                                "thresholds",
                                Json.createObjectBuilder()
                                        .add("minPassRate", 0.9)
                                        .add("maxRefusalRate", 0.2)));
    }

    static JsonObject driftState(String measure) {
        return EvaluationRuns.canary(t, set).getJsonArray("drift").stream()
                .map(v -> v.asJsonObject())
                .filter(d -> d.getString("measure").equals(measure))
                .findFirst()
                .orElseThrow();
    }

    /** Publishes the set without its canary: watching less is HIGH risk, two reviewers. */
    static void turnOff() {
        JsonObject off = Json.createObjectBuilder(content()).remove("canary").build();
        GoldenSets.publish(t, set, off, "canary off");
    }

    /** Waits until no run of the set is queued or running for two periods; answers the runs. */
    static List<Run> awaitNoneOpen() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Instant quietSince = null;
        while (Instant.now().isBefore(deadline)) {
            List<Run> all = runs();
            boolean open =
                    all.stream().anyMatch(r -> List.of("queued", "running").contains(r.status()));
            if (open) {
                quietSince = null;
            } else if (quietSince == null) {
                quietSince = Instant.now();
            } else if (Duration.between(quietSince, Instant.now()).toMillis() > 2 * PERIOD_MS) {
                assertThat(runs())
                        .as("no run queued after the canary was turned off")
                        .hasSize(all.size());
                return all;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("runs still open: " + runs());
    }
}
