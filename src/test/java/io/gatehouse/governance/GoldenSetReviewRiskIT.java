package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The review risk of golden-set changes, from the attacker's side (issue 23). A change that weakens
 * what the set proves or watches (its drift canary's thresholds loosened or dropped, the canary run
 * less often, the minimum pass rate lowered, a case dropped, a binding moved to another target) is
 * HIGH by rule: with only the one reviewer a LOW change needs it stays in review and its publish is
 * refused, the tenant admin cannot lower HIGH below two approvals, and a change approved as LOW
 * whose base then moves is refused until rebased, after which it is HIGH. Four-eyes holds: the
 * admin who created the change, or who revised (co-authored) a revision of it, cannot approve it. A
 * LOW change (the minimum pass rate raised, the same bindings, cases and canary) still needs one
 * reviewer who authored none of it.
 */
class GoldenSetReviewRiskIT {
    static TestTenant t;

    @BeforeAll
    static void tenant() {
        t = TestTenant.fresh();
    }

    static JsonObject kase(String id) {
        return GoldenSets.modelCase(
                id, "absent-route", "Refunds? " + id, GoldenSets.contains("30 days"));
    }

    /**
     * The live set: two cases bound to a policy, a canary every 720 minutes (on a route that does
     * not exist: its runs end in error, which this test does not look at) with thresholds.
     */
    static JsonObject live() {
        return GoldenSets.withCanary(
                GoldenSets.binding(
                        "policy",
                        "risk-policy",
                        0.5,
                        Json.createArrayBuilder().add(kase("a")).add(kase("b"))),
                canary(
                        720,
                        Json.createObjectBuilder()
                                .add("minPassRate", 0.9)
                                .add("maxRefusalRate", 0.2)
                                .build()));
    }

    static JsonObjectBuilder canary(int everyMinutes, JsonObject thresholds) {
        return GoldenSets.canary(everyMinutes, "absent-route").add("thresholds", thresholds);
    }

    /** What weakens the set, each against {@link #live()}. */
    static Map<String, JsonObject> weakenings() {
        JsonObject base = live();
        Map<String, JsonObject> w = new LinkedHashMap<>();
        w.put(
                "the canary's pass-rate threshold loosened",
                GoldenSets.withCanary(
                        base,
                        canary(
                                720,
                                Json.createObjectBuilder()
                                        .add("minPassRate", 0.5)
                                        .add("maxRefusalRate", 0.2)
                                        .build())));
        w.put(
                "the canary's refusal threshold dropped",
                GoldenSets.withCanary(
                        base,
                        canary(720, Json.createObjectBuilder().add("minPassRate", 0.9).build())));
        w.put(
                "the canary run half as often",
                GoldenSets.withCanary(
                        base,
                        canary(
                                1440,
                                Json.createObjectBuilder()
                                        .add("minPassRate", 0.9)
                                        .add("maxRefusalRate", 0.2)
                                        .build())));
        w.put("the canary turned off", Json.createObjectBuilder(base).remove("canary").build());
        w.put(
                "the minimum pass rate lowered",
                Json.createObjectBuilder(base).add("minPassRate", 0.4).build());
        w.put(
                "a case dropped",
                Json.createObjectBuilder(base)
                        .add("cases", Json.createArrayBuilder().add(kase("a")))
                        .build());
        w.put(
                "a case added (easy cases dilute the pass rate)",
                Json.createObjectBuilder(base)
                        .add(
                                "cases",
                                Json.createArrayBuilder()
                                        .add(kase("a"))
                                        .add(kase("b"))
                                        .add(kase("c")))
                        .build());
        w.put(
                "rebound to another policy",
                Json.createObjectBuilder(base)
                        .add(
                                "binds",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("kind", "policy")
                                                        .add("target", "other-policy")))
                        .build());
        return w;
    }

    static String create(String role, String set, JsonObject content) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("golden_set", set, content, "golden set change"),
                        t.auth(role));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().getString("id");
    }

    /** Publishes a new set through four-eyes (a new set is HIGH: two reviewers). */
    static String newSet() {
        String set = "risk-" + UUID.randomUUID().toString().substring(0, 8);
        GoldenSets.publish(t, set, live(), "golden set change");
        assertThat(liveVersion(set)).isEqualTo(1);
        return set;
    }

    static int liveVersion(String set) {
        Http.Response r = HTTP.get("/api/v1/golden-sets/" + set, t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().getInt("version");
    }

    static void assertRefused(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.body()).contains(code).doesNotContain("Exception");
    }

    @Test
    void aChangeThatWeakensTheSetIsHighAndOneReviewerCannotPublishIt() {
        String set = newSet();
        for (Map.Entry<String, JsonObject> w : weakenings().entrySet()) {
            String id = create("author", set, w.getValue());
            JsonObject c = Changes.get(t, id);
            assertThat(c.getString("risk")).as(w.getKey()).isEqualTo("HIGH");
            assertThat(c.getInt("requiredApprovals")).as(w.getKey()).isEqualTo(2);
            assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
            // the one reviewer a LOW change needs: not enough
            assertThat(Changes.ok(t, "reviewer", id, "approve"))
                    .as(w.getKey())
                    .isEqualTo("in_review");
            assertRefused(Changes.act(t, "admin", id, "publish"), 409, "not_enough_approvals");
            // the same reviewer approving again does not count twice
            assertRefused(Changes.act(t, "reviewer", id, "approve"), 409, "already_approved");
            assertThat(liveVersion(set)).as(w.getKey()).isEqualTo(1);
            assertThat(Changes.ok(t, "author", id, "withdraw")).isEqualTo("withdrawn");
        }
    }

    @Test
    void theTenantAdminCannotMakeHighNeedOneApproval() {
        Http.Response r =
                HTTP.method(
                        "PUT",
                        "/api/v1/approval-policies",
                        "{\"kind\":\"golden_set\",\"risk\":\"HIGH\",\"requiredApprovals\":1}",
                        t.auth("admin"));
        assertRefused(r, 400, "requiredApprovals");
        Http.Response any =
                HTTP.method(
                        "PUT",
                        "/api/v1/approval-policies",
                        "{\"kind\":\"*\",\"risk\":\"HIGH\",\"requiredApprovals\":1}",
                        t.auth("admin"));
        assertRefused(any, 400, "requiredApprovals");
    }

    @Test
    void theAuthorAndACoAuthorCannotApproveAWeakeningChange() {
        String set = newSet();
        JsonObject loosened = weakenings().get("the canary's pass-rate threshold loosened");
        // the admin authors it: its own approval is refused, so one reviewer is still not enough
        String own = create("admin", set, loosened);
        assertThat(Changes.ok(t, "admin", own, "submit")).isEqualTo("in_review");
        assertRefused(Changes.act(t, "admin", own, "approve"), 403, "own_change");
        assertThat(Changes.ok(t, "reviewer", own, "approve")).isEqualTo("in_review");
        assertRefused(Changes.act(t, "admin", own, "publish"), 409, "not_enough_approvals");
        assertThat(Changes.ok(t, "admin", own, "withdraw")).isEqualTo("withdrawn");

        // the author creates it, the admin revises the draft (co-author), the author submits:
        // the admin may not approve it either
        String id = create("author", set, live());
        Http.Response revised =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        Json.createObjectBuilder()
                                .add("content", loosened)
                                .add("comment", "loosened by the admin")
                                .build()
                                .toString(),
                        t.auth("admin"));
        assertThat(revised.status()).as(revised.toString()).isEqualTo(200);
        assertThat(revised.json().getString("risk")).isEqualTo("HIGH");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        assertRefused(Changes.act(t, "admin", id, "approve"), 403, "own_change");
        assertRefused(Changes.act(t, "author", id, "approve"), 403, "");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        assertRefused(Changes.act(t, "admin", id, "publish"), 409, "not_enough_approvals");
        assertThat(liveVersion(set)).isEqualTo(1);
        // two reviewers who authored none of it: published
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        assertThat(liveVersion(set)).isEqualTo(2);
    }

    @Test
    void aLowChangeStillNeedsOneReviewerWhoAuthoredNoneOfIt() {
        String set = newSet();
        // the minimum pass rate raised, the same binds, cases and canary; the canary made stricter
        JsonObject raised =
                GoldenSets.withCanary(
                        Json.createObjectBuilder(live()).add("minPassRate", 0.75).build(),
                        canary(
                                360,
                                Json.createObjectBuilder()
                                        .add("minPassRate", 0.95)
                                        .add("maxRefusalRate", 0.1)
                                        .build()));
        String id = create("admin", set, raised);
        JsonObject c = Changes.get(t, id);
        assertThat(c.getString("risk")).isEqualTo("LOW");
        assertThat(c.getInt("requiredApprovals")).isEqualTo(1);
        assertThat(Changes.ok(t, "admin", id, "submit")).isEqualTo("in_review");
        // no approval: not published; the author's own approval: refused
        assertRefused(Changes.act(t, "admin", id, "publish"), 409, "not_enough_approvals");
        assertRefused(Changes.act(t, "admin", id, "approve"), 403, "own_change");
        assertThat(liveVersion(set)).isEqualTo(1);
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        assertThat(liveVersion(set)).isEqualTo(2);
        Http.Response live = HTTP.get("/api/v1/golden-sets/" + set, t.auth("auditor"));
        assertThat(live.json().getJsonObject("content").getJsonNumber("minPassRate").doubleValue())
                .isEqualTo(0.75);
    }

    @Test
    void aLowChangeWhoseBaseMovedIsRefusedAndHighOnceRebased() {
        String set = newSet();
        // LOW when created: 0.5 -> 0.6
        String pending =
                create(
                        "author",
                        set,
                        Json.createObjectBuilder(live()).add("minPassRate", 0.6).build());
        assertThat(Changes.get(t, pending).getString("risk")).isEqualTo("LOW");
        assertThat(Changes.ok(t, "author", pending, "submit")).isEqualTo("in_review");
        // meanwhile a stricter version goes live: 0.7
        String stricter =
                create(
                        "author",
                        set,
                        Json.createObjectBuilder(live()).add("minPassRate", 0.7).build());
        assertThat(Changes.ok(t, "author", stricter, "submit")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer", stricter, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", stricter, "publish")).isEqualTo("published");
        assertThat(liveVersion(set)).isEqualTo(2);
        // the pending change would now lower the live pass rate: approving or publishing it as
        // it was reviewed is refused
        assertRefused(Changes.act(t, "reviewer", pending, "approve"), 409, "rebase_required");
        assertRefused(Changes.act(t, "admin", pending, "publish"), 409, "");
        // rebased it is HIGH: one reviewer is not enough
        assertThat(Changes.ok(t, "author", pending, "rebase")).isEqualTo("in_review");
        JsonObject c = Changes.get(t, pending);
        assertThat(c.getString("risk")).isEqualTo("HIGH");
        assertThat(c.getInt("requiredApprovals")).isEqualTo(2);
        assertThat(Changes.ok(t, "reviewer", pending, "approve")).isEqualTo("in_review");
        assertRefused(Changes.act(t, "admin", pending, "publish"), 409, "not_enough_approvals");
        assertThat(liveVersion(set)).isEqualTo(2);
    }
}
