package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 23's "evaluation traffic counts against the budget and appears in lineage", proved with a
 * real run: a change's submit queues a run, the EvaluationRunner calls the gateway (the built-in
 * sandbox provider, priced by the catalog), and then the tenant's spent budget ({@code GET
 * /api/v1/usage}) has grown by exactly the results' {@code costMicros}, and the lineage of each
 * result's request leads to the run and to the change it tested, whose run lists every result's
 * request (change, run, results). No synthetic {@code evaluation.run.*} events.
 */
class EvaluationBudgetLineageIT {

    static long spentToday(TestTenant t) {
        Http.Response r = HTTP.get("/api/v1/usage", t.auth("admin"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json()
                .getJsonObject("budget")
                .getJsonObject("daily")
                .getJsonNumber("spentMicros")
                .longValue();
    }

    static <T> T await(String what, Supplier<T> read, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not there after a minute: " + last);
            }
            Thread.sleep(250);
            last = read.get();
        }
        return last;
    }

    @Test
    void aRealRunSpendsTheTenantsBudgetAndItsLineageLeadsFromTheChangeToTheResults()
            throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        Http.Response limits =
                HTTP.method(
                        "PUT",
                        "/api/v1/limits",
                        "{\"dailyBudgetMicros\":100000000,\"evaluationSharePercent\":50}",
                        t.auth("admin"));
        assertThat(limits.status()).as(limits.toString()).isEqualTo(200);
        String name = Changes.uniquePrompt();
        Changes.publishThroughReview(
                t, "prompt", name, EvidenceRulesIT.prompt("Refund policy for"), "live");
        // a golden set binding the prompt (HIGH: two reviewers)
        Http.Response set =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body(
                                "golden_set",
                                "gs-" + name.substring(3),
                                EvidenceRulesIT.goldenSet(name),
                                "the set"),
                        t.auth("author"));
        assertThat(set.status()).as(set.toString()).isEqualTo(201);
        String setChange = set.json().getString("id");
        assertThat(Changes.ok(t, "author", setChange, "submit")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer", setChange, "approve")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer2", setChange, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", setChange, "publish")).isEqualTo("published");
        // nothing of the tenant's runs yet: what is spent now is the live prompt's nothing
        long before = spentToday(t);

        // the submit queues the run; the runner calls the gateway for both sides of the case
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body(
                                "prompt",
                                name,
                                GoldenSets.prompt("You kindly help with", "Refund policy for"),
                                "candidate"),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        JsonObject entry =
                await(
                        "a finished run",
                        () ->
                                Changes.get(t, id).getJsonArray("evidence").stream()
                                        .map(JsonValue::asJsonObject)
                                        .filter(e -> e.getString("type", "").equals("evaluation"))
                                        .findFirst()
                                        .orElse(null),
                        e -> e != null && !e.getString("status").equals("running"));
        assertThat(entry.getString("status")).as(entry.toString()).isEqualTo("passed");
        assertThat(entry.getString("trigger")).isEqualTo("submit");
        String runId = entry.getString("runId");

        Http.Response run = HTTP.get("/api/v1/evaluations/" + runId, t.auth("reviewer"));
        assertThat(run.status()).as(run.toString()).isEqualTo(200);
        List<String> requestIds = new ArrayList<>();
        long cost = 0;
        for (JsonValue v : run.json().getJsonArray("results")) {
            JsonObject r = v.asJsonObject();
            assertThat(r.getInt("status")).as(r.toString()).isEqualTo(200);
            assertThat(r.get("requestId")).as(r.toString()).isInstanceOf(JsonString.class);
            requestIds.add(r.getString("requestId"));
            cost += r.getJsonNumber("costMicros").longValue();
        }
        // one case, the candidate and what is live
        assertThat(requestIds).hasSize(2).doesNotHaveDuplicates();
        assertThat(cost).as("the sandbox is priced by the catalog").isPositive();

        // budget: the run's calls are spent from the tenant's daily budget, to the micro
        long expected = before + cost;
        assertThat(await("the run's spend", () -> spentToday(t), s -> s >= expected))
                .isEqualTo(expected);

        // lineage: each result's request names its run and the change it tested, and that
        // change's lineage lists the run with every result's request
        for (String requestId : requestIds) {
            JsonObject l =
                    await(
                            "the lineage of " + requestId,
                            () -> {
                                Http.Response r =
                                        HTTP.get(
                                                "/api/v1/lineage/requests/" + requestId,
                                                t.auth("auditor"));
                                return r.status() == 200 ? r.json() : null;
                            },
                            j -> {
                                if (j == null
                                        || !(j.get("evaluationOf") instanceof JsonObject of)) {
                                    return false;
                                }
                                JsonObject listed = runOf(of, runId);
                                return listed != null
                                        && listed.getJsonArray("requestIds").size() == 2
                                        && listed.get("finishedAt") instanceof JsonString;
                            });
            JsonObject evaluationRun = l.getJsonObject("evaluationRun");
            assertThat(evaluationRun.getString("runId")).isEqualTo(runId);
            assertThat(evaluationRun.getString("status")).isEqualTo("passed");
            JsonObject of = l.getJsonObject("evaluationOf");
            assertThat(of.getString("changeId")).isEqualTo(id);
            JsonObject listed = runOf(of, runId);
            assertThat(listed.getJsonNumber("requests").longValue()).isEqualTo(2);
            assertThat(
                            listed.getJsonArray("requestIds").stream()
                                    .map(v -> ((JsonString) v).getString())
                                    .toList())
                    .containsExactlyInAnyOrderElementsOf(requestIds);
            assertThat(listed.getString("status")).isEqualTo("passed");
        }
        // another tenant's auditor sees none of it
        TestTenant other = TestTenant.fresh();
        assertThat(
                        HTTP.get(
                                        "/api/v1/lineage/requests/" + requestIds.get(0),
                                        other.auth("auditor"))
                                .status())
                .isEqualTo(404);
        assertThat(HTTP.get("/api/v1/evaluations/" + runId, other.auth("admin")).status())
                .isEqualTo(404);
    }

    static JsonObject runOf(JsonObject change, String runId) {
        return change.getJsonArray("evaluationRuns").stream()
                .map(JsonValue::asJsonObject)
                .filter(r -> r.getString("runId", "").equals(runId))
                .findFirst()
                .orElse(null);
    }
}
