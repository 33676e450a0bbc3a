package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static io.gatehouse.testing.GoldenSets.msg;
import static io.gatehouse.testing.GoldenSets.prompt;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.EvaluationRuns;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden sets and evidence (issue 23), end to end through the real server, PostgreSQL and the
 * built-in sandbox provider (it answers {@code You said: "<the last user message>"}): a prompt
 * change bound by a live golden set gets an evaluation run when it is submitted, run against the
 * candidate and against what is live; a passing candidate shows a passed run on the change and
 * publishes; a candidate that breaks a case gets a failed run naming the differing case. Every new
 * endpoint answers 200, 401, 403 and 404 for another tenant's object; bad content is a problem
 * naming the field.
 */
public class GoldenSetEvaluationIT {
    static TestTenant t;
    static TestTenant other;
    static String promptName;
    static String setName;

    static JsonObject kase(String id, String mustContain) {
        return Json.createObjectBuilder(
                        GoldenSets.promptCase(
                                id,
                                msg("system", "Answer briefly."),
                                GoldenSets.contains(mustContain),
                                Json.createObjectBuilder()
                                        .add("type", "not_contains")
                                        .add("value", "sorry")
                                        .build(),
                                Json.createObjectBuilder()
                                        .add("type", "policy")
                                        .add("outcome", "allowed")
                                        .build()))
                .add(
                        "source",
                        Json.createObjectBuilder()
                                .add("requestId", "req_captured")
                                .add("note", "kept"))
                .build();
    }

    public static JsonObject goldenSet(String prompt) {
        return GoldenSets.bindingPrompt(
                prompt,
                1.0,
                Json.createArrayBuilder()
                        .add(kase("refund-1", "Refund policy for Acme"))
                        .add(kase("product-1", "Acme")));
    }

    @BeforeAll
    static void setUp() throws Exception {
        t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        // the sandbox's embeddings are derived from the text's SHA-256: one text, one vector
        CatalogFixture.provider(t.id(), "sbe", "sandbox", null, "{}", "sb-embed", "embeddings");
        CatalogFixture.route(t.id(), "embed", "embeddings", "priority", 0, "sbe/sb-embed");
        other = TestTenant.fresh();
        promptName = Changes.uniquePrompt();
        Changes.publishThroughReview(
                t, "prompt", promptName, prompt("You help with", "Refund policy for"), "live");
        // a new golden set is HIGH risk: two reviewers
        setName = GoldenSets.nameFor(promptName);
        GoldenSets.publish(t, setName, goldenSet(promptName));
    }

    /**
     * A reviewer's credentials in a tenant that is suspended: every role of a tenant may read sets
     * and runs, so the 403 these endpoints give is the suspended tenant's ({@code
     * tenant_suspended}).
     */
    static String[] suspendedReviewer() {
        return TestTenant.suspendedPerson("reviewer");
    }

    /** Creates and submits a prompt change; returns its id. */
    static String submitted(String system, String user) {
        return submitted(promptName, system, user, "candidate");
    }

    /** Creates and submits a change of prompt {@code name}; returns its id. */
    static String submitted(String name, String system, String user, String comment) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", name, prompt(system, user), comment),
                        t.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String id = r.json().getString("id");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        return id;
    }

    /** The change's evidence once every run has ended (at most a minute). */
    static JsonArray finishedEvidence(String id) throws InterruptedException {
        return EvaluationRuns.finishedEvidence(t, id, Duration.ofSeconds(60));
    }

    @Test
    void aPassingCandidateGetsAPassedRunAndPublishes() throws Exception {
        String id = submitted("You kindly help with", "Refund policy for");
        JsonArray evidence = finishedEvidence(id);
        assertThat(evidence).hasSize(1);
        JsonObject run = evidence.getJsonObject(0);
        assertThat(run.getString("goldenSet")).isEqualTo(setName);
        assertThat(run.getInt("goldenSetVersion")).isEqualTo(1);
        assertThat(run.getInt("revision")).isEqualTo(1);
        assertThat(run.getString("trigger")).isEqualTo("submit");
        assertThat(run.getString("status")).as(run.toString()).isEqualTo("passed");
        assertThat(run.getJsonObject("candidate").getJsonNumber("passRate").doubleValue())
                .isEqualTo(1.0);
        assertThat(run.getJsonObject("candidate").getInt("passed")).isEqualTo(2);
        assertThat(run.getJsonObject("live").getJsonNumber("passRate").doubleValue())
                .isEqualTo(1.0);
        assertThat(run.getJsonArray("differing")).isEmpty();
        assertThat(run.getString("startedAt")).isNotBlank();
        assertThat(run.getString("finishedAt")).isNotBlank();
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");

        // the run with its results: 2 cases x 2 sides, each with its hash and gateway request
        Http.Response detail =
                HTTP.get("/api/v1/evaluations/" + run.getString("runId"), t.auth("auditor"));
        assertThat(detail.status()).as(detail.toString()).isEqualTo(200);
        JsonArray results = detail.json().getJsonArray("results");
        assertThat(results).hasSize(4);
        for (var v : results) {
            JsonObject x = v.asJsonObject();
            assertThat(x.getString("outcome")).isEqualTo("pass");
            assertThat(x.getString("outputSha256")).hasSize(64);
            assertThat(x.getString("requestId")).isNotBlank();
            assertThat(x.getString("policy")).isEqualTo("allowed");
            assertThat(x.getJsonArray("checks")).hasSize(3);
        }
        assertThat(detail.json().getString("changeId")).isEqualTo(id);

        // the audit trail carries the run's start and finish on the tenant's chain
        // (the finish event is recorded just after the status is written)
        Http.Response audit = null;
        for (int i = 0; i < 40; i++) {
            audit =
                    HTTP.get(
                            "/api/v1/audit/events?action=evaluation.run.finish&limit=50",
                            t.auth("auditor"));
            assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
            if (audit.body().contains(run.getString("runId"))) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(audit.body()).contains(run.getString("runId")).contains("\"passed\"");
    }

    @Test
    void aCandidateThatBreaksACaseGetsAFailedRunListingIt() throws Exception {
        String id = submitted("You help with", "Shipping policy for");
        JsonObject run = finishedEvidence(id).getJsonObject(0);
        assertThat(run.getString("status")).as(run.toString()).isEqualTo("failed");
        assertThat(run.getJsonObject("candidate").getInt("failed")).isEqualTo(1);
        assertThat(run.getJsonObject("candidate").getJsonNumber("passRate").doubleValue())
                .isEqualTo(0.5);
        assertThat(run.getJsonObject("live").getInt("passed")).isEqualTo(2);
        assertThat(run.getJsonArray("differing").toString())
                .isEqualTo("[{\"caseId\":\"refund-1\",\"candidate\":\"fail\",\"live\":\"pass\"}]");
        // on demand: another run of the same revision
        Http.Response again =
                HTTP.post("/api/v1/changes/" + id + "/evaluations", "", t.auth("reviewer"));
        assertThat(again.status()).as(again.toString()).isEqualTo(202);
        JsonArray queued = again.json().getJsonArray("data");
        assertThat(queued).hasSize(1);
        assertThat(queued.getJsonObject(0).getString("trigger")).isEqualTo("on_demand");
        JsonArray evidence = finishedEvidence(id);
        assertThat(evidence).hasSize(2);
        assertThat(evidence.getJsonObject(1).getString("status")).isEqualTo("failed");
    }

    @Test
    void similarityAndAJudgeRunThroughTheGatewayAndAnUnparsableJudgeIsAnError() throws Exception {
        String prompt = Changes.uniquePrompt();
        // what the sandbox answers to the prompt's last user message, as a client sees it
        Http.Response direct =
                HTTP.post(
                        "/v1/chat/completions",
                        Json.createObjectBuilder()
                                .add("model", "sandbox")
                                .add(
                                        "messages",
                                        Json.createArrayBuilder()
                                                .add(msg("user", "Refund policy for Acme")))
                                .build()
                                .toString(),
                        t.keyAuth());
        assertThat(direct.status()).as(direct.toString()).isEqualTo(200);
        String reference =
                direct.json()
                        .getJsonArray("choices")
                        .getJsonObject(0)
                        .getJsonObject("message")
                        .getString("content");
        JsonObject input =
                Json.createObjectBuilder()
                        .add("variables", Json.createObjectBuilder().add("product", "Acme"))
                        .add("messages", Json.createArrayBuilder().add(msg("system", "Briefly.")))
                        .build();
        JsonObject similarity =
                Json.createObjectBuilder()
                        .add("type", "similarity")
                        .add("reference", reference)
                        .add("route", "embed")
                        .add("threshold", 0.99)
                        .build();
        JsonObject judge =
                Json.createObjectBuilder()
                        .add("type", "judge")
                        .add("route", "sandbox")
                        .add("rubric", "Does it name the product?")
                        .add("threshold", 0.5)
                        .build();
        JsonObject set =
                GoldenSets.bindingPrompt(
                        prompt,
                        0.5,
                        Json.createArrayBuilder()
                                .add(inputCase("similar", input, similarity))
                                .add(inputCase("judged", input, judge)));
        GoldenSets.publish(t, GoldenSets.nameFor(prompt), set);
        // a new prompt: nothing is live, so the run has a candidate side only
        String id = submitted(prompt, "You help with", "Refund policy for", "new");
        JsonObject run = finishedEvidence(id).getJsonObject(0);
        assertThat(run.isNull("live")).as(run.toString()).isTrue();
        assertThat(run.getJsonObject("candidate").getInt("passed")).as(run.toString()).isEqualTo(1);
        assertThat(run.getJsonObject("candidate").getInt("errors")).isEqualTo(1);
        assertThat(run.getString("status")).isEqualTo("passed");
        JsonArray results =
                HTTP.get("/api/v1/evaluations/" + run.getString("runId"), t.auth("reviewer"))
                        .json()
                        .getJsonArray("results");
        JsonObject similar = results.getJsonObject(1);
        assertThat(similar.getString("caseId")).isEqualTo("similar");
        assertThat(
                        similar.getJsonArray("checks")
                                .getJsonObject(0)
                                .getJsonNumber("score")
                                .doubleValue())
                .isGreaterThanOrEqualTo(0.99);
        JsonObject judged = results.getJsonObject(0);
        assertThat(judged.getString("caseId")).isEqualTo("judged");
        assertThat(judged.getString("outcome"))
                .as("an unparsable verdict is never a pass")
                .isEqualTo("error");
        assertThat(judged.getString("error")).contains("judge");
    }

    /** A case of {@code input} expecting {@code expect}. */
    static JsonObject inputCase(String id, JsonObject input, JsonObject expect) {
        return Json.createObjectBuilder()
                .add("id", id)
                .add("input", input)
                .add("expect", Json.createArrayBuilder().add(expect))
                .build();
    }

    /** A case given by its variables alone: the prompt's messages are the whole chat. */
    static JsonObject variablesOnlyCase(String id, String product) {
        return Json.createObjectBuilder()
                .add("id", id)
                .add(
                        "input",
                        Json.createObjectBuilder()
                                .add(
                                        "variables",
                                        Json.createObjectBuilder().add("product", product)))
                .add(
                        "expect",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("type", "contains")
                                                .add("value", "Refund policy for " + product))
                                .add(
                                        Json.createObjectBuilder()
                                                .add("type", "policy")
                                                .add("outcome", "allowed")))
                .build();
    }

    /**
     * Issue 23: "a case gives the input (messages, or prompt variables for a prompt binding)". A
     * set whose cases give only variables runs through the gateway on both sides (the candidate
     * attached as a draft, the live version by its label) and passes; a set binding a route may not
     * leave a case's messages out.
     */
    @Test
    void aCaseGivenByItsVariablesAloneRunsOverThePromptsOwnMessages() throws Exception {
        String prompt = Changes.uniquePrompt();
        Changes.publishThroughReview(
                t, "prompt", prompt, prompt("You help with", "Refund policy for"), "live");
        JsonObject set =
                GoldenSets.bindingPrompt(
                        prompt,
                        1.0,
                        Json.createArrayBuilder()
                                .add(variablesOnlyCase("acme", "Acme"))
                                .add(variablesOnlyCase("globex", "Globex")));
        GoldenSets.publish(t, GoldenSets.nameFor(prompt), set);
        Http.Response stored =
                HTTP.get("/api/v1/golden-sets/" + GoldenSets.nameFor(prompt), t.auth("auditor"));
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        assertThat(
                        stored.json()
                                .getJsonObject("content")
                                .getJsonArray("cases")
                                .getJsonObject(0)
                                .getJsonObject("input")
                                .containsKey("messages"))
                .isFalse();

        String id = submitted(prompt, "You kindly help with", "Refund policy for", "candidate");
        JsonObject run = finishedEvidence(id).getJsonObject(0);
        assertThat(run.getString("status")).as(run.toString()).isEqualTo("passed");
        assertThat(run.getJsonObject("candidate").getInt("passed")).as(run.toString()).isEqualTo(2);
        assertThat(run.getJsonObject("candidate").getInt("errors")).isEqualTo(0);
        assertThat(run.getJsonObject("live").getInt("passed")).as(run.toString()).isEqualTo(2);
        JsonArray results =
                HTTP.get("/api/v1/evaluations/" + run.getString("runId"), t.auth("reviewer"))
                        .json()
                        .getJsonArray("results");
        assertThat(results).hasSize(4);
        for (var v : results) {
            JsonObject x = v.asJsonObject();
            assertThat(x.getString("outcome")).as(x.toString()).isEqualTo("pass");
            assertThat(x.getString("requestId")).isNotBlank();
        }

        // a route binding sends the case's own messages: they are required there
        JsonObject routeSet =
                Json.createObjectBuilder(set)
                        .add(
                                "binds",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("kind", "route")
                                                        .add("target", "sandbox")))
                        .build();
        Http.Response refused =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("golden_set", "gs-r" + prompt.substring(3), routeSet, "r"),
                        t.auth("author"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().getString("param")).isEqualTo("content.cases[0].input.messages");
    }

    @Test
    void onDemandEvaluationEndpoint() throws Exception {
        String id = submitted("You help with", "Refund policy for");
        String path = "/api/v1/changes/" + id + "/evaluations";
        // (a request while the submit's run is under way answers that run: nothing is queued
        // twice; EvaluationResumeIT.eightOnDemandRequestsAtOnceQueueOneRun)
        finishedEvidence(id);
        assertThat(HTTP.post(path, "", new String[0]).status()).isEqualTo(401);
        assertThat(HTTP.post(path, "", t.auth("auditor")).status()).isEqualTo(403);
        Http.Response foreign = HTTP.post(path, "", other.auth("admin"));
        assertThat(foreign.status()).as(foreign.toString()).isEqualTo(404);
        Http.Response ok = HTTP.post(path, "", t.auth("author"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(202);
        // a change no golden set binds
        String unbound = Changes.create(t, "author", Changes.uniquePrompt(), "Unbound");
        Http.Response none =
                HTTP.post("/api/v1/changes/" + unbound + "/evaluations", "", t.auth("author"));
        assertThat(none.status()).as(none.toString()).isEqualTo(409);
        assertThat(none.json().getString("code")).isEqualTo("no_golden_set");
    }

    @Test
    void evaluationRunEndpoint() throws Exception {
        String id = submitted("You help with", "Refund policy for");
        String runId = finishedEvidence(id).getJsonObject(0).getString("runId");
        String path = "/api/v1/evaluations/" + runId;
        assertThat(HTTP.get(path, t.auth("reviewer")).status()).isEqualTo(200);
        assertThat(HTTP.get(path, new String[0]).status()).isEqualTo(401);
        Http.Response suspended = HTTP.get(path, suspendedReviewer());
        assertThat(suspended.status()).as(suspended.toString()).isEqualTo(403);
        assertThat(suspended.json().getString("code")).isEqualTo("tenant_suspended");
        assertThat(HTTP.get(path, other.auth("auditor")).status()).isEqualTo(404);
    }

    @Test
    void goldenSetEndpoints() {
        Http.Response list = HTTP.get("/api/v1/golden-sets", t.auth("reviewer"));
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        JsonObject mine =
                list.json().getJsonArray("data").stream()
                        .map(v -> v.asJsonObject())
                        .filter(s -> s.getString("name").equals(setName))
                        .findFirst()
                        .orElseThrow();
        assertThat(mine.getInt("version")).isEqualTo(1);
        assertThat(mine.getInt("cases")).isEqualTo(2);
        Http.Response one = HTTP.get("/api/v1/golden-sets/" + setName, t.auth("auditor"));
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
        JsonObject content = one.json().getJsonObject("content");
        assertThat(
                        content.getJsonArray("cases")
                                .getJsonObject(0)
                                .getJsonObject("source")
                                .getString("note"))
                .as("a case's source is kept")
                .isEqualTo("kept");
        assertThat(HTTP.get("/api/v1/golden-sets", new String[0]).status()).isEqualTo(401);
        assertThat(HTTP.get("/api/v1/golden-sets/" + setName, new String[0]).status())
                .isEqualTo(401);
        // every role of a tenant may read sets: the 403 is a suspended tenant's
        String[] suspended = suspendedReviewer();
        Http.Response listed = HTTP.get("/api/v1/golden-sets", suspended);
        assertThat(listed.status()).as(listed.toString()).isEqualTo(403);
        assertThat(listed.json().getString("code")).isEqualTo("tenant_suspended");
        assertThat(HTTP.get("/api/v1/golden-sets/" + setName, suspended).status()).isEqualTo(403);
        // an API key is not a person
        assertThat(HTTP.get("/api/v1/golden-sets", t.keyAuth()).status()).isEqualTo(401);
        assertThat(HTTP.get("/api/v1/golden-sets/" + setName, other.auth("admin")).status())
                .isEqualTo(404);
        assertThat(HTTP.get("/api/v1/golden-sets", other.auth("admin")).body())
                .doesNotContain(setName);
    }

    @Test
    void badContentIsAProblemNamingTheField() {
        JsonObject set = goldenSet(promptName);
        JsonObject badCase =
                Json.createObjectBuilder(set.getJsonArray("cases").getJsonObject(0))
                        .add(
                                "expect",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("type", "judge")
                                                        .add("route", "sandbox")
                                                        .add("rubric", "r")
                                                        .add("threshold", 2)))
                        .build();
        JsonObject bad =
                Json.createObjectBuilder(set)
                        .add("cases", Json.createArrayBuilder().add(badCase))
                        .build();
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("golden_set", "gs-bad", bad, "bad"),
                        t.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        assertThat(r.json().getString("param")).isEqualTo("content.cases[0].expect[0].threshold");
        JsonObject unbindable =
                Json.createObjectBuilder(set)
                        .add(
                                "binds",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("kind", "provider")
                                                        .add("target", "x")))
                        .build();
        Http.Response r2 =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("golden_set", "gs-bad", unbindable, "bad"),
                        t.auth("author"));
        assertThat(r2.status()).as(r2.toString()).isEqualTo(400);
        assertThat(r2.json().getString("param")).isEqualTo("content.binds[0].kind");
    }
}
