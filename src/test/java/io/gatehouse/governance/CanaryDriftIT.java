package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.EvaluationRuns;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.PrometheusText;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift canaries (issue 23): a golden set with a canary runs on its schedule against a live route
 * of an in-process stand-in provider (the test server's "minute" is shortened through MP Config,
 * GATEHOUSE_CANARY_MINUTE_MS in deploy/local/test.sh); when the provider starts answering
 * differently the pass rate drops and refusals appear, which writes one {@code evaluation.drift}
 * per crossed measure to the tenant's audit trail (not one per run while it stays crossed), bumps
 * {@code gatehouse_canary_drift_total} and moves the gauges on /metrics; answering as before writes
 * {@code evaluation.drift.recovered}. The read API and the baseline answer 200, 401, 403 and 404
 * for another tenant's set.
 */
public class CanaryDriftIT {
    static final String PATH = "/canary/v1";
    static final String GOOD = "Refunds are accepted within 30 days of purchase.";
    static final String BAD = "I'm sorry, but I cannot help with refunds.";

    static StandInProvider standIn;
    static TestTenant t;
    static TestTenant other;
    static String set;

    static String completion(String text) {
        return StandInProvider.chatCompletion("canary-model", text, 10, 8);
    }

    static JsonObject content() {
        var cases = Json.createArrayBuilder();
        for (String id : List.of("refund-window", "refund-how")) {
            cases.add(
                    GoldenSets.modelCase(
                            id,
                            "watched",
                            "Refunds? (" + id + ")",
                            GoldenSets.contains("30 days")));
        }
        return GoldenSets.withCanary(
                GoldenSets.binding("policy", "canary-policy", 0.5, cases),
                GoldenSets.canary(5, "watched")
                        .add(
                                "thresholds",
                                Json.createObjectBuilder()
                                        .add("minPassRate", 0.9)
                                        .add("maxRefusalRate", 0.2)
                                        .add("maxLatencyMsP95", 60_000)));
    }

    @BeforeAll
    static void canary() throws Exception {
        standIn = StandInProvider.start();
        standIn.answerJson(PATH + "/chat/completions", completion(GOOD));
        t = standIn.tenant("openai", PATH, "sp", "canary-model", "chat", "watched");
        other = TestTenant.fresh();
        set = "canary-" + UUID.randomUUID().toString().substring(0, 8);
        GoldenSets.publish(t, set, content());
    }

    @AfterAll
    static void stop() {
        if (standIn != null) {
            standIn.stop();
        }
    }

    static JsonObject series() {
        return EvaluationRuns.canary(t, set);
    }

    /** Waits for a finished run newer than {@code after} that satisfies {@code test}. */
    static JsonObject awaitRun(Instant after, Predicate<JsonObject> test) throws Exception {
        return EvaluationRuns.awaitCanaryRun(
                        t,
                        set,
                        Duration.ofSeconds(90),
                        run ->
                                Instant.parse(run.getString("scheduledFor")).isAfter(after)
                                        && test.test(run))
                .run();
    }

    static JsonObject measures(JsonObject run) {
        assertThat(run.getJsonArray("measures")).as(run.toString()).hasSize(1);
        return run.getJsonArray("measures").getJsonObject(0);
    }

    static int events(String action, String measure) throws Exception {
        return EvaluationRuns.measureEvents(set, action, measure);
    }

    @Test
    void aRouteThatStartsAnsweringDifferentlyRaisesOneDriftEventAndMovesTheMetrics()
            throws Exception {
        // the first run passes and records the baseline
        JsonObject first = awaitRun(Instant.EPOCH, r -> r.getJsonArray("measures").size() == 1);
        JsonObject m = measures(first);
        assertThat(m.getString("route")).isEqualTo("watched");
        assertThat(m.getString("model")).isEqualTo("canary-model");
        assertThat(m.getJsonNumber("passRate").doubleValue()).isEqualTo(1.0);
        assertThat(m.getJsonNumber("distance").doubleValue()).isZero();
        assertThat(m.getJsonNumber("refusalRate").doubleValue()).isZero();
        assertThat(m.getInt("cases")).isEqualTo(2);
        JsonObject s = series();
        assertThat(s.getJsonObject("canary").getString("distance")).isEqualTo("edit");
        assertThat(s.getJsonObject("baseline").getInt("answers")).isEqualTo(2);
        String labels = "goldenSet=\"" + set + "\",route=\"watched\",model=\"canary-model\"";
        String before = awaitMetric("gatehouse_canary_pass_rate", labels, 1.0);
        assertThat(
                        PrometheusText.sample(
                                before,
                                "gatehouse_canary_drift_total",
                                labels + ",measure=\"passRate\""))
                .isZero();
        // the canary's calls are evaluation traffic of the run, not production's
        assertThat(evaluationRequests(first.getString("runId"))).isEqualTo(2);

        // the provider starts refusing
        standIn.answerJson(PATH + "/chat/completions", completion(BAD));
        Instant switched = Instant.now();
        JsonObject drifted =
                awaitRun(
                        switched,
                        r ->
                                r.getJsonArray("measures").size() == 1
                                        && measures(r).getJsonNumber("passRate").doubleValue()
                                                == 0);
        assertThat(drifted.getString("status")).isEqualTo("failed");
        JsonObject dm = measures(drifted);
        assertThat(dm.getJsonNumber("refusalRate").doubleValue()).isEqualTo(1.0);
        assertThat(dm.getJsonNumber("distance").doubleValue()).isGreaterThan(0.3);
        assertThat(dm.getJsonNumber("lengthChange").doubleValue()).isLessThan(0);
        // one event per crossed measure, naming value, threshold, baseline, route, model, run
        List<JsonObject> drift = awaitEvents("evaluation.drift", 2);
        JsonObject passRate =
                drift.stream()
                        .filter(d -> d.getString("measure").equals("passRate"))
                        .findFirst()
                        .orElseThrow();
        // the crossing run may be the one whose calls straddled the switch (half its answers new)
        double value = passRate.getJsonNumber("value").doubleValue();
        assertThat(value).isLessThan(0.9);
        JsonObject crossingRun =
                series().getJsonArray("runs").stream()
                        .map(JsonValue::asJsonObject)
                        .filter(r -> r.getString("runId").equals(passRate.getString("runId")))
                        .findFirst()
                        .orElseThrow();
        assertThat(measures(crossingRun).getJsonNumber("passRate").doubleValue()).isEqualTo(value);
        assertThat(passRate.getJsonNumber("limit").doubleValue()).isEqualTo(0.9);
        assertThat(passRate.getString("threshold")).isEqualTo("minPassRate");
        assertThat(passRate.getJsonNumber("baseline").doubleValue()).isEqualTo(1.0);
        assertThat(passRate.getString("route")).isEqualTo("watched");
        assertThat(passRate.getString("model")).isEqualTo("canary-model");
        assertThat(series().getJsonObject("baseline").getJsonArray("runs").getString(0))
                .isEqualTo(passRate.getString("baselineRunId"));
        assertThat(drift)
                .anySatisfy(d -> assertThat(d.getString("measure")).isEqualTo("refusalRate"));
        // the metrics moved
        String after = awaitMetric("gatehouse_canary_pass_rate", labels, 0.0);
        assertThat(
                        PrometheusText.delta(
                                before,
                                after,
                                "gatehouse_canary_drift_total",
                                labels + ",measure=\"passRate\""))
                .isEqualTo(1.0);
        assertThat(PrometheusText.sample(after, "gatehouse_canary_refusal_rate", labels))
                .isEqualTo(1.0);
        // the drift state says so
        JsonObject state =
                series().getJsonArray("drift").stream()
                        .map(JsonValue::asJsonObject)
                        .filter(d -> d.getString("measure").equals("passRate"))
                        .findFirst()
                        .orElseThrow();
        assertThat(state.getBoolean("crossed")).isTrue();

        // another run while it stays crossed: no second event
        awaitRun(
                Instant.parse(drifted.getString("scheduledFor")),
                r -> r.getJsonArray("measures").size() == 1);
        assertThat(events("evaluation.drift", "passRate")).isEqualTo(1);
        assertThat(events("evaluation.drift", "refusalRate")).isEqualTo(1);

        // answering as before again: recovered, once
        standIn.answerJson(PATH + "/chat/completions", completion(GOOD));
        Instant healed = Instant.now();
        awaitRun(
                healed,
                r ->
                        r.getJsonArray("measures").size() == 1
                                && measures(r).getJsonNumber("passRate").doubleValue() == 1);
        awaitEvents("evaluation.drift.recovered", 2);
        assertThat(events("evaluation.drift.recovered", "passRate")).isEqualTo(1);
        assertThat(events("evaluation.drift", "passRate")).isEqualTo(1);
    }

    /** Scrapes /metrics until {@code name}{labels} is {@code value}; answers the scrape. */
    static String awaitMetric(String name, String labels, double value) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String text = MetricsScrape.text();
        while (Instant.now().isBefore(deadline)) {
            text = MetricsScrape.text();
            if (text.contains(name) && text.contains(labels)) {
                try {
                    if (PrometheusText.sample(text, name, labels) == value) {
                        return text;
                    }
                } catch (AssertionError notYet) {
                    // not registered yet
                }
            }
            Thread.sleep(250);
        }
        assertThat(PrometheusText.sample(text, name, labels)).as(name).isEqualTo(value);
        return text;
    }

    static List<JsonObject> awaitEvents(String action, int atLeast) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        List<JsonObject> events = Changes.auditDetails(action, set);
        while (events.size() < atLeast && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            events = Changes.auditDetails(action, set);
        }
        assertThat(events).as(action).hasSizeGreaterThanOrEqualTo(atLeast);
        return events;
    }

    /** The gateway.request events of a run's calls (labelled with the run, side live). */
    static int evaluationRequests(String runId) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM audit_events WHERE action = 'gateway.request'"
                                        + " AND details->>'evaluationRun' = ? AND"
                                        + " details->>'evaluationSide' = 'live' AND actor ="
                                        + " 'system:evaluation'")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void theCanaryReadApiIsForTheTenantsPeople() {
        String path = "/api/v1/golden-sets/" + set + "/canary";
        for (String role : List.of("auditor", "reviewer", "author", "admin")) {
            Http.Response r = HTTP.get(path, t.auth(role));
            assertThat(r.status()).as(role + ": " + r).isEqualTo(200);
            assertThat(r.json().getString("goldenSet")).isEqualTo(set);
            assertThat(r.json().getJsonObject("canary").getInt("everyMinutes")).isEqualTo(5);
        }
        assertThat(HTTP.get(path).status()).isEqualTo(401);
        // a client API key is not a person of the tenant
        assertThat(HTTP.get(path, t.keyAuth()).status()).isEqualTo(401);
        // every role of a tenant may read it: the 403 is a suspended tenant's person
        Http.Response suspended = HTTP.get(path, TestTenant.suspendedPerson("reviewer"));
        assertThat(suspended.status()).as(suspended.toString()).isEqualTo(403);
        assertThat(suspended.json().getString("code")).isEqualTo("tenant_suspended");
        Http.Response foreign = HTTP.get(path, other.auth("admin"));
        assertThat(foreign.status()).as(foreign.toString()).isEqualTo(404);
        assertThat(foreign.body()).contains("golden_set_not_found");
        assertThat(HTTP.get("/api/v1/golden-sets/no-such-set/canary", t.auth("admin")).status())
                .isEqualTo(404);
        Http.Response bad = HTTP.get(path + "?limit=0", t.auth("admin"));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.body()).contains("limit");
    }

    @Test
    void anAdminRecordsTheBaseline() throws Exception {
        String path = "/api/v1/golden-sets/" + set + "/baseline";
        JsonObject run = awaitRun(Instant.EPOCH, r -> true);
        assertThat(HTTP.post(path, "{}").status()).isEqualTo(401);
        assertThat(HTTP.post(path, "{}", t.auth("reviewer")).status()).isEqualTo(403);
        Http.Response foreign = HTTP.post(path, "{}", other.auth("admin"));
        assertThat(foreign.status()).as(foreign.toString()).isEqualTo(404);
        Http.Response unknownRun =
                HTTP.post(path, "{\"runId\":\"" + UUID.randomUUID() + "\"}", t.auth("admin"));
        assertThat(unknownRun.status()).as(unknownRun.toString()).isEqualTo(404);
        Http.Response notJson = HTTP.post(path, "{", t.auth("admin"));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body()).doesNotContain("Exception");
        Http.Response r =
                HTTP.post(path, "{\"runId\":\"" + run.getString("runId") + "\"}", t.auth("admin"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getString("runId")).isEqualTo(run.getString("runId"));
        assertThat(Changes.auditDetails("evaluation.baseline.record", set))
                .anySatisfy(
                        d -> assertThat(d.getString("runId")).isEqualTo(run.getString("runId")));
        // a set without a finished run has nothing to record
        String fresh = "canary-none-" + UUID.randomUUID().toString().substring(0, 8);
        JsonObject unanswered = GoldenSets.withCanary(content(), GoldenSets.canary(1440, "absent"));
        GoldenSets.publish(other, fresh, unanswered);
        // another tenant's admin names this tenant's finished run for a set of their own: not found
        Http.Response stolen =
                HTTP.post(
                        "/api/v1/golden-sets/" + fresh + "/baseline",
                        "{\"runId\":\"" + run.getString("runId") + "\"}",
                        other.auth("admin"));
        assertThat(stolen.status()).as(stolen.toString()).isEqualTo(404);
        Http.Response none =
                HTTP.post("/api/v1/golden-sets/" + fresh + "/baseline", "{}", other.auth("admin"));
        // its runs end in error (the route does not exist): no answers to take
        assertThat(none.status()).as(none.toString()).isEqualTo(409);
        assertThat(none.body()).contains("no_canary_run");
    }

    /**
     * For other tests (AdministrativeActionsAuditIT): gives {@code tenant} a sandbox route and a
     * golden set with a canary on it, waits for its first scheduled run to finish and answers the
     * set's name.
     */
    public static String setWithFinishedRun(TestTenant tenant) throws Exception {
        String s = UUID.randomUUID().toString().substring(0, 8);
        io.gatehouse.routing.CatalogFixture.provider(
                tenant.id(), "cnry-" + s, "sandbox", null, "{}", "sb-chat", "chat");
        io.gatehouse.routing.CatalogFixture.route(
                tenant.id(), "cnry-" + s, "chat", "priority", 0, "cnry-" + s + "/sb-chat");
        JsonObject content = GoldenSets.withCanary(content(), GoldenSets.canary(5, "cnry-" + s));
        String name = "canary-audit-" + s;
        GoldenSets.publish(tenant, name, content);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Http.Response r =
                    HTTP.get("/api/v1/golden-sets/" + name + "/canary", tenant.auth("admin"));
            for (JsonValue v : r.json().getJsonArray("runs")) {
                String status = v.asJsonObject().getString("status");
                if (status.equals("passed") || status.equals("failed")) {
                    return name;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no canary run of " + name + " finished");
    }
}
