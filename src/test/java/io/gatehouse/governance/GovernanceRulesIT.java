package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static io.gatehouse.testing.Changes.act;
import static io.gatehouse.testing.Changes.create;
import static io.gatehouse.testing.Changes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sentences of docs/governance.md that the older tests did not prove (issue 25 item 6), each over
 * HTTP against the running server, in a fresh tenant.
 */
class GovernanceRulesIT {

    private static String[] secondAuthor(TestTenant t) {
        String name = "author2-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        Http.Response user =
                HTTP.post(
                        "/api/v1/users",
                        "{\"username\":\""
                                + name
                                + "\",\"password\":\""
                                + password
                                + "\",\"roles\":[\"author\"]}",
                        t.auth("admin"));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return new String[] {"Authorization", "Bearer " + TestTenant.login(name, password)};
    }

    private static Http.Response setPolicy(TestTenant t, String kind, String risk, int n) {
        return HTTP.method(
                "PUT",
                "/api/v1/approval-policies",
                "{\"kind\":\""
                        + kind
                        + "\",\"risk\":\""
                        + risk
                        + "\",\"requiredApprovals\":"
                        + n
                        + "}",
                t.auth("admin"));
    }

    /** "Another author of the same tenant ... may not revise, submit, withdraw or rebase it." */
    @Test
    void anotherAuthorOfTheSameTenantMayNotWithdrawOrRebaseSomeoneElsesChange() {
        TestTenant t = TestTenant.fresh();
        String[] second = secondAuthor(t);
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(t, name, "Base");
        String id = create(t, "author", name, "On v1");
        Changes.publishPrompt(t, name, "Newer"); // id must now be rebased
        for (String action : new String[] {"rebase", "withdraw"}) {
            Http.Response r = HTTP.post("/api/v1/changes/" + id + "/" + action, "{}", second);
            assertThat(r.status()).as(action + ": " + r).isEqualTo(403);
            assertThat(r.body()).contains("not_author");
        }
        JsonObject unchanged = Changes.get(t, id);
        assertThat(unchanged.getString("state")).isEqualTo("draft");
        assertThat(unchanged.getInt("revision")).isEqualTo(1);
        // the change's own author may do both
        assertThat(ok(t, "author", id, "rebase")).isEqualTo("draft");
        assertThat(ok(t, "author", id, "withdraw")).isEqualTo("withdrawn");
    }

    /**
     * "A revision (PUT) ... increments revision. Approvals count only for the revision they were
     * given to, so a new revision restarts the review. Every revision's content is kept."
     */
    @Test
    void aNewRevisionRestartsTheReviewAndEveryRevisionsContentIsKept() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(setPolicy(t, "prompt", "LOW", 2).status()).isEqualTo(200);
        String id = create(t, "author", Changes.uniquePrompt(), "Revision one");
        ok(t, "author", id, "submit");
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        assertThat(Changes.get(t, id).getInt("approvals")).isEqualTo(1);
        assertThat(ok(t, "reviewer2", id, "request-changes")).isEqualTo("changes_requested");
        Http.Response revised =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        "{\"content\":" + Changes.prompt("Revision two") + "}",
                        t.auth("author"));
        assertThat(revised.status()).as(revised.toString()).isEqualTo(200);
        assertThat(revised.json().getInt("revision")).isEqualTo(2);
        ok(t, "author", id, "submit");
        assertThat(Changes.get(t, id).getInt("approvals")).isZero();
        // the first revision's approval does not count: one more approval is not enough
        assertThat(ok(t, "reviewer2", id, "approve")).isEqualTo("in_review");
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("approved");

        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT revision, content::text FROM governance_change_revisions"
                                        + " WHERE change_id = ?::uuid ORDER BY revision")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).contains("Revision one");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(2);
                assertThat(rs.getString(2)).contains("Revision two");
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /** "The number is checked again at publish time, in case the policy changed." */
    @Test
    void approvalsAreCountedAgainAtPublishTime() {
        TestTenant t = TestTenant.fresh();
        String id = create(t, "author", Changes.uniquePrompt(), "Approved under one");
        ok(t, "author", id, "submit");
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(setPolicy(t, "prompt", "LOW", 2).status()).isEqualTo(200);
        Http.Response early = act(t, "admin", id, "publish");
        assertThat(early.status()).as(early.toString()).isEqualTo(409);
        assertThat(early.body()).contains("not_enough_approvals");
        assertThat(Changes.get(t, id).getString("state")).isEqualTo("approved");
        assertThat(ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(ok(t, "admin", id, "publish")).isEqualTo("published");
    }

    /** "Nobody approves twice ... (also guarded by a unique partial index in PostgreSQL)." */
    @Test
    void theDatabaseRefusesASecondApprovalOfOneRevisionByOneReviewer() throws Exception {
        TestTenant t = TestTenant.fresh();
        String id = create(t, "author", Changes.uniquePrompt(), "Once");
        ok(t, "author", id, "submit");
        ok(t, "reviewer", id, "approve");
        String copy =
                "INSERT INTO governance_reviews (id, change_id, tenant_id, revision, reviewer_id, reviewer_name,"
                        + " decision, created_at) SELECT gen_random_uuid(), change_id, tenant_id, revision,"
                        + " reviewer_id, reviewer_name, 'approve', now() FROM governance_reviews"
                        + " WHERE change_id = ?::uuid AND decision = 'approve'";
        try (Connection c = Db.asApp();
                PreparedStatement ps = c.prepareStatement(copy)) {
            ps.setString(1, id);
            assertThatThrownBy(ps::executeUpdate)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("governance_reviews_one_approval");
        }
    }

    /**
     * "The kind's own row wins over *, which wins over the default. HIGH never drops below two. GET
     * lists the effective numbers."
     */
    @Test
    void approvalPoliciesKindBeatsStarBeatsDefaultAndHighNeverDropsBelowTwo() {
        TestTenant t = TestTenant.fresh();
        assertThat(required(t, "policy", "LOW")).isEqualTo(1);
        assertThat(required(t, "prompt", "HIGH")).isEqualTo(2);
        assertThat(setPolicy(t, "*", "LOW", 3).status()).isEqualTo(200);
        assertThat(setPolicy(t, "prompt", "LOW", 2).status()).isEqualTo(200);
        assertThat(required(t, "policy", "LOW")).isEqualTo(3);
        assertThat(required(t, "prompt", "LOW")).isEqualTo(2);
        // a new change takes the effective number
        String prompt = create(t, "author", Changes.uniquePrompt(), "Counted");
        assertThat(Changes.get(t, prompt).getInt("requiredApprovals")).isEqualTo(2);

        for (int n : new int[] {0, 1}) {
            Http.Response low = setPolicy(t, "prompt", "HIGH", n);
            assertThat(low.status()).as("HIGH " + n + ": " + low).isEqualTo(400);
            assertThat(low.body()).contains("requiredApprovals");
        }
        assertThat(setPolicy(t, "*", "HIGH", 1).status()).isEqualTo(400);
        assertThat(setPolicy(t, "prompt", "LOW", 6).status()).isEqualTo(400);
        assertThat(required(t, "prompt", "HIGH")).isEqualTo(2);
        assertThat(
                        HTTP.method(
                                        "PUT",
                                        "/api/v1/approval-policies",
                                        "{\"kind\":\"prompt\",\"risk\":\"LOW\",\"requiredApprovals\":1}",
                                        t.auth("author"))
                                .status())
                .isEqualTo(403);
    }

    private static int required(TestTenant t, String kind, String risk) {
        Http.Response r = HTTP.get("/api/v1/approval-policies", t.auth("auditor"));
        assertThat(r.status()).isEqualTo(200);
        return r.json().getJsonArray("data").getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getString("kind").equals(kind) && e.getString("risk").equals(risk))
                .findFirst()
                .orElseThrow(() -> new AssertionError(kind + " " + risk + " in " + r))
                .getInt("requiredApprovals");
    }

    /** Risk table, prompt row: moving a live prompt to another route is HIGH; text is LOW. */
    @Test
    void movingALivePromptToAnotherRouteIsHighRiskAndNeedsTwoReviewers() {
        TestTenant t = TestTenant.fresh();
        String name = Changes.uniquePrompt();
        String first = create(t, "author", name, "New prompt");
        assertThat(Changes.get(t, first).getString("risk")).isEqualTo("LOW");
        ok(t, "author", first, "submit");
        ok(t, "reviewer", first, "approve");
        ok(t, "admin", first, "publish");
        assertThat(Changes.get(t, create(t, "author", name, "New text")).getString("risk"))
                .isEqualTo("LOW");

        JsonObject moved =
                Json.createObjectBuilder(Changes.prompt("New prompt"))
                        .add("route", "elsewhere")
                        .build();
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", name, moved, "move"),
                        t.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getString("risk")).isEqualTo("HIGH");
        assertThat(r.json().getInt("requiredApprovals")).isEqualTo(2);
        String id = r.json().getString("id");
        ok(t, "author", id, "submit");
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        assertThat(act(t, "admin", id, "publish").status()).isEqualTo(409);
        assertThat(ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
    }

    /** "The demo seed writes prompt.publish with actor system/seed and "seed": true." */
    @Test
    void theDemoSeedIsRecordedAsSeedNotAsAReviewedChange() {
        TestTenant demo = TestTenant.demo();
        Http.Response r =
                HTTP.get(
                        "/api/v1/audit/events?limit=500&action=prompt.publish&targetType=prompt&target=support-triage",
                        demo.auth("auditor"));
        assertThat(r.status()).isEqualTo(200);
        List<JsonObject> seeded =
                r.json().getJsonArray("events").getValuesAs(JsonObject.class).stream()
                        .filter(e -> e.getJsonObject("details").getBoolean("seed", false))
                        .toList();
        assertThat(seeded).hasSize(1);
        JsonObject e = seeded.get(0);
        assertThat(e.getString("actorKind")).isEqualTo("system");
        assertThat(e.getString("actor")).isEqualTo("seed");
        assertThat(e.getJsonObject("details").containsKey("changeId")).isFalse();
    }

    /**
     * "Every other combination answers 409 illegal_transition with a sentence saying why (e.g.
     * 'Cannot publish a change that is draft')."
     */
    @Test
    void anIllegalTransitionSaysWhy() {
        TestTenant t = TestTenant.fresh();
        String id = create(t, "author", Changes.uniquePrompt(), "Too early");
        Http.Response r = act(t, "admin", id, "publish");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getString("code")).isEqualTo("illegal_transition");
        assertThat(r.json().getString("detail")).isEqualTo("Cannot publish a change that is draft");
        Http.Response reject = act(t, "reviewer", id, "reject");
        assertThat(reject.json().getString("detail"))
                .isEqualTo("Cannot reject a change that is draft");
    }

    /**
     * "Another tenant's change answers 404": revising, commenting on or requesting changes to it
     * too, and it is left as it was with nothing recorded about it.
     */
    @Test
    void anotherTenantsChangeIsNotFoundForRevisionCommentsAndRequestChanges() {
        TestTenant mine = TestTenant.fresh();
        TestTenant theirs = TestTenant.fresh();
        String id = create(theirs, "author", Changes.uniquePrompt(), "Theirs");
        ok(theirs, "author", id, "submit");
        Http.Response revise =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        "{\"content\":" + Changes.prompt("Mine") + "}",
                        mine.auth("admin"));
        assertThat(revise.status()).isEqualTo(404);
        assertThat(
                        HTTP.post(
                                        "/api/v1/changes/" + id + "/comments",
                                        Changes.comment("hello"),
                                        mine.auth("reviewer"))
                                .status())
                .isEqualTo(404);
        assertThat(act(mine, "reviewer", id, "request-changes").status()).isEqualTo(404);
        JsonObject after = Changes.get(theirs, id);
        assertThat(after.getString("state")).isEqualTo("in_review");
        assertThat(after.getInt("revision")).isEqualTo(1);
        assertThat(after.getJsonArray("comments"))
                .extracting(v -> v.asJsonObject().getString("action"))
                .containsExactly("create", "submit");
        assertThat(ChangeAuditTrailIT.events(theirs, "change", id))
                .extracting(e -> e.getString("action"))
                .containsExactly("change.create", "change.submit");
    }

    /**
     * "The runtime role gets INSERT/SELECT on the history tables (revisions, reviews, comments,
     * versions) and UPDATE only where state moves."
     */
    @Test
    void theRuntimeRoleCannotRewriteTheReviewHistory() throws Exception {
        TestTenant t = TestTenant.fresh();
        String id = create(t, "author", Changes.uniquePrompt(), "History");
        ok(t, "author", id, "submit");
        ok(t, "reviewer", id, "approve");
        for (String sql :
                new String[] {
                    "UPDATE governance_change_revisions SET content = '{}' WHERE change_id = ?::uuid",
                    "DELETE FROM governance_change_revisions WHERE change_id = ?::uuid",
                    "UPDATE governance_reviews SET decision = 'reject' WHERE change_id = ?::uuid",
                    "DELETE FROM governance_reviews WHERE change_id = ?::uuid",
                    "UPDATE governance_comments SET body = 'rewritten' WHERE change_id = ?::uuid",
                    "DELETE FROM governance_comments WHERE change_id = ?::uuid",
                    "DELETE FROM governance_changes WHERE id = ?::uuid",
                    "UPDATE prompts_versions SET version = version WHERE ?::text IS NOT NULL",
                    "DELETE FROM prompts_versions WHERE ?::text IS NOT NULL",
                }) {
            try (Connection c = Db.asApp();
                    PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, id);
                assertThatThrownBy(ps::executeUpdate)
                        .as(sql)
                        .hasMessageContaining("permission denied");
            }
        }
        JsonObject read = Changes.get(t, id);
        assertThat(read.getJsonArray("reviews")).hasSize(1);
        assertThat(read.getString("state")).isEqualTo("approved");
    }
}
