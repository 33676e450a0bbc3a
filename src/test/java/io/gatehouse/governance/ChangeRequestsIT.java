package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static io.gatehouse.testing.Changes.act;
import static io.gatehouse.testing.Changes.create;
import static io.gatehouse.testing.Changes.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The change request workflow and its rules, through the HTTP API against real Liberty. */
class ChangeRequestsIT {
    static TestTenant demo;
    static TestTenant other;

    @BeforeAll
    static void tenants() {
        demo = TestTenant.demo();
        other = TestTenant.fresh();
    }

    @Test
    void authorDraftsAndSubmitsReviewerApprovesAdminPublishesAndEveryStepIsAudited()
            throws Exception {
        String name = Changes.uniquePrompt();
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", name, Changes.prompt("Triage"), "first"),
                        demo.auth("author"));
        assertThat(created.status()).isEqualTo(201);
        JsonObject c = created.json();
        String id = c.getString("id");
        assertThat(c.getString("state")).isEqualTo("draft");
        assertThat(c.getString("kind")).isEqualTo("prompt");
        assertThat(c.getString("risk")).isEqualTo("LOW");
        assertThat(c.getInt("requiredApprovals")).isEqualTo(1);
        assertThat(c.get("baseVersion")).isEqualTo(JsonValue.NULL);
        assertThat(c.getJsonObject("author").getString("name")).isEqualTo("alice");

        assertThat(ok(demo, "author", id, "submit")).isEqualTo("in_review");
        assertThat(ok(demo, "reviewer", id, "approve")).isEqualTo("approved");
        Http.Response published = act(demo, "admin", id, "publish");
        assertThat(published.status()).isEqualTo(200);
        assertThat(published.json().getString("state")).isEqualTo("published");
        assertThat(published.json().getString("publishedVersion")).isEqualTo("1");

        JsonObject read = Changes.get(demo, id);
        assertThat(read.getJsonArray("reviews")).hasSize(1);
        assertThat(read.getJsonArray("reviews").getJsonObject(0).getString("decision"))
                .isEqualTo("approve");
        assertThat(
                        read.getJsonArray("reviews")
                                .getJsonObject(0)
                                .getJsonObject("reviewer")
                                .getString("name"))
                .isEqualTo("bob");
        assertThat(read.getJsonArray("comments"))
                .extracting(v -> v.asJsonObject().getString("action"))
                .containsExactly("create", "submit", "approve", "publish");
        assertThat(read.getString("liveVersion")).isEqualTo("1");

        Http.Response prompt = HTTP.get("/api/v1/prompts/" + name, demo.auth("auditor"));
        assertThat(prompt.status()).isEqualTo(200);
        assertThat(
                        prompt.json()
                                .getJsonObject("labels")
                                .getJsonObject("production")
                                .getInt("version"))
                .isEqualTo(1);
        assertThat(prompt.json().getJsonArray("versions")).hasSize(1);

        assertThat(Changes.auditActions("change", id))
                .containsExactly(
                        "change.create", "change.submit", "change.approve", "change.publish");
        assertThat(Changes.auditActions("prompt", name)).containsExactly("prompt.publish");
        JsonObject approve = Changes.auditDetails("change.approve", id).get(0);
        assertThat(approve.getString("from")).isEqualTo("in_review");
        assertThat(approve.getString("to")).isEqualTo("approved");
    }

    @Test
    void theAuthorNeverApprovesTheirOwnChange() {
        String id = create(demo, "admin", Changes.uniquePrompt(), "Own");
        ok(demo, "admin", id, "submit");
        Http.Response r = act(demo, "admin", id, "approve");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("own_change");
        // nor rejects it
        assertThat(act(demo, "admin", id, "reject").status()).isEqualTo(403);
        // an author without the reviewer role is refused by role
        String alices = create(demo, "author", Changes.uniquePrompt(), "Alice's");
        ok(demo, "author", alices, "submit");
        assertThat(act(demo, "author", alices, "approve").status()).isEqualTo(403);
        assertThat(Changes.get(demo, id).getString("state")).isEqualTo("in_review");
    }

    /** Issue 14 item 1: an admin who wrote a revision of someone else's draft is its co-author. */
    @Test
    void nobodyWhoRevisedAChangeApprovesRejectsOrRequestsChangesOnIt() {
        TestTenant t = TestTenant.fresh();
        String id = create(t, "author", Changes.uniquePrompt(), "The author's text");
        Http.Response revised =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        "{\"content\":" + Changes.prompt("The admin's text") + "}",
                        t.auth("admin"));
        assertThat(revised.status()).as(revised.toString()).isEqualTo(200);
        assertThat(revised.json().getInt("revision")).isEqualTo(2);
        ok(t, "admin", id, "submit");
        for (String action : new String[] {"approve", "reject", "request-changes"}) {
            Http.Response r = act(t, "admin", id, action);
            assertThat(r.status()).as(action + ": " + r).isEqualTo(403);
            assertThat(r.body()).contains("own_change");
        }
        JsonObject read = Changes.get(t, id);
        assertThat(read.getString("state")).isEqualTo("in_review");
        assertThat(read.getInt("approvals")).isZero();
        // the change shows every revision's author, and who authored any of it
        assertThat(read.getJsonArray("revisions"))
                .extracting(
                        v ->
                                v.asJsonObject().getInt("revision")
                                        + " "
                                        + v.asJsonObject().getString("action")
                                        + " "
                                        + v.asJsonObject()
                                                .getJsonObject("author")
                                                .getString("name"))
                .containsExactly(
                        "1 create " + t.username("author"), "2 revise " + t.username("admin"));
        assertThat(read.getJsonArray("authors"))
                .extracting(v -> v.asJsonObject().getString("name"))
                .containsExactly(t.username("author"), t.username("admin"));
        JsonObject listed =
                HTTP
                        .get("/api/v1/changes?kind=prompt", t.auth("auditor"))
                        .json()
                        .getJsonArray("data")
                        .stream()
                        .map(v -> v.asJsonObject())
                        .filter(c -> c.getString("id").equals(id))
                        .findFirst()
                        .orElseThrow();
        assertThat(listed.getJsonArray("authors"))
                .extracting(v -> v.asJsonObject().getString("name"))
                .containsExactly(t.username("author"), t.username("admin"));
        // someone who wrote none of it approves; then it may be published
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(act(t, "admin", id, "approve").status()).isEqualTo(403);
        assertThat(ok(t, "admin", id, "publish")).isEqualTo("published");
    }

    /** Rebasing someone else's change is authoring a revision of it, too. */
    @Test
    void whoeverRebasedAChangeCannotReviewIt() {
        TestTenant t = TestTenant.fresh();
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(t, name, "Base");
        String id = create(t, "author", name, "Alice on v1");
        String other = create(t, "author", name, "Other on v1");
        ok(t, "author", other, "submit");
        ok(t, "reviewer", other, "approve");
        ok(t, "admin", other, "publish");
        Http.Response rebased = act(t, "admin", id, "rebase");
        assertThat(rebased.status()).as(rebased.toString()).isEqualTo(200);
        assertThat(rebased.json().getInt("revision")).isEqualTo(2);
        ok(t, "author", id, "submit");
        for (String action : new String[] {"approve", "reject", "request-changes"}) {
            Http.Response r = act(t, "admin", id, action);
            assertThat(r.status()).as(action + ": " + r).isEqualTo(403);
            assertThat(r.body()).contains("own_change");
        }
        assertThat(Changes.get(t, id).getJsonArray("revisions"))
                .extracting(
                        v ->
                                v.asJsonObject().getString("action")
                                        + " "
                                        + v.asJsonObject()
                                                .getJsonObject("author")
                                                .getString("name"))
                .containsExactly("create " + t.username("author"), "rebase " + t.username("admin"));
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(ok(t, "admin", id, "publish")).isEqualTo("published");
    }

    /**
     * An approval by a co-author counts for nothing, however it got there (here written straight
     * into the table, as a row from before the rule would be): two approvals are needed and only
     * one counts.
     */
    @Test
    void approvalsCountOnlyFromPeopleWhoAuthoredNoRevision() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(
                        HTTP.method(
                                        "PUT",
                                        "/api/v1/approval-policies",
                                        "{\"kind\":\"prompt\",\"risk\":\"LOW\",\"requiredApprovals\":2}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(200);
        String id = create(t, "author", Changes.uniquePrompt(), "The author's text");
        assertThat(
                        HTTP.method(
                                        "PUT",
                                        "/api/v1/changes/" + id,
                                        "{\"content\":" + Changes.prompt("The admin's text") + "}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(200);
        ok(t, "author", id, "submit");
        try (java.sql.Connection c = io.gatehouse.testing.Db.asApp();
                java.sql.PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO governance_reviews (id, change_id, tenant_id, revision, reviewer_id, reviewer_name,"
                                        + " decision, created_at) SELECT gen_random_uuid(), change_id, tenant_id, revision,"
                                        + " created_by, 'co-author', 'approve', now() FROM governance_change_revisions"
                                        + " WHERE change_id = ?::uuid AND revision = 2")) {
            ps.setString(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(Changes.get(t, id).getInt("approvals")).isZero();
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        Http.Response early = act(t, "admin", id, "publish");
        assertThat(early.status()).isEqualTo(409);
        assertThat(ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(Changes.get(t, id).getInt("approvals")).isEqualTo(2);
    }

    /**
     * The review after a break-glass rollback: neither the admin who rolled back nor anyone who
     * authored the content it re-applied may sign it off.
     */
    @Test
    void thePostHocReviewOfARollbackIsNotForItsAuthors() {
        TestTenant t = TestTenant.fresh();
        String dual = "dual-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        Http.Response user =
                HTTP.post(
                        "/api/v1/users",
                        "{\"username\":\""
                                + dual
                                + "\",\"password\":\""
                                + password
                                + "\",\"roles\":[\"author\",\"reviewer\"]}",
                        t.auth("admin"));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        String[] dualAuth = {"Authorization", "Bearer " + TestTenant.login(dual, password)};
        String name = Changes.uniquePrompt();
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", name, Changes.prompt("Dual's version"), "v1"),
                        dualAuth);
        assertThat(created.status()).isEqualTo(201);
        String v1 = created.json().getString("id");
        assertThat(HTTP.post("/api/v1/changes/" + v1 + "/submit", "{}", dualAuth).status())
                .isEqualTo(200);
        ok(t, "reviewer", v1, "approve");
        ok(t, "admin", v1, "publish");
        Changes.publishPrompt(t, name, "Alice's version");
        Http.Response rb = act(t, "admin", v1, "rollback");
        assertThat(rb.status()).as(rb.toString()).isEqualTo(201);
        String rid = rb.json().getString("id");

        assertThat(act(t, "admin", rid, "approve").status()).isEqualTo(403);
        Http.Response byContentAuthor =
                HTTP.post("/api/v1/changes/" + rid + "/approve", "{}", dualAuth);
        assertThat(byContentAuthor.status()).as(byContentAuthor.toString()).isEqualTo(403);
        assertThat(byContentAuthor.body()).contains("own_change");
        assertThat(rb.json().getJsonArray("revisions"))
                .extracting(
                        v ->
                                v.asJsonObject().getString("action")
                                        + " "
                                        + v.asJsonObject()
                                                .getJsonObject("author")
                                                .getString("name"))
                .containsExactly("rollback " + t.username("admin"));
        assertThat(Changes.get(t, rid).getString("postHocReview")).isEqualTo("pending");
        Http.Response review = act(t, "reviewer", rid, "approve");
        assertThat(review.status()).isEqualTo(200);
        assertThat(review.json().getString("postHocReview")).isEqualTo("done");
    }

    @Test
    void noOneApprovesTwiceAndAStricterPolicyNeedsTwoDistinctReviewers() {
        TestTenant t = TestTenant.fresh();
        Http.Response p =
                HTTP.method(
                        "PUT",
                        "/api/v1/approval-policies",
                        "{\"kind\":\"prompt\",\"risk\":\"LOW\",\"requiredApprovals\":2}",
                        t.auth("admin"));
        assertThat(p.status()).as(p.toString()).isEqualTo(200);
        String id = create(t, "author", Changes.uniquePrompt(), "Two eyes more");
        ok(t, "author", id, "submit");
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        Http.Response twice = act(t, "reviewer", id, "approve");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.body()).contains("already_approved");
        Http.Response early = act(t, "admin", id, "publish");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.body()).contains("not_enough_approvals");
        assertThat(ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(act(t, "reviewer", id, "approve").status()).isEqualTo(409);
        assertThat(ok(t, "admin", id, "publish")).isEqualTo("published");
        JsonObject read = Changes.get(t, id);
        assertThat(read.getInt("approvals")).isEqualTo(2);
        assertThat(read.getInt("requiredApprovals")).isEqualTo(2);
    }

    @Test
    void publishingWithoutApprovalsIs409() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Unreviewed");
        Http.Response draft = act(demo, "admin", id, "publish");
        assertThat(draft.status()).isEqualTo(409);
        assertThat(draft.body()).contains("illegal_transition");
        ok(demo, "author", id, "submit");
        Http.Response inReview = act(demo, "admin", id, "publish");
        assertThat(inReview.status()).isEqualTo(409);
        assertThat(inReview.body()).contains("not_enough_approvals");
    }

    @Test
    void illegalTransitionsAre409WithAReason() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Illegal");
        assertThat(act(demo, "reviewer", id, "approve").status()).isEqualTo(409);
        ok(demo, "author", id, "submit");
        // content is immutable once submitted
        Http.Response revise =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        "{\"content\":" + Changes.prompt("Changed") + "}",
                        demo.auth("author"));
        assertThat(revise.status()).isEqualTo(409);
        assertThat(revise.json().getString("detail")).contains("immutable once submitted");
        assertThat(act(demo, "author", id, "submit").status()).isEqualTo(409);
        ok(demo, "reviewer", id, "approve");
        Http.Response reject = act(demo, "reviewer2", id, "reject");
        assertThat(reject.status()).isEqualTo(409);
        assertThat(reject.body()).contains("illegal_transition");
        ok(demo, "author", id, "withdraw");
        for (String a : new String[] {"submit", "approve", "publish", "withdraw", "rebase"}) {
            Http.Response r = act(demo, a.equals("approve") ? "reviewer2" : "admin", id, a);
            assertThat(r.status()).as(a).isEqualTo(409);
        }
    }

    @Test
    void changesRequestedTakesANewRevisionThatRestartsReview() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Draft one");
        ok(demo, "author", id, "submit");
        assertThat(ok(demo, "reviewer", id, "request-changes")).isEqualTo("changes_requested");
        Http.Response revise =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        "{\"content\":" + Changes.prompt("Draft two") + ",\"comment\":\"fixed\"}",
                        demo.auth("author"));
        assertThat(revise.status()).as(revise.toString()).isEqualTo(200);
        assertThat(revise.json().getInt("revision")).isEqualTo(2);
        assertThat(revise.json().getString("state")).isEqualTo("draft");
        ok(demo, "author", id, "submit");
        assertThat(ok(demo, "reviewer", id, "approve")).isEqualTo("approved");
        // another tenant's author does not even see it (the same-tenant rule: the test below)
        assertThat(
                        HTTP.method(
                                        "PUT",
                                        "/api/v1/changes/" + id,
                                        "{\"content\":" + Changes.prompt("x") + "}",
                                        other.auth("author"))
                                .status())
                .isEqualTo(404);
    }

    /**
     * docs/governance.md: a revision and submit are for the change's author or an admin. Another
     * author of the same tenant (who can see the change) is refused both, while the draft is in a
     * state where its author may do either.
     */
    @Test
    void anotherAuthorOfTheSameTenantMayNotReviseOrSubmitSomeoneElsesDraft() {
        TestTenant t = TestTenant.fresh();
        String second = "author2-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        Http.Response user =
                HTTP.post(
                        "/api/v1/users",
                        "{\"username\":\""
                                + second
                                + "\",\"password\":\""
                                + password
                                + "\",\"roles\":[\"author\"]}",
                        t.auth("admin"));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        String[] secondAuth = {"Authorization", "Bearer " + TestTenant.login(second, password)};
        String id = create(t, "author", Changes.uniquePrompt(), "The author's draft");
        assertThat(HTTP.get("/api/v1/changes/" + id, secondAuth).status())
                .as("visible in the tenant")
                .isEqualTo(200);

        Http.Response revise =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        "{\"content\":" + Changes.prompt("Not mine") + "}",
                        secondAuth);
        assertThat(revise.status()).as(revise.toString()).isEqualTo(403);
        assertThat(revise.body()).contains("not_author");
        Http.Response submit = HTTP.post("/api/v1/changes/" + id + "/submit", "{}", secondAuth);
        assertThat(submit.status()).as(submit.toString()).isEqualTo(403);
        assertThat(submit.body()).contains("not_author");
        JsonObject unchanged = Changes.get(t, id);
        assertThat(unchanged.getString("state")).isEqualTo("draft");
        assertThat(unchanged.getInt("revision")).isEqualTo(1);

        // the change's own author may do both in this state
        Http.Response own =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        "{\"content\":" + Changes.prompt("Mine, again") + "}",
                        t.auth("author"));
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(ok(t, "author", id, "submit")).isEqualTo("in_review");
    }

    @Test
    void concurrentApproveAndRejectProduceExactlyOneOutcome() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String id = create(demo, "author", Changes.uniquePrompt(), "Race " + round);
                ok(demo, "author", id, "submit");
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Http.Response> approve =
                        pool.submit(
                                () -> {
                                    start.await();
                                    return act(demo, "reviewer", id, "approve");
                                });
                Future<Http.Response> reject =
                        pool.submit(
                                () -> {
                                    start.await();
                                    return act(demo, "reviewer2", id, "reject");
                                });
                int a = approve.get().status();
                int r = reject.get().status();
                assertThat(List.of(a, r))
                        .as("round %d: approve %d, reject %d", round, a, r)
                        .containsExactlyInAnyOrder(200, 409);
                String state = Changes.get(demo, id).getString("state");
                assertThat(state).isEqualTo(a == 200 ? "approved" : "rejected");
                List<String> audit = Changes.auditActions("change", id);
                assertThat(audit).containsOnlyOnce(a == 200 ? "change.approve" : "change.reject");
                assertThat(audit).doesNotContain(a == 200 ? "change.reject" : "change.approve");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChangeWhoseBaseIsNoLongerLiveMustBeRebasedAndReviewedAgain() {
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(demo, name, "Base");
        String first = create(demo, "author", name, "First on v1");
        String second = create(demo, "author", name, "Second on v1");
        assertThat(Changes.get(demo, second).getString("baseVersion")).isEqualTo("1");
        for (String id : List.of(first, second)) {
            ok(demo, "author", id, "submit");
            ok(demo, "reviewer", id, "approve");
        }
        assertThat(ok(demo, "admin", first, "publish")).isEqualTo("published");
        JsonObject stale = Changes.get(demo, second);
        assertThat(stale.getBoolean("rebaseRequired")).isTrue();
        assertThat(stale.getString("liveVersion")).isEqualTo("2");
        Http.Response refused = act(demo, "admin", second, "publish");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("rebase_required");

        Http.Response rebased = act(demo, "author", second, "rebase");
        assertThat(rebased.status()).as(rebased.toString()).isEqualTo(200);
        assertThat(rebased.json().getString("state")).isEqualTo("in_review");
        assertThat(rebased.json().getInt("revision")).isEqualTo(2);
        assertThat(rebased.json().getString("baseVersion")).isEqualTo("2");
        assertThat(rebased.json().getInt("approvals")).isZero();
        assertThat(act(demo, "author", second, "rebase").status()).isEqualTo(409);
        assertThat(act(demo, "admin", second, "publish").status()).isEqualTo(409);
        ok(demo, "reviewer", second, "approve");
        assertThat(ok(demo, "admin", second, "publish")).isEqualTo("published");
        assertThat(Changes.get(demo, first).getString("state")).isEqualTo("superseded");
    }

    @Test
    void approvingAChangeWhoseBaseIsNoLongerLiveIs409RebaseRequired() {
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(demo, name, "Base");
        String first = create(demo, "author", name, "First on v1");
        String second = create(demo, "author", name, "Second on v1");
        String third = create(demo, "author", name, "Third on v1");
        for (String id : List.of(first, second, third)) {
            ok(demo, "author", id, "submit");
        }
        ok(demo, "reviewer", first, "approve");
        assertThat(ok(demo, "admin", first, "publish")).isEqualTo("published");
        assertThat(Changes.get(demo, second).getBoolean("rebaseRequired")).isTrue();

        Http.Response refused = act(demo, "reviewer", second, "approve");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.header("Content-Type")).contains("application/problem+json");
        assertThat(refused.json().getString("code")).isEqualTo("rebase_required");
        assertThat(refused.json().getString("detail")).contains("approve").contains("version 1");
        JsonObject still = Changes.get(demo, second);
        assertThat(still.getString("state")).isEqualTo("in_review");
        assertThat(still.getInt("approvals")).isZero();

        // rejecting or asking for changes on a stale change stays possible
        assertThat(ok(demo, "reviewer", second, "request-changes")).isEqualTo("changes_requested");
        assertThat(ok(demo, "reviewer", third, "reject")).isEqualTo("rejected");

        // once rebased it can be approved again
        assertThat(ok(demo, "author", second, "rebase")).isEqualTo("changes_requested");
        ok(demo, "author", second, "submit");
        assertThat(ok(demo, "reviewer", second, "approve")).isEqualTo("approved");
    }

    @Test
    void thePromptDiffShowsWhatChangesAgainstTheLiveVersion() {
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(demo, name, "Be brief.");
        String id = create(demo, "author", name, "Be kind.");
        JsonObject c = Changes.get(demo, id);
        assertThat(c.getJsonArray("diff")).hasSize(1);
        JsonObject d = c.getJsonArray("diff").getJsonObject(0);
        assertThat(d.getString("path")).isEqualTo("/messages/0/content");
        assertThat(d.getString("op")).isEqualTo("changed");
        assertThat(d.getString("from")).isEqualTo("Be brief. {{product}}");
        assertThat(d.getString("to")).isEqualTo("Be kind. {{product}}");
        JsonObject fresh = Changes.get(demo, create(demo, "author", Changes.uniquePrompt(), "New"));
        assertThat(fresh.getJsonArray("diff"))
                .extracting(v -> v.asJsonObject().getString("op"))
                .containsOnly("added");
    }

    @Test
    void breakGlassRollbackReappliesAnEarlierVersionAndAwaitsReviewAfterTheFact() throws Exception {
        String name = Changes.uniquePrompt();
        String v1 = Changes.publishPrompt(demo, name, "Version one");
        String v2 = Changes.publishPrompt(demo, name, "Version two");
        assertThat(Changes.get(demo, v1).getString("state")).isEqualTo("superseded");
        assertThat(act(demo, "author", v1, "rollback").status()).isEqualTo(403);
        assertThat(act(demo, "admin", v2, "rollback").status()).isEqualTo(409);

        Http.Response rb = act(demo, "admin", v1, "rollback");
        assertThat(rb.status()).as(rb.toString()).isEqualTo(201);
        JsonObject r = rb.json();
        String rid = r.getString("id");
        assertThat(r.getString("state")).isEqualTo("published");
        assertThat(r.getString("rollbackOf")).isEqualTo(v1);
        assertThat(r.getString("postHocReview")).isEqualTo("pending");
        assertThat(r.getString("publishedVersion")).isEqualTo("1");
        assertThat(Changes.get(demo, v2).getString("state")).isEqualTo("superseded");
        JsonObject prompt = HTTP.get("/api/v1/prompts/" + name, demo.auth("reviewer")).json();
        assertThat(prompt.getJsonObject("labels").getJsonObject("production").getInt("version"))
                .isEqualTo(1);
        assertThat(prompt.getInt("liveVersion")).isEqualTo(1);
        assertThat(prompt.getJsonArray("versions")).hasSize(2);

        JsonObject audit = Changes.auditDetails("change.rollback", rid).get(0);
        assertThat(audit.getBoolean("breakGlass")).isTrue();
        assertThat(audit.getString("rollbackOf")).isEqualTo(v1);
        Http.Response pending =
                HTTP.get("/api/v1/changes?postHocReview=pending", demo.auth("reviewer"));
        assertThat(pending.json().getJsonArray("data"))
                .extracting(v -> v.asJsonObject().getString("id"))
                .contains(rid);

        assertThat(act(demo, "admin", rid, "approve").status()).isEqualTo(403);
        Http.Response review = act(demo, "reviewer", rid, "approve");
        assertThat(review.status()).isEqualTo(200);
        assertThat(review.json().getString("postHocReview")).isEqualTo("done");
        assertThat(Changes.auditActions("change", rid))
                .containsExactly("change.rollback", "change.post_hoc_review");
    }

    @Test
    void listFiltersByStateAndKind() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Listed");
        Http.Response drafts =
                HTTP.get("/api/v1/changes?state=draft&kind=prompt", demo.auth("auditor"));
        assertThat(drafts.status()).isEqualTo(200);
        assertThat(drafts.json().getJsonArray("data"))
                .extracting(v -> v.asJsonObject().getString("id"))
                .contains(id);
        assertThat(drafts.json().getJsonArray("data"))
                .extracting(v -> v.asJsonObject().getString("state"))
                .containsOnly("draft");
        assertThat(HTTP.get("/api/v1/changes?state=nonsense", demo.auth("auditor")).status())
                .isEqualTo(400);
    }

    @Test
    void invalidChangesAre400NamingTheField() {
        Http.Response kind =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("teleporter", "x", Changes.prompt("x"), "c"),
                        demo.auth("author"));
        assertThat(kind.status()).isEqualTo(400);
        assertThat(kind.body()).contains("kind");
        Http.Response content =
                HTTP.post(
                        "/api/v1/changes",
                        "{\"kind\":\"prompt\",\"target\":\"x\",\"content\":{\"messages\":[],\"route\":\"sandbox\"}}",
                        demo.auth("author"));
        assertThat(content.status()).isEqualTo(400);
        assertThat(content.body()).contains("content.messages");
        assertThat(HTTP.post("/api/v1/changes", "not json", demo.auth("author")).status())
                .isEqualTo(400);
    }

    @Test
    void anotherTenantsChangesAndPromptsAreNotFound() {
        String name = Changes.uniquePrompt();
        String theirs = Changes.publishPrompt(other, name, "Theirs");
        assertThat(HTTP.get("/api/v1/changes/" + theirs, demo.auth("admin")).status())
                .isEqualTo(404);
        for (String a :
                new String[] {
                    "submit", "approve", "reject", "publish", "withdraw", "rollback", "rebase"
                }) {
            assertThat(
                            act(
                                            demo,
                                            a.equals("approve") || a.equals("reject")
                                                    ? "reviewer"
                                                    : "admin",
                                            theirs,
                                            a)
                                    .status())
                    .as(a)
                    .isEqualTo(404);
        }
        assertThat(
                        HTTP.get("/api/v1/changes?kind=prompt&target=" + name, demo.auth("admin"))
                                .json()
                                .getJsonArray("data"))
                .isEmpty();
        assertThat(HTTP.get("/api/v1/prompts/" + name, demo.auth("admin")).status()).isEqualTo(404);
        assertThat(HTTP.get("/api/v1/prompts/" + name + "/versions/1", demo.auth("admin")).status())
                .isEqualTo(404);
        assertThat(HTTP.get("/api/v1/prompts/" + name, other.auth("auditor")).status())
                .isEqualTo(200);
        assertThat(HTTP.get("/api/v1/changes/not-a-uuid", demo.auth("admin")).status())
                .isEqualTo(404);
    }

    @Test
    void everyEndpointNeedsCredentialsAndTheRightRole() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Secured");
        List<String[]> reads =
                List.of(
                        new String[] {"GET", "/api/v1/changes"},
                        new String[] {"GET", "/api/v1/changes/" + id},
                        new String[] {"GET", "/api/v1/prompts"},
                        new String[] {"GET", "/api/v1/approval-policies"},
                        new String[] {"GET", "/api/v1/webhooks"});
        List<String[]> all = new ArrayList<>(reads);
        for (String a :
                new String[] {
                    "submit",
                    "approve",
                    "reject",
                    "request-changes",
                    "withdraw",
                    "rebase",
                    "publish",
                    "rollback",
                    "comments"
                }) {
            all.add(new String[] {"POST", "/api/v1/changes/" + id + "/" + a});
        }
        all.add(new String[] {"POST", "/api/v1/changes"});
        all.add(new String[] {"PUT", "/api/v1/changes/" + id});
        all.add(new String[] {"POST", "/api/v1/webhooks"});
        all.add(new String[] {"PUT", "/api/v1/approval-policies"});
        for (String[] e : all) {
            assertThat(HTTP.method(e[0], e[1], "{}").status())
                    .as("no credentials " + e[1])
                    .isEqualTo(401);
            assertThat(
                            HTTP.method(
                                            e[0],
                                            e[1],
                                            "{}",
                                            "Authorization",
                                            "Bearer garbled.token.here")
                                    .status())
                    .as("garbled " + e[1])
                    .isEqualTo(401);
        }
        // wrong roles
        assertThat(
                        HTTP.post(
                                        "/api/v1/changes",
                                        Changes.body("prompt", "x", Changes.prompt("x"), "c"),
                                        demo.auth("auditor"))
                                .status())
                .isEqualTo(403);
        assertThat(
                        HTTP.post(
                                        "/api/v1/changes",
                                        Changes.body("prompt", "x", Changes.prompt("x"), "c"),
                                        demo.auth("reviewer"))
                                .status())
                .isEqualTo(403);
        assertThat(act(demo, "auditor", id, "approve").status()).isEqualTo(403);
        assertThat(act(demo, "reviewer", id, "submit").status()).isEqualTo(403);
        assertThat(act(demo, "author", id, "publish").status()).isEqualTo(403);
        assertThat(act(demo, "reviewer", id, "publish").status()).isEqualTo(403);
        assertThat(act(demo, "reviewer", id, "rollback").status()).isEqualTo(403);
        assertThat(HTTP.get("/api/v1/webhooks", demo.auth("author")).status()).isEqualTo(403);
        assertThat(
                        HTTP.method(
                                        "PUT",
                                        "/api/v1/approval-policies",
                                        "{\"kind\":\"prompt\",\"risk\":\"LOW\",\"requiredApprovals\":2}",
                                        demo.auth("reviewer"))
                                .status())
                .isEqualTo(403);
        // and the right roles read
        for (String[] e : reads) {
            String role = e[1].equals("/api/v1/webhooks") ? "admin" : "auditor";
            assertThat(HTTP.get(e[1], demo.auth(role)).status()).as(e[1]).isEqualTo(200);
        }
    }
}
