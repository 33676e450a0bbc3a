package io.gatehouse.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.EvaluationRuns;
import io.gatehouse.testing.GatewayTraffic;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/golden-sets/capture} (issue 23): case skeletons from the tenant's retained
 * requests; another tenant's request is {@code not_found}, a request kept only as a hash {@code
 * not_retained}; author/admin only, and only an admin takes content kept in full (an author gets
 * what a redaction produced: a request kept in full is {@code full_content}); bad input names its
 * field.
 */
class GoldenSetCaptureIT {
    static final Http HTTP = Http.local();
    static final String PATH = "/api/v1/golden-sets/capture";
    static StandInProvider standIn;

    @BeforeAll
    static void start() {
        standIn = StandInProvider.start();
    }

    @AfterAll
    static void stop() {
        standIn.stop();
    }

    static TestTenant tenant(String path, String mode) throws Exception {
        return GatewayTraffic.tenant(standIn, path, mode, "Refunds take 30 days.");
    }

    static String ids(String... ids) {
        StringBuilder sb = new StringBuilder("{\"requestIds\":[");
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(ids[i]).append('"');
        }
        return sb.append("]}").toString();
    }

    @Test
    void aRetainedRequestBecomesACaseAndTheRestAreMissing() throws Exception {
        TestTenant t = tenant("/gc-full/v1", "full");
        TestTenant other = tenant("/gc-other/v1", "full");
        TestTenant hashed = tenant("/gc-hashed/v1", "hashed");
        String rid = GatewayTraffic.chat(t, "Can I get a refund?");
        String otherRid = GatewayTraffic.chat(other, "secret of the other tenant");
        String hashedRid = GatewayTraffic.chat(hashed, "kept only as a hash");

        Http.Response r = HTTP.post(PATH, ids(rid, otherRid, "req_nothing"), t.auth("admin"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject out = r.json();
        assertThat(out.getJsonArray("cases")).hasSize(1);
        JsonObject c = out.getJsonArray("cases").getJsonObject(0);
        String caseId = c.getString("id");
        assertThat(caseId).startsWith("captured-").matches("[A-Za-z0-9._-]{1,64}");
        assertThat(c.getJsonArray("expect")).isEmpty();
        assertThat(c.getJsonObject("input").getString("model")).isEqualTo("fw");
        assertThat(
                        c.getJsonObject("input")
                                .getJsonArray("messages")
                                .getJsonObject(0)
                                .getString("content"))
                .isEqualTo("Can I get a refund?");
        assertThat(c.getJsonObject("source").getString("requestId")).isEqualTo(rid);
        assertThat(c.getJsonObject("source").getString("contentHash")).matches("[0-9a-f]{64}");
        assertThat(out.getJsonObject("answers").getString(caseId))
                .isEqualTo("Refunds take 30 days.");
        assertThat(out.getJsonArray("missing")).hasSize(2);
        assertThat(out.getJsonArray("missing").getJsonObject(0).getString("requestId"))
                .isEqualTo(otherRid);
        assertThat(out.getJsonArray("missing").getJsonObject(0).getString("reason"))
                .as("another tenant's request is not found, its content never shown")
                .isEqualTo("not_found");
        assertThat(r.body()).doesNotContain("secret of the other tenant");
        assertThat(out.getJsonArray("missing").getJsonObject(1).getString("reason"))
                .isEqualTo("not_found");
        // an author (who reads redacted content only) naming the other tenant's request: the same
        Http.Response byAuthor = HTTP.post(PATH, ids(otherRid), t.auth("author"));
        assertThat(byAuthor.status()).as(byAuthor.body()).isEqualTo(200);
        assertThat(byAuthor.json().getJsonArray("cases")).isEmpty();
        assertThat(byAuthor.json().getJsonArray("missing").getJsonObject(0).getString("reason"))
                .isEqualTo("not_found");
        assertThat(byAuthor.body()).doesNotContain("secret of the other tenant");
        // a client application's API key reads no retained content at all
        assertThat(HTTP.post(PATH, ids(rid), t.keyAuth()).status()).isEqualTo(401);
        try (Connection db = Db.asApp()) {
            assertThat(
                            Db.count(
                                    db,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read' AND"
                                            + " details->>'content.purpose' = 'golden_set.capture'",
                                    t.id()))
                    .as("the read is audited")
                    .isEqualTo(1);
        }

        Http.Response notKept = HTTP.post(PATH, ids(hashedRid), hashed.auth("admin"));
        assertThat(notKept.status()).as(notKept.body()).isEqualTo(200);
        assertThat(notKept.json().getJsonArray("cases")).isEmpty();
        assertThat(notKept.json().getJsonArray("missing").getJsonObject(0).getString("reason"))
                .isEqualTo("not_retained");
    }

    /**
     * Content kept in full is the auditor's and admin's to read: an author capturing such a request
     * gets no case, no answer and no body, the request is {@code missing} as {@code full_content},
     * and no read of it is recorded (nothing was read out). Under {@code redacted} the author takes
     * the redacted form.
     */
    @Test
    void anAuthorTakesOnlyRedactedContentAnAdminTheFullForm() throws Exception {
        TestTenant full = tenant("/gc-full-roles/v1", "full");
        TestTenant redacted = tenant("/gc-redacted-roles/v1", "redacted");
        String rid = GatewayTraffic.chat(full, "my card is on file, refund please");
        String redactedRid = GatewayTraffic.chat(redacted, "refund for the redacted tenant");

        Http.Response author = HTTP.post(PATH, ids(rid), full.auth("author"));
        assertThat(author.status()).as(author.body()).isEqualTo(200);
        assertThat(author.json().getJsonArray("cases")).isEmpty();
        assertThat(author.json().getJsonObject("answers")).isEmpty();
        JsonObject missing = author.json().getJsonArray("missing").getJsonObject(0);
        assertThat(missing.getString("requestId")).isEqualTo(rid);
        assertThat(missing.getString("reason")).isEqualTo("full_content");
        assertThat(author.body())
                .doesNotContain("my card is on file")
                .doesNotContain("Refunds take 30 days.");
        try (Connection db = Db.asApp()) {
            assertThat(
                            Db.count(
                                    db,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read'",
                                    full.id()))
                    .as("no body was handed out, so none was read")
                    .isZero();
        }

        Http.Response admin = HTTP.post(PATH, ids(rid), full.auth("admin"));
        assertThat(admin.status()).as(admin.body()).isEqualTo(200);
        assertThat(admin.json().getJsonArray("cases")).hasSize(1);
        assertThat(admin.json().getJsonObject("forms").getString(caseIdOf(admin)))
                .isEqualTo("full");

        Http.Response fromRedacted = HTTP.post(PATH, ids(redactedRid), redacted.auth("author"));
        assertThat(fromRedacted.status()).as(fromRedacted.body()).isEqualTo(200);
        assertThat(fromRedacted.json().getJsonArray("cases")).as(fromRedacted.body()).hasSize(1);
        assertThat(fromRedacted.json().getJsonObject("forms").getString(caseIdOf(fromRedacted)))
                .isEqualTo("redacted");
        try (Connection db = Db.asApp()) {
            assertThat(
                            Db.count(
                                    db,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read' AND actor = ? AND"
                                            + " details->>'content.purpose' = 'golden_set.capture'",
                                    redacted.id(),
                                    userId(redacted, "author")))
                    .as("the author's read of the redacted form is audited as theirs")
                    .isEqualTo(1);
        }
    }

    /** The person's subject, as audit events name their actor. */
    static String userId(TestTenant t, String role) {
        return HTTP.get("/api/v1/me", t.auth(role)).json().getString("userId");
    }

    static String caseIdOf(Http.Response r) {
        return r.json().getJsonArray("cases").getJsonObject(0).getString("id");
    }

    @Test
    void onlyAuthorsAndAdminsOfTheTenantCapture() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(HTTP.post(PATH, ids("req_x")).status()).isEqualTo(401);
        assertThat(HTTP.post(PATH, ids("req_x"), t.auth("reviewer")).status()).isEqualTo(403);
        assertThat(HTTP.post(PATH, ids("req_x"), t.auth("auditor")).status()).isEqualTo(403);
    }

    @Test
    void badInputIsAProblemNamingTheField() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertProblem(HTTP.post(PATH, "{}", t.auth("author")), "requestIds");
        assertProblem(HTTP.post(PATH, "{\"requestIds\":[]}", t.auth("author")), "requestIds");
        assertProblem(
                HTTP.post(PATH, "{\"requestIds\":[\"a\",7]}", t.auth("author")), "requestIds[1]");
        assertProblem(
                HTTP.post(PATH, "{\"requestIds\":[\"a\"],\"extra\":1}", t.auth("author")), "extra");
        String[] many = new String[51];
        for (int i = 0; i < many.length; i++) {
            many[i] = "req_" + i;
        }
        assertProblem(HTTP.post(PATH, ids(many), t.auth("author")), "requestIds");
        assertProblem(
                HTTP.post(PATH, "{\"requestIds\":[\"a\"],\"binds\":{}}", t.auth("author")),
                "binds");
        assertProblem(
                HTTP.post(
                        PATH,
                        "{\"requestIds\":[\"a\"],\"binds\":[{\"kind\":\"golden_set\",\"target\":\"x\"}]}",
                        t.auth("author")),
                "binds[0].kind");
        assertProblem(
                HTTP.post(
                        PATH,
                        "{\"requestIds\":[\"a\"],\"binds\":[{\"kind\":\"prompt\"}]}",
                        t.auth("author")),
                "binds[0].target");
        assertProblem(
                HTTP.post(
                        PATH,
                        "{\"requestIds\":[\"a\"],\"binds\":[{\"kind\":\"prompt\",\"target\":\"a\"},"
                                + "{\"kind\":\"policy\",\"target\":\"b\"}]}",
                        t.auth("author")),
                "binds");
        Http.Response notJson = HTTP.post(PATH, "{nope", t.auth("author"));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.header("Content-Type")).startsWith("application/problem+json");
    }

    /**
     * Capture for a set binding a prompt: a call to the managed prompt becomes a case of its
     * variables (and the caller's own messages), a plain call one of its messages, neither with a
     * model (a prompt's case runs over the prompt's own route). With expectations added the
     * captured cases are a valid set's: it publishes, and a candidate of the prompt gets a run over
     * them that completes and passes. For a route's set the case is the messages alone; for a
     * policy's the messages and the model; a call the set cannot run is unfit.
     */
    @Test
    void capturedCasesFitTheSetTheyAreFor() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        GatewayTraffic.retention(t, "full");
        String prompt = Changes.uniquePrompt();
        Changes.publishThroughReview(
                t,
                "prompt",
                prompt,
                GoldenSets.prompt("You help with", "Refund policy for"),
                "live");
        String byVariables =
                v1(
                        t,
                        "{\"model\":\"prompt:"
                                + prompt
                                + "@production\",\"prompt_variables\":{\"product\":\"Acme\"}}");
        String withMessages =
                v1(
                        t,
                        "{\"model\":\"prompt:"
                                + prompt
                                + "\",\"prompt_variables\":{\"product\":\"Globex\"},"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Where is my order?\"}]}");
        String plain =
                v1(
                        t,
                        "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
        String binds = "[{\"kind\":\"prompt\",\"target\":\"" + prompt + "\"}]";
        Http.Response r =
                HTTP.post(
                        PATH,
                        "{\"requestIds\":[\""
                                + byVariables
                                + "\",\""
                                + withMessages
                                + "\",\""
                                + plain
                                + "\"],\"binds\":"
                                + binds
                                + "}",
                        t.auth("admin"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonArray cases = r.json().getJsonArray("cases");
        assertThat(cases).as(r.body()).hasSize(3);
        JsonObject first = cases.getJsonObject(0).getJsonObject("input");
        assertThat(first.keySet()).containsExactly("variables");
        assertThat(first.getJsonObject("variables").getString("product")).isEqualTo("Acme");
        JsonObject second = cases.getJsonObject(1).getJsonObject("input");
        assertThat(second.keySet()).containsExactlyInAnyOrder("messages", "variables");
        assertThat(second.getJsonArray("messages")).hasSize(1);
        JsonObject third = cases.getJsonObject(2).getJsonObject("input");
        assertThat(third.keySet())
                .as("a plain call: its messages, no model")
                .containsExactly("messages");

        // the author adds expectations; the set is valid, publishes and a run over it completes
        JsonArrayBuilder withExpectations = Json.createArrayBuilder();
        String[] expected = {"Refund policy for Acme", "Where is my order?"};
        for (int i = 0; i < 2; i++) {
            withExpectations.add(
                    Json.createObjectBuilder(cases.getJsonObject(i))
                            .add(
                                    "expect",
                                    Json.createArrayBuilder()
                                            .add(GoldenSets.contains(expected[i]))));
        }
        GoldenSets.publish(
                t,
                GoldenSets.nameFor(prompt),
                GoldenSets.bindingPrompt(prompt, 1.0, withExpectations),
                "captured");

        Http.Response candidate =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body(
                                "prompt",
                                prompt,
                                GoldenSets.prompt("You kindly help with", "Refund policy for"),
                                "candidate"),
                        t.auth("author"));
        assertThat(candidate.status()).as(candidate.toString()).isEqualTo(201);
        String id = candidate.json().getString("id");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        JsonObject run = finishedRun(t, id);
        assertThat(run.getString("status")).as(run.toString()).isEqualTo("passed");
        assertThat(run.getJsonObject("candidate").getInt("passed")).as(run.toString()).isEqualTo(2);
        assertThat(run.getJsonObject("candidate").getInt("errors")).isZero();
        assertThat(run.getJsonObject("live").getInt("passed")).as(run.toString()).isEqualTo(2);

        // a route's set: the messages alone; a policy's: the messages and the model
        Http.Response route =
                HTTP.post(
                        PATH,
                        "{\"requestIds\":[\""
                                + byVariables
                                + "\",\""
                                + plain
                                + "\"],\"binds\":[{\"kind\":\"route\",\"target\":\"sandbox\"}]}",
                        t.auth("admin"));
        assertThat(route.status()).as(route.body()).isEqualTo(200);
        assertThat(route.json().getJsonArray("cases")).hasSize(1);
        assertThat(
                        route.json()
                                .getJsonArray("cases")
                                .getJsonObject(0)
                                .getJsonObject("input")
                                .keySet())
                .containsExactly("messages");
        assertThat(route.json().getJsonArray("missing").getJsonObject(0).getString("reason"))
                .as("a call by variables alone has no messages for a route")
                .isEqualTo("unfit");
        Http.Response policy =
                HTTP.post(
                        PATH,
                        "{\"requestIds\":[\""
                                + withMessages
                                + "\",\""
                                + plain
                                + "\"],\"binds\":[{\"kind\":\"policy\",\"target\":\"p\"}]}",
                        t.auth("admin"));
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
        JsonArray policyCases = policy.json().getJsonArray("cases");
        assertThat(policyCases.getJsonObject(0).getJsonObject("input").getString("model"))
                .isEqualTo("prompt:" + prompt);
        assertThat(policyCases.getJsonObject(1).getJsonObject("input").getString("model"))
                .isEqualTo("sandbox");
    }

    /** A gateway call with the tenant's key; returns its request id. */
    static String v1(TestTenant t, String body) {
        Http.Response r = HTTP.post("/v1/chat/completions", body, t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.header("x-request-id");
    }

    /** The change's first evaluation run once it has ended (at most a minute). */
    static JsonObject finishedRun(TestTenant t, String id) throws InterruptedException {
        return EvaluationRuns.awaitEvidence(
                        t,
                        id,
                        Duration.ofSeconds(60),
                        ev ->
                                !ev.isEmpty()
                                        && !ev.getJsonObject(0)
                                                .getString("status")
                                                .equals("running"))
                .getJsonArray("evidence")
                .getJsonObject(0);
    }

    static void assertProblem(Http.Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getString("param")).isEqualTo(field);
        assertThat(r.body()).doesNotContain("Exception");
    }
}
