package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static io.gatehouse.testing.Changes.act;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/governance.md: "Every transition is an audit event ... with kind, target, from/to state,
 * revision and risk". Every workflow action is driven over HTTP and its event read back through the
 * auditor's API (not the table): action, actor, target, change id, states, revision, risk, and the
 * request id of the very HTTP call that made the transition.
 */
class ChangeAuditTrailIT {

    /** One expected event: who did what, from which state to which, at which revision. */
    record Step(
            String action, String actor, String from, String to, int revision, String requestId) {}

    @Test
    void everyTransitionOfEveryChangeIsAnAuditEventOfItsActorAndRequest() {
        TestTenant t = TestTenant.fresh();
        String author = userId(t, "author");
        String reviewer = userId(t, "reviewer");
        String reviewer2 = userId(t, "reviewer2");
        String admin = userId(t, "admin");
        String name = Changes.uniquePrompt();

        // A: create, revise, submit, request changes, revise, submit, comment, approve, publish
        Http.Response r = created(t, name, "A one");
        String a = r.json().getString("id");
        List<Step> aSteps = new ArrayList<>();
        aSteps.add(new Step("change.create", author, null, "draft", 1, rid(r)));
        r = revise(t, a, "A two");
        aSteps.add(new Step("change.revise", author, "draft", "draft", 2, rid(r)));
        r = step(t, "author", a, "submit");
        aSteps.add(new Step("change.submit", author, "draft", "in_review", 2, rid(r)));
        r = step(t, "reviewer", a, "request-changes");
        aSteps.add(
                new Step(
                        "change.request_changes",
                        reviewer,
                        "in_review",
                        "changes_requested",
                        2,
                        rid(r)));
        r = revise(t, a, "A three");
        aSteps.add(new Step("change.revise", author, "changes_requested", "draft", 3, rid(r)));
        r = step(t, "author", a, "submit");
        aSteps.add(new Step("change.submit", author, "draft", "in_review", 3, rid(r)));
        r =
                HTTP.post(
                        "/api/v1/changes/" + a + "/comments",
                        Changes.comment("Looks right"),
                        t.auth("reviewer2"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        aSteps.add(new Step("change.comment", reviewer2, null, null, 3, rid(r)));
        r = step(t, "reviewer", a, "approve");
        aSteps.add(new Step("change.approve", reviewer, "in_review", "approved", 3, rid(r)));
        r = step(t, "admin", a, "publish");
        aSteps.add(new Step("change.publish", admin, "approved", "published", 3, rid(r)));

        // B: rejected; C: withdrawn
        r = created(t, name, "B");
        String b = r.json().getString("id");
        List<Step> bSteps = new ArrayList<>();
        bSteps.add(new Step("change.create", author, null, "draft", 1, rid(r)));
        r = step(t, "author", b, "submit");
        bSteps.add(new Step("change.submit", author, "draft", "in_review", 1, rid(r)));
        r = step(t, "reviewer2", b, "reject");
        bSteps.add(new Step("change.reject", reviewer2, "in_review", "rejected", 1, rid(r)));

        r = created(t, name, "C");
        String c = r.json().getString("id");
        List<Step> cSteps = new ArrayList<>();
        cSteps.add(new Step("change.create", author, null, "draft", 1, rid(r)));
        r = step(t, "author", c, "withdraw");
        cSteps.add(new Step("change.withdraw", author, "draft", "withdrawn", 1, rid(r)));

        // D is based on A's version; E goes live first (superseding A), so D is rebased.
        r = created(t, name, "D");
        String d = r.json().getString("id");
        List<Step> dSteps = new ArrayList<>();
        dSteps.add(new Step("change.create", author, null, "draft", 1, rid(r)));
        r = created(t, name, "E");
        String e = r.json().getString("id");
        List<Step> eSteps = new ArrayList<>();
        eSteps.add(new Step("change.create", author, null, "draft", 1, rid(r)));
        r = step(t, "author", e, "submit");
        eSteps.add(new Step("change.submit", author, "draft", "in_review", 1, rid(r)));
        r = step(t, "reviewer", e, "approve");
        eSteps.add(new Step("change.approve", reviewer, "in_review", "approved", 1, rid(r)));
        r = step(t, "admin", e, "publish");
        eSteps.add(new Step("change.publish", admin, "approved", "published", 1, rid(r)));
        aSteps.add(new Step("change.supersede", admin, "published", "superseded", 3, rid(r)));
        r = step(t, "author", d, "rebase");
        dSteps.add(new Step("change.rebase", author, "draft", "draft", 2, rid(r)));

        // Break-glass rollback to A: a new change R, E superseded; then the review after the fact.
        r = act(t, "admin", a, "rollback");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String rb = r.json().getString("id");
        List<Step> rSteps = new ArrayList<>();
        rSteps.add(new Step("change.rollback", admin, null, "published", 1, rid(r)));
        eSteps.add(new Step("change.supersede", admin, "published", "superseded", 1, rid(r)));
        r = step(t, "reviewer2", rb, "approve");
        rSteps.add(
                new Step("change.post_hoc_review", reviewer2, "published", "published", 1, rid(r)));

        assertTrail(t, a, name, aSteps);
        assertTrail(t, b, name, bSteps);
        assertTrail(t, c, name, cSteps);
        assertTrail(t, d, name, dSteps);
        assertTrail(t, e, name, eSteps);
        assertTrail(t, rb, name, rSteps);

        // What each event says beyond the common fields.
        JsonObject publish = event(t, a, "change.publish");
        assertThat(publish.getString("version")).isEqualTo("1");
        assertThat(publish.getString("promptVersion")).isEqualTo(name + "/v1");
        assertThat(event(t, a, "change.approve").getInt("approvals")).isEqualTo(1);
        assertThat(event(t, a, "change.supersede").getString("supersededBy")).isEqualTo(e);
        assertThat(event(t, e, "change.supersede").getString("supersededBy")).isEqualTo(rb);
        JsonObject rollback = event(t, rb, "change.rollback");
        assertThat(rollback.getBoolean("breakGlass")).isTrue();
        assertThat(rollback.getString("rollbackOf")).isEqualTo(a);
        assertThat(rollback.getString("promptVersion")).isEqualTo(name + "/v1");
        assertThat(event(t, a, "change.comment").getString("comment")).isEqualTo("Looks right");

        // The kind's own events: prompt.publish twice and prompt.rollback, each naming its change
        // (a rollback names the change whose content it re-applied).
        List<JsonObject> prompt = events(t, "prompt", name);
        assertThat(prompt)
                .extracting(
                        x ->
                                x.getString("action")
                                        + " "
                                        + x.getJsonObject("details").getString("changeId"))
                .containsExactly(
                        "prompt.publish " + a, "prompt.publish " + e, "prompt.rollback " + a);
        assertThat(prompt).extracting(x -> x.getString("actor")).containsOnly(admin);

        // Another tenant's auditor finds none of it.
        TestTenant other = TestTenant.fresh();
        Http.Response theirs =
                HTTP.get(
                        "/api/v1/audit/events?targetType=change&target=" + a,
                        other.auth("auditor"));
        assertThat(theirs.status()).isEqualTo(200);
        assertThat(theirs.json().getJsonArray("events")).isEmpty();
    }

    private static void assertTrail(TestTenant t, String id, String name, List<Step> expected) {
        List<JsonObject> events = events(t, "change", id);
        assertThat(events)
                .as("events of change " + id)
                .extracting(x -> x.getString("action"))
                .containsExactlyElementsOf(expected.stream().map(Step::action).toList());
        for (int i = 0; i < expected.size(); i++) {
            Step s = expected.get(i);
            JsonObject ev = events.get(i);
            JsonObject d = ev.getJsonObject("details");
            String what = s.action() + " of " + id;
            assertThat(ev.getString("actorKind")).as(what).isEqualTo("user");
            assertThat(ev.getString("actor")).as(what).isEqualTo(s.actor());
            assertThat(ev.getString("targetType")).as(what).isEqualTo("change");
            assertThat(ev.getString("targetId")).as(what).isEqualTo(id);
            assertThat(ev.getString("outcome")).as(what).isEqualTo("success");
            assertThat(ev.getString("requestId")).as(what).isEqualTo(s.requestId());
            assertThat(d.getString("changeId")).as(what).isEqualTo(id);
            assertThat(d.getString("kind")).as(what).isEqualTo("prompt");
            assertThat(d.getString("target")).as(what).isEqualTo(name);
            assertThat(d.getInt("revision")).as(what).isEqualTo(s.revision());
            if (s.action().equals("change.comment")) {
                assertThat(d.getString("state")).as(what).isEqualTo("in_review");
                continue;
            }
            assertThat(d.get("from"))
                    .as(what + " from")
                    .isEqualTo(s.from() == null ? JsonValue.NULL : jsonString(s.from()));
            assertThat(d.getString("to")).as(what + " to").isEqualTo(s.to());
            assertThat(d.getString("risk")).as(what).isEqualTo("LOW");
            // never the change's content
            assertThat(d.toString()).as(what).doesNotContain("{{product}}");
        }
    }

    /** The details of the one event of {@code action} on change {@code id}. */
    private static JsonObject event(TestTenant t, String id, String action) {
        List<JsonObject> matching =
                events(t, "change", id).stream()
                        .filter(x -> x.getString("action").equals(action))
                        .toList();
        assertThat(matching).as(action + " of " + id).hasSize(1);
        return matching.get(0).getJsonObject("details");
    }

    /** The tenant's events on a target, through the auditor's search API, oldest first. */
    static List<JsonObject> events(TestTenant t, String targetType, String target) {
        Http.Response r =
                HTTP.get(
                        "/api/v1/audit/events?limit=500&targetType="
                                + targetType
                                + "&target="
                                + target,
                        t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonObject> out =
                new ArrayList<>(r.json().getJsonArray("events").getValuesAs(JsonObject.class));
        Collections.reverse(out); // the API answers newest first
        return out;
    }

    static String userId(TestTenant t, String role) {
        return HTTP.get("/api/v1/me", t.auth(role)).json().getString("userId");
    }

    private static Http.Response created(TestTenant t, String name, String text) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", name, Changes.prompt(text), "new"),
                        t.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r;
    }

    private static Http.Response revise(TestTenant t, String id, String text) {
        Http.Response r =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        "{\"content\":" + Changes.prompt(text) + "}",
                        t.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    private static Http.Response step(TestTenant t, String role, String id, String action) {
        Http.Response r = act(t, role, id, action);
        assertThat(r.status()).as(action + ": " + r).isEqualTo(200);
        return r;
    }

    private static String rid(Http.Response r) {
        String id = r.header("X-Request-Id");
        assertThat(id).as("X-Request-Id of " + r).isNotBlank();
        return id;
    }

    private static JsonValue jsonString(String s) {
        return jakarta.json.Json.createValue(s);
    }
}
