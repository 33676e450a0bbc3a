package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static io.gatehouse.testing.GoldenSets.msg;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.EvaluationRuns;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Approval rules that require evidence (issue 23), end to end through the real server, PostgreSQL
 * and the built-in sandbox provider (it answers {@code You said: "<the last user message>"}): with
 * {@code requireEvidence} on the prompt kind, publishing needs a passed run of every live golden
 * set binding the change for its current revision (409 {@code evidence_missing} / {@code
 * evidence_failed} otherwise); a failed run is overridden only by an admin who authored none of it,
 * with one more distinct approval of the current revision than the rule needs and a reason,
 * recorded on the change and in the publish event. A policy change carries the test bench's traffic
 * replay as evidence of type {@code replay}.
 */
class EvidenceRulesIT {
    static final String FLAKY_PATH = "/flaky/v1";
    static final String PASSING = "Refund policy for Acme: 30 days.";
    static final String FAILING = "I cannot say.";

    static TestTenant t;
    static TestTenant other;

    /** A stand-in model behind the route {@code flaky}: answers what the test last set. */
    static StandInProvider flaky;

    static void flakyAnswers(String text) {
        flaky.answerJson(
                FLAKY_PATH + "/chat/completions",
                StandInProvider.chatCompletion("flaky-model", text, 10, 8));
    }

    /** A prompt on the route {@code flaky}. */
    static JsonObject flakyPrompt(String system) {
        return Json.createObjectBuilder(GoldenSets.prompt(system, "Refund policy for"))
                .add("route", "flaky")
                .build();
    }

    /** A prompt whose own user message (the last one: a case sends only a system message). */
    static JsonObject prompt(String user) {
        return GoldenSets.prompt("You help with", user);
    }

    /** A golden set of one case: the answer must contain "Refund policy for Acme". */
    static JsonObject goldenSet(String promptName) {
        JsonObject kase =
                GoldenSets.promptCase(
                        "refund-1",
                        msg("system", "Answer briefly."),
                        GoldenSets.contains("Refund policy for Acme"));
        return GoldenSets.bindingPrompt(promptName, 1.0, Json.createArrayBuilder().add(kase));
    }

    /** {@code set} with a second case: a copy of its first as {@code refund-2}. */
    static JsonObject withSecondCase(JsonObject set) {
        return Json.createObjectBuilder(set)
                .add(
                        "cases",
                        Json.createArrayBuilder(set.getJsonArray("cases"))
                                .add(
                                        Json.createObjectBuilder(
                                                        set.getJsonArray("cases").getJsonObject(0))
                                                .add("id", "refund-2")))
                .build();
    }

    /** Publishes a golden set binding {@code promptName} (HIGH: two reviewers); its name. */
    static String publishGoldenSet(String promptName) {
        String name = GoldenSets.nameFor(promptName);
        GoldenSets.publish(t, name, goldenSet(promptName));
        return name;
    }

    static Http.Response setRule(TestTenant tenant, String role, String body) {
        return HTTP.method("PUT", "/api/v1/approval-policies", body, tenant.auth(role));
    }

    @BeforeAll
    static void setUp() throws Exception {
        t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        flaky = StandInProvider.start();
        flakyAnswers(PASSING);
        CatalogFixture.provider(
                t.id(), "flk", "openai", flaky.baseUrl(FLAKY_PATH), "{}", "flaky-model", "chat");
        CatalogFixture.route(t.id(), "flaky", "chat", "priority", 0, "flk/flaky-model");
        other = TestTenant.fresh();
        for (String risk : List.of("LOW", "HIGH")) {
            Http.Response r =
                    setRule(
                            t,
                            "admin",
                            "{\"kind\":\"prompt\",\"risk\":\""
                                    + risk
                                    + "\",\"requiredApprovals\":"
                                    + (risk.equals("LOW") ? 1 : 2)
                                    + ",\"requireEvidence\":true}");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
        }
    }

    @AfterAll
    static void tearDown() {
        if (flaky != null) {
            flaky.stop();
        }
    }

    /**
     * A live prompt (published before any set binds it) and a set binding it; the prompt's name.
     */
    static String livePromptWithSet() {
        String name = Changes.uniquePrompt();
        // nothing binds it yet: the rule requires nothing (every one of no sets passed)
        Changes.publishThroughReview(t, "prompt", name, prompt("Refund policy for"), "live");
        publishGoldenSet(name);
        return name;
    }

    /** Creates a prompt change of {@code user} as {@code role} and submits it; its id. */
    static String submitted(String role, String promptName, String user) {
        return submitted(role, promptName, "You help with", user);
    }

    static String submitted(String role, String promptName, String system, String user) {
        return submitted(role, promptName, GoldenSets.prompt(system, user));
    }

    /** Creates a LOW prompt change of {@code content} as {@code role} and submits it; its id. */
    static String submitted(String role, String promptName, JsonObject content) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", promptName, content, "candidate"),
                        t.auth(role));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getString("risk")).isEqualTo("LOW");
        String id = r.json().getString("id");
        assertThat(Changes.ok(t, role, id, "submit")).isEqualTo("in_review");
        return id;
    }

    /** The change once {@code done} holds for its evidence (at most a minute). */
    static JsonObject awaitEvidence(String id, Predicate<JsonArray> done)
            throws InterruptedException {
        return EvaluationRuns.awaitEvidence(t, id, Duration.ofSeconds(60), done);
    }

    /** The change's {@code evidenceStatus} as the change list gives it (filtered by target). */
    static String listedEvidenceStatus(String target, String id) {
        Http.Response r = HTTP.get("/api/v1/changes?target=" + target, t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().getJsonArray("data").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getString("id").equals(id))
                .findFirst()
                .orElseThrow()
                .getString("evidenceStatus");
    }

    /** The evaluation run of {@code revision}, once finished: its entry. */
    static JsonObject finishedRun(String id, int revision) throws InterruptedException {
        return EvaluationRuns.finishedEntry(
                t,
                id,
                Duration.ofSeconds(60),
                e ->
                        e.getString("type", "").equals("evaluation")
                                && e.getInt("revision") == revision);
    }

    static Http.Response publish(TestTenant tenant, String role, String id, String body) {
        return HTTP.post("/api/v1/changes/" + id + "/publish", body, tenant.auth(role));
    }

    static String override(String reason) {
        return Json.createObjectBuilder()
                .add("comment", "going live")
                .add("evidenceOverride", Json.createObjectBuilder().add("reason", reason))
                .build()
                .toString();
    }

    static void assertProblem(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        assertThat(r.json().getString("code")).as(r.toString()).isEqualTo(code);
    }

    @Test
    void approvalPolicyEndpointTakesRequireEvidence() throws Exception {
        String path = "/api/v1/approval-policies";
        String body =
                "{\"kind\":\"route\",\"risk\":\"LOW\",\"requiredApprovals\":1,\"requireEvidence\":true}";
        assertThat(HTTP.get(path, new String[0]).status()).isEqualTo(401);
        assertThat(HTTP.method("PUT", path, body, new String[0]).status()).isEqualTo(401);
        assertProblem(setRule(t, "author", body), 403, "forbidden");
        assertThat(setRule(t, "reviewer", body).status()).isEqualTo(403);
        // an API key is refused on the management API
        assertThat(HTTP.get(path, t.keyAuth()).status()).isIn(401, 403);
        Http.Response bad =
                setRule(
                        t,
                        "admin",
                        "{\"kind\":\"route\",\"risk\":\"LOW\",\"requiredApprovals\":1,\"requireEvidence\":\"yes\"}");
        assertProblem(bad, 400, "invalid_request");
        assertThat(bad.json().getString("param")).isEqualTo("requireEvidence");

        Http.Response ok = setRule(t, "admin", body);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().getBoolean("requireEvidence")).isTrue();
        assertThat(ok.json().getBoolean("configured")).isTrue();
        // left out: unchanged
        Http.Response kept =
                setRule(
                        t,
                        "admin",
                        "{\"kind\":\"route\",\"risk\":\"LOW\",\"requiredApprovals\":1}");
        assertThat(kept.json().getBoolean("requireEvidence")).isTrue();
        Http.Response list = HTTP.get(path, t.auth("auditor"));
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        JsonObject route = entry(list.json(), "route", "LOW");
        assertThat(route.getBoolean("requireEvidence")).isTrue();
        assertThat(entry(list.json(), "provider", "LOW").getBoolean("requireEvidence")).isFalse();
        // another tenant's rules are its own
        Http.Response theirs = HTTP.get(path, other.auth("admin"));
        assertThat(entry(theirs.json(), "route", "LOW").getBoolean("requireEvidence")).isFalse();
        assertThat(entry(theirs.json(), "prompt", "LOW").getBoolean("requireEvidence")).isFalse();
        // a '*' row decides for a kind without a setting of its own
        assertThat(
                        setRule(
                                        other,
                                        "admin",
                                        "{\"kind\":\"*\",\"risk\":\"LOW\",\"requiredApprovals\":1,\"requireEvidence\":true}")
                                .status())
                .isEqualTo(200);
        theirs = HTTP.get(path, other.auth("reviewer"));
        assertThat(entry(theirs.json(), "provider", "LOW").getBoolean("requireEvidence")).isTrue();
        assertThat(entry(theirs.json(), "provider", "HIGH").getBoolean("requireEvidence"))
                .isFalse();
        // audited with the before and after
        List<JsonObject> events = Changes.auditDetails("approval_policy.set", "route/LOW");
        assertThat(events).isNotEmpty();
        JsonObject first =
                events.stream()
                        .filter(
                                e ->
                                        e.get("previousRequireEvidence") == null
                                                || e.get("previousRequireEvidence")
                                                        == JsonValue.NULL)
                        .filter(e -> e.getBoolean("requireEvidence", false))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(events.toString()));
        assertThat(first.getBoolean("effectiveRequireEvidence")).isTrue();
        // switched off again
        Http.Response off =
                setRule(
                        t,
                        "admin",
                        "{\"kind\":\"route\",\"risk\":\"LOW\",\"requiredApprovals\":1,\"requireEvidence\":false}");
        assertThat(off.json().getBoolean("requireEvidence")).isFalse();
        // turning it off is an admin's action alone, and audited with the before and after
        assertThat(
                        setRule(
                                        t,
                                        "reviewer",
                                        "{\"kind\":\"route\",\"risk\":\"LOW\",\"requiredApprovals\":1,\"requireEvidence\":false}")
                                .status())
                .isEqualTo(403);
        assertThat(Changes.auditDetails("approval_policy.set", "route/LOW"))
                .anyMatch(
                        e ->
                                e.get("previousRequireEvidence") == JsonValue.TRUE
                                        && e.get("requireEvidence") == JsonValue.FALSE
                                        && e.get("effectiveRequireEvidence") == JsonValue.FALSE);
    }

    @Test
    void aGoldenSetsBreakGlassRollbackIsAnAdminsAuditedAction() throws Exception {
        String name = Changes.uniquePrompt();
        String set = "gs-" + name.substring(3);
        JsonObject v1 = goldenSet(name);
        String first = publishedSetChange(set, v1);
        JsonObject v2 =
                Json.createObjectBuilder(withSecondCase(v1)).add("minPassRate", 1.0).build();
        publishedSetChange(set, v2);
        // only an admin may put the earlier set version back at once
        for (String role : List.of("author", "reviewer", "auditor")) {
            assertThat(Changes.act(t, role, first, "rollback").status()).as(role).isEqualTo(403);
        }
        Http.Response rollback =
                HTTP.post(
                        "/api/v1/changes/" + first + "/rollback",
                        Changes.comment("incident"),
                        t.auth("admin"));
        assertThat(rollback.status()).as(rollback.toString()).isEqualTo(201);
        assertThat(rollback.json().getString("kind")).isEqualTo("golden_set");
        assertThat(rollback.json().getString("postHocReview")).isEqualTo("pending");
        // audited as break-glass, naming the change it re-applied
        List<JsonObject> events =
                Changes.auditDetails("change.rollback", rollback.json().getString("id"));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getBoolean("breakGlass")).isTrue();
        assertThat(events.get(0).getString("rollbackOf")).isEqualTo(first);
    }

    /** Publishes {@code content} as golden set {@code set} through review; the change's id. */
    static String publishedSetChange(String set, JsonObject content) {
        return publishedSetChange(set, content, "the set");
    }

    static String publishedSetChange(String set, JsonObject content, String comment) {
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("golden_set", set, content, comment),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        if (Changes.ok(t, "reviewer", id, "approve").equals("in_review")) {
            assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        }
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        return id;
    }

    static JsonObject entry(JsonObject list, String kind, String risk) {
        return list.getJsonArray("data").stream()
                .map(JsonValue::asJsonObject)
                .filter(e -> e.getString("kind").equals(kind) && e.getString("risk").equals(risk))
                .findFirst()
                .orElseThrow(() -> new AssertionError(kind + "/" + risk + " in " + list));
    }

    @Test
    void noRunIsEvidenceMissingAndNoOverrideCoversItAPassedRunPublishes() throws Exception {
        String name = Changes.uniquePrompt();
        Changes.publishThroughReview(t, "prompt", name, prompt("Refund policy for"), "live");
        // submitted and approved before any set binds the prompt: no run
        String id = submitted("author", name, "You kindly help with", "Refund policy for");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        String set = publishGoldenSet(name);
        JsonObject before = Changes.get(t, id);
        assertThat(before.getBoolean("evidenceRequired")).isTrue();
        assertThat(before.getJsonArray("evidence")).isEmpty();
        // a set binds the prompt and has no run of this revision: publishing says
        // evidence_missing, so the list says missing (review 23 finding 9)
        assertThat(listedEvidenceStatus(name, id)).as("the list: no run").isEqualTo("missing");

        Http.Response missing = publish(t, "admin", id, "");
        assertProblem(missing, 409, "evidence_missing");
        assertThat(missing.json().getString("detail")).contains(set).contains("no run");
        JsonObject blocking = missing.json().getJsonArray("goldenSets").getJsonObject(0);
        assertThat(blocking.getString("goldenSet")).isEqualTo(set);
        assertThat(blocking.getInt("version")).isEqualTo(1);
        assertThat(blocking.getString("status")).isEqualTo("no_run");
        assertThat(missing.json().getInt("revision")).isEqualTo(1);
        // even with the approvals an override needs and a reason: a run must exist
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertProblem(publish(t, "admin", id, override("trust me")), 409, "evidence_missing");

        // on demand, then it passes and publishes
        Http.Response queued =
                HTTP.post("/api/v1/changes/" + id + "/evaluations", "", t.auth("reviewer"));
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        JsonObject run = finishedRun(id, 1);
        assertThat(run.getString("status")).as(run.toString()).isEqualTo("passed");
        assertThat(listedEvidenceStatus(name, id)).isEqualTo("passed");
        // nothing failed: nothing to override
        assertProblem(publish(t, "admin", id, override("why not")), 409, "override_not_needed");
        assertThat(Changes.get(t, id).get("evidenceOverride")).isEqualTo(JsonValue.NULL);
        assertThat(Changes.get(t, id).getString("state")).isEqualTo("approved");
        Http.Response published = publish(t, "admin", id, Changes.comment("evidence passed"));
        assertThat(published.status()).as(published.toString()).isEqualTo(200);
        assertThat(published.json().getString("state")).isEqualTo("published");
        assertThat(published.json().get("evidenceOverride")).isEqualTo(JsonValue.NULL);
        JsonObject event = Changes.auditDetails("change.publish", id).get(0);
        assertThat(event.getBoolean("evidenceRequired")).isTrue();
        assertThat(event.getJsonArray("evidence").getJsonObject(0).getString("runId"))
                .isEqualTo(run.getString("runId"));
        assertThat(event.containsKey("evidenceOverride")).isFalse();
    }

    @Test
    void aFailedRunIsOverriddenOnlyWithOneMoreReviewerAndAReason() throws Exception {
        String name = livePromptWithSet();
        String id = submitted("author", name, "Shipping policy for");
        JsonObject run = finishedRun(id, 1);
        assertThat(run.getString("status")).as(run.toString()).isEqualTo("failed");
        assertThat(listedEvidenceStatus(name, id))
                .as("the change list says so")
                .isEqualTo("failed");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");

        Http.Response failed = publish(t, "admin", id, "");
        assertProblem(failed, 409, "evidence_failed");
        JsonObject blocking = failed.json().getJsonArray("goldenSets").getJsonObject(0);
        assertThat(blocking.getString("status")).isEqualTo("failed");
        assertThat(blocking.getString("runId")).isEqualTo(run.getString("runId"));
        assertThat(failed.json().getString("detail")).contains("failed").contains("2 distinct");

        // the approvals the rule needs are not enough for an override
        assertProblem(
                publish(t, "admin", id, override("known flake")), 409, "override_needs_reviewer");
        // bad overrides: no, blank, huge reason; not an object; another field
        for (String bad :
                List.of(
                        "{\"evidenceOverride\":{}}",
                        override(""),
                        override("   "),
                        override("x".repeat(2001)),
                        "{\"evidenceOverride\":\"known flake\"}",
                        "{\"evidenceOverride\":{\"reason\":\"r\",\"by\":\"someone\"}}")) {
            Http.Response r = publish(t, "admin", id, bad);
            assertProblem(r, 400, "invalid_request");
            assertThat(r.json().getString("param")).startsWith("evidenceOverride");
        }
        // a reviewer is counted once: approving again is refused and changes nothing
        Http.Response twice = Changes.act(t, "reviewer", id, "approve");
        assertProblem(twice, 409, "already_approved");
        assertProblem(
                publish(t, "admin", id, override("known flake")), 409, "override_needs_reviewer");
        // the author is no reviewer
        assertThat(Changes.act(t, "author", id, "approve").status()).isEqualTo(403);
        // another tenant's admin: no such change
        Http.Response foreign = publish(other, "admin", id, override("known flake"));
        assertProblem(foreign, 404, "change_not_found");

        // one more distinct reviewer, and a reason: it publishes, and says so
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        String reason = "The refund wording moved to the FAQ; case refund-1 is being rewritten";
        Http.Response published = publish(t, "admin", id, override(reason));
        assertThat(published.status()).as(published.toString()).isEqualTo(200);
        assertThat(published.json().getString("state")).isEqualTo("published");
        JsonObject o = Changes.get(t, id).getJsonObject("evidenceOverride");
        assertThat(o.getString("reason")).isEqualTo(reason);
        assertThat(o.getString("by")).isEqualTo(published.json().getString("publishedBy"));
        assertThat(o.getString("at")).isNotBlank();
        assertThat(o.getInt("revision")).isEqualTo(1);
        assertThat(o.getInt("approvals")).isEqualTo(2);
        assertThat(o.getInt("requiredApprovals")).isEqualTo(1);
        assertThat(o.getJsonArray("runIds").getString(0)).isEqualTo(run.getString("runId"));
        // in the audit trail: the publish event's details
        JsonObject event = Changes.auditDetails("change.publish", id).get(0);
        JsonObject recorded = event.getJsonObject("evidenceOverride");
        assertThat(recorded.getString("reason")).isEqualTo(reason);
        assertThat(recorded.getJsonArray("runIds").getString(0)).isEqualTo(run.getString("runId"));
        assertThat(recorded.getInt("approvals")).isEqualTo(2);
        assertThat(recorded.getJsonArray("approvedBy")).hasSize(2);
        assertThat(event.getJsonArray("evidence").getJsonObject(0).getString("status"))
                .isEqualTo("failed");
    }

    @Test
    void anAuthorCannotOverrideTheirOwnChange() throws Exception {
        String name = livePromptWithSet();
        // the admin authors it
        String id = submitted("admin", name, "Shipping policy for");
        assertThat(finishedRun(id, 1).getString("status")).isEqualTo("failed");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertProblem(publish(t, "admin", id, override("my own call")), 403, "own_change");
        assertProblem(publish(t, "admin", id, ""), 409, "evidence_failed");
        assertThat(Changes.get(t, id).getString("state")).isEqualTo("approved");
    }

    @Test
    void anOverrideCountsOnlyTheCurrentRevisionsApprovals() throws Exception {
        String name = livePromptWithSet();
        String id = submitted("author", name, "Shipping policy for");
        String firstRun = finishedRun(id, 1).getString("runId");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        // another change of the prompt goes live first (it passes its run): the first must rebase
        String passing = submitted("author", name, "You gladly help with", "Refund policy for");
        assertThat(finishedRun(passing, 1).getString("status")).isEqualTo("passed");
        assertThat(Changes.ok(t, "reviewer", passing, "approve")).isEqualTo("approved");
        assertThat(publish(t, "admin", passing, "").status()).isEqualTo(200);
        assertThat(Changes.ok(t, "author", id, "rebase")).isEqualTo("in_review");
        JsonObject second = finishedRun(id, 2);
        assertThat(second.getString("status")).isEqualTo("failed");
        assertThat(second.getString("trigger")).isEqualTo("rebase");
        // one approval of revision 2: revision 1's two do not carry over to an override
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        Http.Response r = publish(t, "admin", id, override("approved before the rebase"));
        assertProblem(r, 409, "override_needs_reviewer");
        assertThat(r.json().getString("detail")).contains("revision 2").contains("it has 1");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        Http.Response ok = publish(t, "admin", id, override("reviewed twice"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        JsonArray runIds = ok.json().getJsonObject("evidenceOverride").getJsonArray("runIds");
        assertThat(runIds).hasSize(1);
        assertThat(runIds.getString(0)).isEqualTo(second.getString("runId")).isNotEqualTo(firstRun);
        assertThat(ok.json().getJsonObject("evidenceOverride").getInt("revision")).isEqualTo(2);
    }

    @Test
    void aPassOfAnOlderGoldenSetVersionIsNoEvidenceAndRollbackNeedsNone() throws Exception {
        String name = Changes.uniquePrompt();
        String first =
                Changes.publishThroughReview(
                        t, "prompt", name, prompt("Refund policy for"), "live");
        String set = publishGoldenSet(name);
        String id = submitted("author", name, "You kindly help with", "Refund policy for");
        assertThat(finishedRun(id, 1).getString("status")).isEqualTo("passed");
        assertThat(listedEvidenceStatus(name, id)).isEqualTo("passed");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        // the set is republished (a case added; HIGH since added cases dilute the rate) after the
        // run
        publishedSetChange(set, withSecondCase(goldenSet(name)), "one more case");
        // the pass was against version 1: no evidence for version 2
        Http.Response stale = publish(t, "admin", id, "");
        assertProblem(stale, 409, "evidence_missing");
        JsonObject blocking = stale.json().getJsonArray("goldenSets").getJsonObject(0);
        assertThat(blocking.getInt("version")).isEqualTo(2);
        assertThat(blocking.getString("status")).isEqualTo("no_run");
        // the change list agrees with the publish (review 23 finding 9): not "passed"
        assertThat(listedEvidenceStatus(name, id))
                .as("the list after the set was republished")
                .isEqualTo("missing");
        // run against version 2, then it publishes
        Http.Response queued =
                HTTP.post("/api/v1/changes/" + id + "/evaluations", "", t.auth("reviewer"));
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        awaitEvidence(
                id,
                ev ->
                        ev.stream()
                                .map(JsonValue::asJsonObject)
                                .anyMatch(
                                        e ->
                                                e.getInt("goldenSetVersion", 0) == 2
                                                        && e.getString("status").equals("passed")));
        assertThat(listedEvidenceStatus(name, id)).isEqualTo("passed");
        assertThat(publish(t, "admin", id, "").status()).isEqualTo(200);
        // break-glass: the first version comes back at once, no evidence asked of it
        Http.Response rollback =
                HTTP.post(
                        "/api/v1/changes/" + first + "/rollback",
                        Changes.comment("incident"),
                        t.auth("admin"));
        assertThat(rollback.status()).as(rollback.toString()).isEqualTo(201);
        assertThat(rollback.json().getString("state")).isEqualTo("published");
        assertThat(rollback.json().get("evidenceOverride")).isEqualTo(JsonValue.NULL);
    }

    /** A live prompt on the route {@code flaky} and a set binding it; the prompt's name. */
    static String liveFlakyPromptWithSet() {
        String name = Changes.uniquePrompt();
        Changes.publishThroughReview(t, "prompt", name, flakyPrompt("You help with"), "live");
        publishGoldenSet(name);
        return name;
    }

    /** Creates a change of the flaky prompt with another system message as the author; its id. */
    static String submittedFlaky(String promptName, String system) {
        return submitted("author", promptName, flakyPrompt(system));
    }

    /** {@code role} asks for a run of the change now; the run's id. */
    static String rerun(String id, String role) {
        Http.Response queued =
                HTTP.post("/api/v1/changes/" + id + "/evaluations", "", t.auth(role));
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        JsonArray runs = queued.json().getJsonArray("data");
        assertThat(runs).hasSize(1);
        return runs.getJsonObject(0).getString("runId");
    }

    /** The evidence entry of run {@code runId} once it finished. */
    static JsonObject finished(String id, String runId) throws InterruptedException {
        return EvaluationRuns.finishedEntry(
                t, id, Duration.ofSeconds(60), e -> e.getString("runId", "").equals(runId));
    }

    static JsonObject entryOf(JsonObject change, String runId) {
        return change.getJsonArray("evidence").stream()
                .map(JsonValue::asJsonObject)
                .filter(e -> e.getString("runId", "").equals(runId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theExtraReviewerOfAnOverrideIsNeverThePublishingAdmin() throws Exception {
        String name = livePromptWithSet();
        String id = submitted("author", name, "Shipping policy for");
        assertThat(finishedRun(id, 1).getString("status")).isEqualTo("failed");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        // the admin approves too: two distinct approvals, but one of them is the publisher's own
        assertThat(Changes.ok(t, "admin", id, "approve")).isEqualTo("approved");
        Http.Response r = publish(t, "admin", id, override("I looked at it myself"));
        assertProblem(r, 409, "override_needs_reviewer");
        assertThat(r.json().getString("detail")).contains("other than you").contains("it has 1");
        assertThat(Changes.get(t, id).getString("state")).isEqualTo("approved");
        // a second reviewer who is not the publisher: it publishes, and the admin is not counted
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        Http.Response ok = publish(t, "admin", id, override("two reviewers saw the failure"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().getJsonObject("evidenceOverride").getInt("approvals")).isEqualTo(2);
        JsonObject recorded =
                Changes.auditDetails("change.publish", id).get(0).getJsonObject("evidenceOverride");
        assertThat(recorded.getJsonArray("approvedBy").getValuesAs(JsonValue::toString))
                .hasSize(2)
                .noneMatch(who -> who.contains(ok.json().getString("publishedBy")));
    }

    @Test
    void approvalsGivenBeforeTheRunFailedDoNotCountForAnOverride() throws Exception {
        String name = liveFlakyPromptWithSet();
        flakyAnswers(PASSING);
        String id = submittedFlaky(name, "You kindly help with");
        assertThat(finishedRun(id, 1).getString("status")).isEqualTo("passed");
        // both reviewers approve while the evidence passes
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        // a reviewer's re-run fails: neither approval saw that failure
        flakyAnswers(FAILING);
        String failedRun = rerun(id, "reviewer");
        JsonObject failed = finished(id, failedRun);
        assertThat(failed.getString("status")).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.getBoolean("blocking")).isTrue();
        assertProblem(publish(t, "admin", id, ""), 409, "evidence_failed");
        Http.Response r = publish(t, "admin", id, override("they approved it already"));
        assertProblem(r, 409, "override_needs_reviewer");
        assertThat(r.json().getString("detail"))
                .contains("after the failed run finished")
                .contains("it has 0");
        assertThat(Changes.get(t, id).getString("state")).isEqualTo("approved");
        flakyAnswers(PASSING);
    }

    @Test
    void theAuthorCannotReRunUntilItPassesAReviewersReRunCounts() throws Exception {
        String name = liveFlakyPromptWithSet();
        flakyAnswers(FAILING);
        String id = submittedFlaky(name, "You gladly help with");
        JsonObject first = finishedRun(id, 1);
        assertThat(first.getString("status")).isEqualTo("failed");
        String failedRun = first.getString("runId");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertProblem(publish(t, "admin", id, ""), 409, "evidence_failed");

        // the author re-runs and the flaky model passes this time: the failure still blocks
        flakyAnswers(PASSING);
        String authorRun = rerun(id, "author");
        JsonObject pass = finished(id, authorRun);
        assertThat(pass.getString("status")).as(pass.toString()).isEqualTo("passed");
        assertThat(pass.getString("requestedBy"))
                .isEqualTo(Changes.get(t, id).getJsonObject("author").getString("id"));
        JsonObject still = entryOf(Changes.get(t, id), failedRun);
        assertThat(still.getBoolean("blocking")).isTrue();
        assertThat(still.get("supersededBy")).isEqualTo(JsonValue.NULL);
        Http.Response blocked = publish(t, "admin", id, "");
        assertProblem(blocked, 409, "evidence_failed");
        assertThat(blocked.json().getJsonArray("goldenSets").getJsonObject(0).getString("runId"))
                .isEqualTo(failedRun);

        // a reviewer re-runs it (a flaky judge) and it passes: the failure is superseded
        String reviewerRun = rerun(id, "reviewer");
        assertThat(finished(id, reviewerRun).getString("status")).isEqualTo("passed");
        JsonObject superseded = entryOf(Changes.get(t, id), failedRun);
        assertThat(superseded.getBoolean("blocking")).isFalse();
        assertThat(superseded.getString("supersededBy")).isEqualTo(reviewerRun);
        Http.Response ok = publish(t, "admin", id, "");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().get("evidenceOverride")).isEqualTo(JsonValue.NULL);
    }

    /**
     * A co-author is an author: an admin who revised the author's draft neither lifts a failure by
     * re-running it nor overrides it (review 23 findings 2 and 3 from the co-author's side).
     */
    @Test
    void aCoAuthorsReRunLiftsNoFailureAndACoAuthorCannotOverride() throws Exception {
        String name = liveFlakyPromptWithSet();
        flakyAnswers(FAILING);
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", name, flakyPrompt("You help with"), "candidate"),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        // the admin revises the author's draft: a co-author from now on
        Http.Response revised =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        Json.createObjectBuilder()
                                .add("content", flakyPrompt("You kindly help with"))
                                .add("comment", "reworded by the admin")
                                .build()
                                .toString(),
                        t.auth("admin"));
        assertThat(revised.status()).as(revised.toString()).isEqualTo(200);
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        JsonObject first = finishedRun(id, 2);
        assertThat(first.getString("status")).isEqualTo("failed");
        String failedRun = first.getString("runId");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");

        // the co-author re-runs and the flaky model passes: the failure still blocks
        flakyAnswers(PASSING);
        String coAuthorRun = rerun(id, "admin");
        assertThat(finished(id, coAuthorRun).getString("status")).isEqualTo("passed");
        JsonObject still = entryOf(Changes.get(t, id), failedRun);
        assertThat(still.getBoolean("blocking")).isTrue();
        assertThat(still.get("supersededBy")).isEqualTo(JsonValue.NULL);
        assertThat(listedEvidenceStatus(name, id)).isEqualTo("failed");
        assertProblem(publish(t, "admin", id, ""), 409, "evidence_failed");
        // and the co-author may not override it, with two reviewers' approvals after the failure
        assertProblem(publish(t, "admin", id, override("I reworded it myself")), 403, "own_change");
        assertThat(Changes.get(t, id).getString("state")).isEqualTo("approved");
        flakyAnswers(PASSING);
    }

    @Test
    void aPolicyChangeCarriesItsTrafficReplayAsEvidence() throws Exception {
        // traffic to replay
        Http.Response call =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"ping 10.0.0.1\"}]}",
                        t.keyAuth());
        assertThat(call.status()).as(call.toString()).isEqualTo(200);
        String policy = "ev-" + Changes.uniquePrompt().substring(3);
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("policy", policy, Changes.noIpPolicy(), "no IPs"),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        // submitting does not wait for the replay
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        Predicate<JsonObject> replay = e -> e.getString("type", "").equals("replay");
        JsonObject change =
                awaitEvidence(id, ev -> ev.stream().map(JsonValue::asJsonObject).anyMatch(replay));
        JsonObject entry =
                change.getJsonArray("evidence").stream()
                        .map(JsonValue::asJsonObject)
                        .filter(replay)
                        .findFirst()
                        .orElseThrow();
        assertThat(entry.getString("status")).as(entry.toString()).isEqualTo("ok");
        assertThat(entry.getInt("revision")).isEqualTo(1);
        assertThat(entry.getString("trigger")).isEqualTo("submit");
        assertThat(entry.getInt("considered")).isGreaterThanOrEqualTo(1);
        assertThat(entry.getInt("changed")).isBetween(0, entry.getInt("considered"));
        assertThat(entry.getInt("summaryOnly")).isBetween(0, entry.getInt("considered"));
        assertThat(entry.getJsonObject("traffic").getInt("considered"))
                .isEqualTo(entry.getInt("considered"));
        assertThat(entry.getString("computedAt")).isNotBlank();
        // another tenant does not see the change, nor its evidence
        assertThat(HTTP.get("/api/v1/changes/" + id, other.auth("admin")).status()).isEqualTo(404);
        // a prompt change has no replay
        String name = livePromptWithSet();
        String promptChange =
                submitted("author", name, "You help, kindly, with", "Refund policy for");
        JsonObject p = Changes.get(t, Changes.get(t, promptChange).getString("id"));
        finishedRun(promptChange, 1);
        assertThat(
                        Changes.get(t, promptChange).getJsonArray("evidence").stream()
                                .map(JsonValue::asJsonObject)
                                .noneMatch(replay))
                .as(p.toString())
                .isTrue();
    }
}
