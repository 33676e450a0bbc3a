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
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An evaluation run is a durable job (issue 23): a second server claims the run (its own submit
 * kicks it at once) and dies (kill -9) while the stand-in provider holds the second case; once its
 * lease lapses (GATEHOUSE_EVALUATION_LEASE_SECONDS, short in the test server's environment) the
 * test server claims the run again and resumes it: the first case is not called again, the held
 * case is called once more, and the run completes once: one result per case, one finish event.
 */
class EvaluationResumeIT {
    static final String URL = "/eval-resume/v1/chat/completions";
    static StandInProvider provider;
    static LibertyInstance second;
    static TestTenant t;

    static String answer(String text) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + text
                + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
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

    @Test
    void aRunWhoseInstanceDiesResumesElsewhereAndCompletesOnce() throws Exception {
        String prompt = Changes.uniquePrompt();
        JsonArrayBuilder cases = Json.createArrayBuilder();
        for (int i = 1; i <= 3; i++) {
            cases.add(
                    Json.createObjectBuilder()
                            .add("id", "case-" + i)
                            .add(
                                    "input",
                                    Json.createObjectBuilder()
                                            .add(
                                                    "variables",
                                                    Json.createObjectBuilder()
                                                            .add("product", "Acme"))
                                            .add(
                                                    "messages",
                                                    Json.createArrayBuilder()
                                                            .add(
                                                                    Json.createObjectBuilder()
                                                                            .add("role", "user")
                                                                            .add(
                                                                                    "content",
                                                                                    "case-"
                                                                                            + i
                                                                                            + " question"))))
                            .add(
                                    "expect",
                                    Json.createArrayBuilder()
                                            .add(
                                                    Json.createObjectBuilder()
                                                            .add("type", "contains")
                                                            .add("value", "ok"))));
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
        UUID run;
        try (Connection c = Db.asApp();
                var ps =
                        c.prepareStatement(
                                "SELECT id FROM governance_evaluation_runs WHERE change_id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                run = rs.getObject(1, UUID.class);
            }
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
        return HTTP
                .get(
                        "/api/v1/audit/events?action=evaluation.run.finish&limit=100",
                        t.auth("auditor"))
                .json()
                .getJsonArray("events")
                .stream()
                .filter(e -> e.toString().contains(run.toString()))
                .count();
    }
}
