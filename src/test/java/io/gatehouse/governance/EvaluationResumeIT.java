package io.gatehouse.governance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.EvaluationRuns;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An evaluation run is a durable job (issue 23): a second server claims the run (its own submit
 * kicks it at once) and dies (kill -9) while the stand-in provider holds the second case; once its
 * lease lapses (GATEHOUSE_EVALUATION_LEASE_SECONDS, short in the test server's environment) the
 * test server claims the run again and resumes it: the first case is not called again, the held
 * case is called once more, and the run completes once: one result per case, one finish event.
 * While both servers run (the tests before the kill): a run the claim cap ends gets one finish
 * event, eight on-demand requests at once queue one run, and a judge's call over the evaluation
 * share postpones the run, which completes once the share allows it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvaluationResumeIT {
    static final String URL = "/eval-resume/v1/chat/completions";
    static final String JUDGE_URL = "/eval-judge/v1/chat/completions";
    static StandInProvider provider;
    static LibertyInstance second;
    static TestTenant t;

    static String answer(String text) {
        return StandInProvider.chatCompletion("m", text, 10, 5);
    }

    @BeforeAll
    static void start() throws Exception {
        provider = StandInProvider.start();
        provider.server()
                .stubFor(
                        post(urlEqualTo(URL))
                                .atPriority(5)
                                .willReturn(
                                        aResponse()
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(answer("ok, answered"))));
        // the first call of case-2 is held (its server dies meanwhile); later ones answer at once
        provider.server()
                .stubFor(
                        post(urlEqualTo(URL))
                                .atPriority(1)
                                .inScenario("hold")
                                .whenScenarioStateIs(Scenario.STARTED)
                                .withRequestBody(containing("case-2 question"))
                                .willSetStateTo("released")
                                .willReturn(
                                        aResponse()
                                                .withFixedDelay(25_000)
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(answer("ok, late"))));
        // a slow case: its run is still under way while concurrent requests arrive
        provider.server()
                .stubFor(
                        post(urlEqualTo(URL))
                                .atPriority(2)
                                .withRequestBody(containing("slow question"))
                                .willReturn(
                                        aResponse()
                                                .withFixedDelay(1_500) // the fixture's timeout: 2 s
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(answer("ok, slow"))));
        // the judging tenant's provider answers a judge's verdict to everything
        provider.server()
                .stubFor(
                        post(urlEqualTo(JUDGE_URL))
                                .willReturn(
                                        aResponse()
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(
                                                        answer(
                                                                "{\"score\":1,\"reason\":\"fine\"}"))));
        t = provider.tenant("openai", "/eval-resume/v1", "up", "gpt-eval", "chat", "upstream");
        second = LibertyInstance.start("gatehouse-eval-resume", Map.of());
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (provider != null) {
            provider.stop();
        }
    }

    static long calls(String marker) {
        return provider.received(URL).stream().filter(b -> b.contains(marker)).count();
    }

    /** One case asking {@code question}, expecting {@code expect}. */
    static JsonObject kase(String id, String question, JsonObject expect) {
        return GoldenSets.promptCase(id, GoldenSets.msg("user", question), expect);
    }

    static JsonObject containsOk() {
        return GoldenSets.contains("ok");
    }

    /** Publishes a golden set of {@code cases} bound to prompt {@code prompt}; its name. */
    static String publishSet(TestTenant tt, String prompt, JsonObject... cases) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (JsonObject c : cases) {
            a.add(c);
        }
        String name = GoldenSets.nameFor(prompt);
        GoldenSets.publish(tt, name, GoldenSets.bindingPrompt(prompt, 1, a), "set");
        return name;
    }

    /** A draft (not submitted: no run yet) of prompt {@code prompt} over {@code route}; its id. */
    static String draft(TestTenant tt, String prompt, String route) {
        JsonObject content =
                Json.createObjectBuilder(Changes.prompt("You help.")).add("route", route).build();
        Http.Response draft =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", prompt, content, "new"),
                        tt.auth("author"));
        assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
        return draft.json().getString("id");
    }

    /** The change's evidence once no run of it is running (at most {@code seconds}). */
    static JsonArray finishedEvidence(TestTenant tt, String id, int seconds) throws Exception {
        return EvaluationRuns.finishedEvidence(tt, id, Duration.ofSeconds(seconds));
    }

    @Test
    @Order(1)
    void aRunInterruptedTooOftenEndsAsAnErrorWithOneFinishEvent() throws Exception {
        String prompt = Changes.uniquePrompt();
        String set = publishSet(t, prompt, kase("cap-1", "cap question", containsOk()));
        String change = draft(t, prompt, "upstream");
        // three runs whose instances died as often as the cap allows (as if claimed 5 times):
        // both servers poll, each run is ended by one of them
        List<UUID> runs = new ArrayList<>();
        try (Connection c = Db.asApp()) {
            for (int revision = 1; revision <= 3; revision++) {
                UUID run = UUID.randomUUID();
                try (var ps =
                        c.prepareStatement(
                                "INSERT INTO governance_evaluation_runs (id, tenant_id, change_id,"
                                        + " revision, golden_set, golden_set_version, bound_kind,"
                                        + " bound_target, trigger, requested_by, status, lease_owner,"
                                        + " lease_until, claims, started_at) VALUES (?, ?, ?, ?, ?,"
                                        + " 1, 'prompt', ?, 'on_demand', 'test', 'running',"
                                        + " 'a-dead-instance', now() - interval '1 minute', ?,"
                                        + " now())")) {
                    ps.setObject(1, run);
                    ps.setObject(2, UUID.fromString(t.id()));
                    ps.setObject(3, UUID.fromString(change));
                    ps.setInt(4, revision);
                    ps.setString(5, set);
                    ps.setString(6, prompt);
                    ps.setInt(7, 5);
                    ps.executeUpdate();
                }
                runs.add(run);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (UUID run : runs) {
            while (finishEvents(run) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
        }
        Thread.sleep(2_000); // a second finish (the other server's) would have been recorded
        try (Connection c = Db.asApp()) {
            for (UUID run : runs) {
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM governance_evaluation_runs WHERE id = ?"
                                                + " AND status = 'error' AND finished_at IS NOT NULL"
                                                + " AND error LIKE 'The run was interrupted 5 times'",
                                        run))
                        .as("run %s ended as an error", run)
                        .isEqualTo(1);
            }
        }
        for (UUID run : runs) {
            List<JsonObject> events = finishEventList(run);
            assertThat(events).as("finish events of %s", run).hasSize(1);
            JsonObject e = events.get(0);
            assertThat(e.getString("actor")).isEqualTo("system:evaluation");
            JsonObject d = e.getJsonObject("details");
            assertThat(d.getString("status")).isEqualTo("error");
            assertThat(d.getString("reason")).isEqualTo("interrupted");
            assertThat(d.getString("error")).isEqualTo("The run was interrupted 5 times");
            assertThat(d.getString("changeId")).isEqualTo(change);
            assertThat(d.getString("goldenSet")).isEqualTo(set);
            assertThat(d.getInt("claims")).isEqualTo(5);
            assertThat(d.getJsonNumber("candidatePassRate").doubleValue()).isZero();
        }
    }

    @Test
    @Order(2)
    void eightOnDemandRequestsAtOnceQueueOneRun() throws Exception {
        String prompt = Changes.uniquePrompt();
        publishSet(t, prompt, kase("slow-1", "slow question", containsOk()));
        String id = draft(t, prompt, "upstream");
        String path = "/api/v1/changes/" + id + "/evaluations";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Http.Response>> answers = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 8; i++) {
                // half through each server
                Http http = i % 2 == 0 ? HTTP : second.http();
                answers.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    return http.post(path, "", t.auth("reviewer"));
                                }));
            }
            go.countDown();
            Set<String> runIds = new HashSet<>();
            for (Future<Http.Response> f : answers) {
                Http.Response r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isEqualTo(202);
                JsonArray data = r.json().getJsonArray("data");
                assertThat(data).as(r.toString()).hasSize(1);
                assertThat(data.getJsonObject(0).getString("trigger")).isEqualTo("on_demand");
                runIds.add(data.getJsonObject(0).getString("runId"));
            }
            assertThat(runIds).as("every request answers the one run").hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM governance_evaluation_runs WHERE change_id = ?",
                                    UUID.fromString(id)))
                    .isEqualTo(1);
        }
        JsonArray evidence = finishedEvidence(t, id, 60);
        assertThat(evidence).hasSize(1);
        assertThat(evidence.getJsonObject(0).getString("status")).isEqualTo("passed");
        assertThat(calls("slow question")).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aJudgeCallOverTheEvaluationSharePostponesTheRunWhichThenCompletes() throws Exception {
        TestTenant j =
                provider.tenant(
                        "openai", "/eval-judge/v1", "judge-p", "gpt-j", "chat,json", "judged");
        // a tenth of 10 requests a minute: the case's call passes, its judge's does not
        Http.Response limits =
                HTTP.method("PUT", "/api/v1/limits", "{\"rpmLimit\":10}", j.auth("admin"));
        assertThat(limits.status()).as(limits.toString()).isEqualTo(200);
        String prompt = Changes.uniquePrompt();
        JsonObject judge =
                Json.createObjectBuilder()
                        .add("type", "judge")
                        .add("route", "judged")
                        .add("rubric", "Is it fine?")
                        .add("threshold", 0.5)
                        .build();
        publishSet(j, prompt, kase("judged-1", "judged question", judge));
        String id = draft(j, prompt, "judged");
        // the case's call and its judge's (with the steps' retries) fall in one minute
        Instant now = Instant.now();
        Instant next = now.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        if (Duration.between(now, next).toSeconds() < 30) {
            Thread.sleep(Duration.between(now, next).toMillis() + 500);
        }
        assertThat(Changes.ok(j, "author", id, "submit")).isEqualTo("in_review");
        UUID run = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        boolean postponed = false;
        while (!postponed && System.nanoTime() < deadline) {
            Thread.sleep(250);
            Optional<EvaluationRuns.Row> row = EvaluationRuns.ofChange(id);
            if (row.isPresent()) {
                run = row.get().id();
                postponed = row.get().status().equals("running") && row.get().postponedFor(10);
            }
        }
        assertThat(postponed)
                .as(
                        "the run was given back for later: %s",
                        HTTP.get("/api/v1/changes/" + id, j.auth("reviewer")).body())
                .isTrue();
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM governance_evaluation_results WHERE run_id = ?",
                                    run))
                    .as("nothing recorded for the case whose judge was refused")
                    .isZero();
        }
        // only the case's call reached the provider: the share refused its judge's (retried)
        assertThat(provider.received(JUDGE_URL)).hasSize(1);
        // the share is raised: the run completes when it is claimed again
        limits = HTTP.method("PUT", "/api/v1/limits", "{\"rpmLimit\":1000}", j.auth("admin"));
        assertThat(limits.status()).as(limits.toString()).isEqualTo(200);
        JsonArray evidence = finishedEvidence(j, id, 90);
        JsonObject done = evidence.getJsonObject(0);
        assertThat(done.getString("status")).as(done.toString()).isEqualTo("passed");
        assertThat(done.getJsonObject("candidate").getInt("passed")).isEqualTo(1);
        assertThat(done.getJsonObject("candidate").getInt("errors")).isZero();
        // the case's call again, then its judge's
        assertThat(provider.received(JUDGE_URL)).hasSize(3);
    }

    @Test
    @Order(10)
    void aRunWhoseInstanceDiesResumesElsewhereAndCompletesOnce() throws Exception {
        String prompt = Changes.uniquePrompt();
        JsonArrayBuilder cases = Json.createArrayBuilder();
        for (int i = 1; i <= 3; i++) {
            cases.add(kase("case-" + i, "case-" + i + " question", containsOk()));
        }
        GoldenSets.publish(
                t, GoldenSets.nameFor(prompt), GoldenSets.bindingPrompt(prompt, 1, cases));

        // the candidate is created and submitted through the second server: its commit kicks it
        Http two = second.http();
        JsonObject content =
                Json.createObjectBuilder(Changes.prompt("You help."))
                        .add("route", "upstream")
                        .build();
        Http.Response draft =
                two.post(
                        "/api/v1/changes",
                        Changes.body("prompt", prompt, content, "new"),
                        t.auth("author"));
        assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
        String id = draft.json().getString("id");
        Http.Response submit =
                two.post("/api/v1/changes/" + id + "/submit", "{}", t.auth("author"));
        assertThat(submit.status()).as(submit.toString()).isEqualTo(200);

        // the held case reaches the provider: the second server is inside the run
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (calls("case-2 question") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(calls("case-2 question")).as("the held case was called").isEqualTo(1);
        Optional<EvaluationRuns.Row> row = EvaluationRuns.ofChange(id);
        assertThat(row).as("the run of " + id).isPresent();
        UUID run = row.get().id();
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM governance_evaluation_results WHERE run_id = ? AND case_id = 'case-2'",
                                    run))
                    .isZero();
        }
        second.kill();

        // the test server claims it once the lease lapses and completes it
        JsonObject evidence = null;
        deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            evidence =
                    HTTP.get("/api/v1/changes/" + id, t.auth("reviewer"))
                            .json()
                            .getJsonArray("evidence")
                            .getJsonObject(0);
            if (!evidence.getString("status").equals("running")) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(evidence.getString("status")).as(String.valueOf(evidence)).isEqualTo("passed");
        assertThat(evidence.getJsonObject("candidate").getInt("passed")).isEqualTo(3);
        try (Connection c = Db.asApp()) {
            for (String caseId : new String[] {"case-1", "case-2", "case-3"}) {
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM governance_evaluation_results WHERE run_id = ? AND case_id = ?",
                                        run,
                                        caseId))
                        .as(caseId + " recorded once")
                        .isEqualTo(1);
            }
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT claims FROM governance_evaluation_runs WHERE id = ?",
                                    run))
                    .as("claimed by the second server, then again by the test server")
                    .isEqualTo(2);
        }
        // each completed case reached the provider once; the held one once more after the crash
        assertThat(calls("case-1 question")).isEqualTo(1);
        assertThat(calls("case-3 question")).isEqualTo(1);
        assertThat(calls("case-2 question")).isEqualTo(2);
        // and the run finished once on the tenant's chain
        long finishes = 0;
        for (int i = 0; i < 40 && finishes == 0; i++) {
            Thread.sleep(i == 0 ? 0 : 250);
            finishes = finishEvents(run);
        }
        Thread.sleep(2_000); // a second (wrong) finish would have been recorded by now
        assertThat(finishEvents(run)).isEqualTo(1);
    }

    static long finishEvents(UUID run) {
        return finishEventList(run).size();
    }

    static List<JsonObject> finishEventList(UUID run) {
        return HTTP
                .get(
                        "/api/v1/audit/events?action=evaluation.run.finish&limit=100",
                        t.auth("auditor"))
                .json()
                .getJsonArray("events")
                .stream()
                .filter(e -> e.toString().contains(run.toString()))
                .map(e -> e.asJsonObject())
                .toList();
    }
}
