package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static io.gatehouse.testing.Changes.act;
import static io.gatehouse.testing.Changes.create;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The change page's comment thread (issue 21): a comment may answer another comment of the same
 * change, and a break-glass rollback names who authored the content it re-applied (the console
 * explains with it why they may not give the review after the fact).
 */
class ChangeCommentRepliesIT {
    static TestTenant demo;
    static TestTenant other;

    @BeforeAll
    static void tenants() {
        demo = TestTenant.demo();
        other = TestTenant.fresh();
    }

    private static String body(String comment, String parentId) {
        var b = Json.createObjectBuilder().add("comment", comment);
        if (parentId != null) {
            b.add("parentId", parentId);
        }
        return b.build().toString();
    }

    private static Http.Response comment(TestTenant t, String role, String id, String body) {
        return HTTP.post("/api/v1/changes/" + id + "/comments", body, t.auth(role));
    }

    private static JsonObject last(JsonObject change) {
        List<JsonValue> all = change.getJsonArray("comments");
        return all.get(all.size() - 1).asJsonObject();
    }

    @Test
    void aReplyNamesTheCommentItAnswersAndTheThreadListsBoth() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Threaded");
        JsonObject created = Changes.get(demo, id);
        // the creation's comment has an id of its own and answers nothing
        JsonObject first = created.getJsonArray("comments").getJsonObject(0);
        assertThat(first.getString("id")).isNotBlank();
        assertThat(first.get("parentId")).isEqualTo(JsonValue.NULL);

        Http.Response question = comment(demo, "reviewer", id, body("Why the new wording?", null));
        assertThat(question.status()).as(question.toString()).isEqualTo(200);
        JsonObject asked = last(question.json());
        assertThat(asked.getString("body")).isEqualTo("Why the new wording?");
        assertThat(asked.get("parentId")).isEqualTo(JsonValue.NULL);

        Http.Response answer =
                comment(demo, "author", id, body("Support asked for it.", asked.getString("id")));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonObject reply = last(answer.json());
        assertThat(reply.getString("parentId")).isEqualTo(asked.getString("id"));
        assertThat(reply.getJsonObject("author").getString("name")).isEqualTo("alice");
        assertThat(reply.getString("action")).isEqualTo("comment");

        // a reply to a reply, by an admin; and a single read lists the whole thread
        Http.Response again =
                comment(demo, "admin", id, body("Fine by me.", reply.getString("id")));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        List<JsonValue> thread = Changes.get(demo, id).getJsonArray("comments");
        assertThat(thread)
                .extracting(
                        v ->
                                v.asJsonObject().getString("body")
                                        + " <- "
                                        + (v.asJsonObject().isNull("parentId")
                                                ? "-"
                                                : v.asJsonObject().getString("parentId")))
                .containsExactly(
                        first.getString("body") + " <- -",
                        "Why the new wording? <- -",
                        "Support asked for it. <- " + asked.getString("id"),
                        "Fine by me. <- " + reply.getString("id"));
    }

    @Test
    void aReplyNeedsCredentialsAndACommentingRole() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Secured thread");
        String parent =
                Changes.get(demo, id).getJsonArray("comments").getJsonObject(0).getString("id");
        String reply = body("A reply", parent);
        assertThat(HTTP.post("/api/v1/changes/" + id + "/comments", reply).status()).isEqualTo(401);
        Http.Response auditor = comment(demo, "auditor", id, reply);
        assertThat(auditor.status()).as(auditor.toString()).isEqualTo(403);
        assertThat(Changes.get(demo, id).getJsonArray("comments")).hasSize(1);
    }

    @Test
    void anotherTenantsChangeIsNotFoundEvenWithItsCommentsId() {
        String theirs = create(other, "author", Changes.uniquePrompt(), "Theirs");
        String theirComment =
                Changes.get(other, theirs)
                        .getJsonArray("comments")
                        .getJsonObject(0)
                        .getString("id");
        Http.Response r = comment(demo, "reviewer", theirs, body("Peeking", theirComment));
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        // and a reply on our own change to their comment is no reply at all
        String ours = create(demo, "author", Changes.uniquePrompt(), "Ours");
        Http.Response cross = comment(demo, "reviewer", ours, body("Cross", theirComment));
        assertThat(cross.status()).as(cross.toString()).isEqualTo(400);
        assertThat(Changes.get(other, theirs).getJsonArray("comments")).hasSize(1);
    }

    @Test
    void aBadParentIs400NamingParentId() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Bad parents");
        String elsewhere = create(demo, "author", Changes.uniquePrompt(), "Elsewhere");
        String otherChangesComment =
                Changes.get(demo, elsewhere)
                        .getJsonArray("comments")
                        .getJsonObject(0)
                        .getString("id");
        for (String bad :
                List.of(
                        body("x", "not-a-uuid"),
                        body("x", UUID.randomUUID().toString()),
                        body("x", otherChangesComment),
                        "{\"comment\":\"x\",\"parentId\":42}")) {
            Http.Response r = comment(demo, "reviewer", id, bad);
            assertThat(r.status()).as(bad + " -> " + r).isEqualTo(400);
            assertThat(r.header("Content-Type")).contains("application/problem+json");
            assertThat(r.body()).contains("parentId");
        }
        Http.Response empty = comment(demo, "reviewer", id, "{\"parentId\":null}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(Changes.get(demo, id).getJsonArray("comments")).hasSize(1);
    }

    @Test
    void aReplyMayAnswerTheCommentsGivenWithWorkflowActions() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Answered actions");
        Changes.ok(demo, "author", id, "submit");
        Changes.ok(demo, "reviewer", id, "approve");
        List<JsonValue> comments = Changes.get(demo, id).getJsonArray("comments");
        JsonObject created = comments.get(0).asJsonObject();
        JsonObject approved = comments.get(comments.size() - 1).asJsonObject();
        assertThat(created.getString("action")).isEqualTo("create");
        assertThat(approved.getString("action")).isEqualTo("approve");
        for (JsonObject answered : List.of(created, approved)) {
            Http.Response r = comment(demo, "author", id, body("Thanks", answered.getString("id")));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(last(r.json()).getString("parentId")).isEqualTo(answered.getString("id"));
        }
    }

    @Test
    void theCommentEventNamesTheCommentAndTheOneItAnswersUnderNamespacedKeys() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Audited thread");
        JsonObject asked = last(comment(demo, "reviewer", id, body("A question", null)).json());
        JsonObject answered =
                last(comment(demo, "author", id, body("An answer", asked.getString("id"))).json());
        List<JsonObject> events =
                ChangeAuditTrailIT.events(demo, "change", id).stream()
                        .filter(e -> e.getString("action").equals("change.comment"))
                        .toList();
        assertThat(events).hasSize(2);
        JsonObject question = events.get(0).getJsonObject("details");
        assertThat(question.getString("comment.id")).isEqualTo(asked.getString("id"));
        assertThat(question.containsKey("comment.parent_id")).isFalse();
        JsonObject answer = events.get(1).getJsonObject("details");
        assertThat(answer.getString("comment.id")).isEqualTo(answered.getString("id"));
        assertThat(answer.getString("comment.parent_id")).isEqualTo(asked.getString("id"));
        assertThat(answer.getString("comment")).isEqualTo("An answer");
        for (JsonObject d : List.of(question, answer)) {
            assertThat(d.keySet()).doesNotContain("commentId", "parentId");
        }
    }

    @Test
    void aReplyIsAtMostEightLevelsDeep() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Deep thread");
        String parent =
                Changes.get(demo, id).getJsonArray("comments").getJsonObject(0).getString("id");
        for (int level = 1; level <= 8; level++) {
            Http.Response r = comment(demo, "reviewer", id, body("Level " + level, parent));
            assertThat(r.status()).as("level " + level + ": " + r).isEqualTo(200);
            parent = last(r.json()).getString("id");
        }
        Http.Response tooDeep = comment(demo, "reviewer", id, body("Level 9", parent));
        assertThat(tooDeep.status()).as(tooDeep.toString()).isEqualTo(400);
        assertThat(tooDeep.header("Content-Type")).contains("application/problem+json");
        assertThat(tooDeep.json().getString("code")).isEqualTo("reply_too_deep");
        assertThat(tooDeep.json().getString("param")).isEqualTo("parentId");
        assertThat(Changes.get(demo, id).getJsonArray("comments")).hasSize(9);
    }

    @Test
    void aChangeHoldsAtMostAThousandComments() {
        String id = create(demo, "author", Changes.uniquePrompt(), "Busy thread");
        // the creation's comment is the first of the thousand
        for (int i = 2; i <= 1000; i++) {
            Http.Response r = comment(demo, "reviewer", id, body("Comment " + i, null));
            assertThat(r.status()).as("comment " + i + ": " + r).isEqualTo(200);
        }
        Http.Response full = comment(demo, "reviewer", id, body("One too many", null));
        assertThat(full.status()).as(full.toString()).isEqualTo(409);
        assertThat(full.header("Content-Type")).contains("application/problem+json");
        assertThat(full.json().getString("code")).isEqualTo("too_many_comments");
        assertThat(Changes.get(demo, id).getJsonArray("comments")).hasSize(1000);
    }

    @Test
    void aRollbackNamesWhoAuthoredTheContentItReapplied() {
        TestTenant t = TestTenant.fresh();
        String name = Changes.uniquePrompt();
        String v1 = Changes.publishPrompt(t, name, "First");
        Changes.publishPrompt(t, name, "Second");
        Http.Response rb = act(t, "admin", v1, "rollback");
        assertThat(rb.status()).as(rb.toString()).isEqualTo(201);
        JsonObject rollback = Changes.get(t, rb.json().getString("id"));
        assertThat(rollback.getJsonArray("rollbackOfAuthors"))
                .extracting(v -> v.asJsonObject().getString("name"))
                .containsExactly(t.username("author"));
        assertThat(rollback.getJsonArray("authors"))
                .extracting(v -> v.asJsonObject().getString("name"))
                .containsExactly(t.username("admin"));
        // an ordinary change has no such list
        assertThat(Changes.get(t, v1).containsKey("rollbackOfAuthors")).isFalse();
    }
}
