package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/audit.md, "Lineage graph", over HTTP after real traffic: a published prompt serves a gateway
 * request under two published policies, and each lineage endpoint leads from the request to its
 * provider and model, its prompt and policy versions, the changes that made them live, and their
 * authors and approvers. Plus 401, 403 by role, and another tenant's objects (404 or nothing).
 */
class LineageApiIT {
    static final Http HTTP = Http.local();

    static TestTenant t;
    static String prompt;
    static String promptChange;
    static String policyA;
    static String policyAChange;
    static String policyB;
    static String policyBChange;
    static String requestId;
    static String authorId;
    static String reviewerId;

    @BeforeAll
    static void traffic() throws Exception {
        t = TestTenant.fresh();
        authorId = HTTP.get("/api/v1/me", t.auth("author")).json().getString("userId");
        reviewerId = HTTP.get("/api/v1/me", t.auth("reviewer")).json().getString("userId");
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        String suffix = Changes.uniquePrompt().substring(3);
        // named so that their sorted order is a, b: the request's policyVersion is "a@v1,b@v1"
        policyA = "lin-a-" + suffix;
        policyB = "lin-b-" + suffix;
        policyAChange = Changes.publishPolicy(t, policyA, Changes.noIpPolicy());
        policyBChange = Changes.publishPolicy(t, policyB, Changes.noIpPolicy());
        prompt = Changes.uniquePrompt();
        promptChange = Changes.publishPrompt(t, prompt, "Lineage");

        Http.Response r = null;
        for (int i = 0; i < 50; i++) {
            r =
                    HTTP.post(
                            "/v1/chat/completions",
                            "{\"model\":\"prompt:"
                                    + prompt
                                    + "@production\",\"prompt_variables\":{\"product\":\"Acme\"},"
                                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
                            t.keyAuth());
            if (r.status() == 200) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("x-gatehouse-prompt-version")).isEqualTo(prompt + "/v1");
        requestId = r.header("X-Request-Id");
        assertThat(requestId).isNotBlank();
    }

    @Test
    void aRequestLeadsToProviderModelPromptAndPolicyVersionsTheirChangesAuthorsAndApprovers() {
        Http.Response r = HTTP.get("/api/v1/lineage/requests/" + requestId, t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonObject l = r.json();
        assertThat(l.getString("requestId")).isEqualTo(requestId);
        assertThat(l.getJsonArray("events").getValuesAs(JsonObject.class))
                .extracting(e -> e.getString("action"))
                .contains("gateway.request");
        JsonObject served = l.getJsonArray("servedBy").getJsonObject(0);
        assertThat(served.getString("provider")).isEqualTo("sb");
        assertThat(served.getString("model")).isEqualTo("sb-chat");
        assertThat(served.getString("route")).isEqualTo("sandbox");
        assertThat(served.getInt("statusCode")).isEqualTo(200);

        List<JsonObject> prompts = l.getJsonArray("promptVersions").getValuesAs(JsonObject.class);
        assertThat(prompts).hasSize(1);
        assertThat(prompts.get(0).getString("version")).isEqualTo(prompt + "/v1");
        assertChange(prompts.get(0), promptChange);

        List<JsonObject> policies = l.getJsonArray("policyVersions").getValuesAs(JsonObject.class);
        assertThat(policies)
                .extracting(p -> p.getString("version"))
                .containsExactly(policyA + "@v1", policyB + "@v1");
        assertChange(policies.get(0), policyAChange);
        assertChange(policies.get(1), policyBChange);
    }

    /** The version's one change: its id, author, approver and its workflow events. */
    private static void assertChange(JsonObject version, String changeId) {
        List<JsonObject> changes = version.getJsonArray("changes").getValuesAs(JsonObject.class);
        assertThat(changes).as(version.toString()).hasSize(1);
        JsonObject c = changes.get(0);
        assertThat(c.getString("changeId")).isEqualTo(changeId);
        assertThat(c.getString("author")).isEqualTo(authorId);
        assertThat(c.getJsonArray("approvers").getValuesAs(jakarta.json.JsonString.class))
                .extracting(jakarta.json.JsonString::getString)
                .containsExactly(reviewerId);
        assertThat(c.getJsonArray("events").getValuesAs(JsonObject.class))
                .extracting(e -> e.getString("action"))
                .contains("change.create", "change.submit", "change.approve", "change.publish");
    }

    @Test
    void aPromptVersionLeadsToTheRequestsItServed() {
        Http.Response r =
                HTTP.get(
                        "/api/v1/lineage/prompt-versions/" + prompt + "/v1/requests",
                        t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonObject> events = r.json().getJsonArray("events").getValuesAs(JsonObject.class);
        assertThat(events).extracting(e -> e.getString("requestId")).containsExactly(requestId);
        assertThat(events.get(0).getJsonObject("usage").getString("promptVersion"))
                .isEqualTo(prompt + "/v1");
        // a version that served nothing
        Http.Response none =
                HTTP.get(
                        "/api/v1/lineage/prompt-versions/" + prompt + "/v2/requests",
                        t.auth("auditor"));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().getJsonArray("events")).isEmpty();
    }

    @Test
    void aPolicyVersionLeadsToTheRequestsServedUnderIt() {
        // the request ran under "a@v1,b@v1": each of its policy versions finds it
        for (String policy : new String[] {policyA, policyB}) {
            Http.Response r =
                    HTTP.get(
                            "/api/v1/lineage/policy-versions/" + policy + "@v1/requests",
                            t.auth("auditor"));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            List<JsonObject> events = r.json().getJsonArray("events").getValuesAs(JsonObject.class);
            assertThat(events)
                    .as(policy)
                    .extracting(e -> e.getString("requestId"))
                    .containsExactly(requestId);
            assertThat(events.get(0).getJsonObject("usage").getString("policyVersion"))
                    .isEqualTo(policyA + "@v1," + policyB + "@v1");
            assertThat(r.json().isNull("nextCursor")).isTrue();
        }
        // one element of the list, never a part of it or of the whole
        for (String version :
                new String[] {
                    policyA + "@v2",
                    policyA + "@v",
                    policyA,
                    policyA + "@v1," + policyB + "@v1",
                    "lin-a-%"
                }) {
            Http.Response none =
                    HTTP.get(
                            "/api/v1/lineage/policy-versions/"
                                    + java.net.URLEncoder.encode(
                                                    version,
                                                    java.nio.charset.StandardCharsets.UTF_8)
                                            .replace("+", "%20")
                                    + "/requests",
                            t.auth("auditor"));
            assertThat(none.status()).as(version + " " + none).isEqualTo(200);
            assertThat(none.json().getJsonArray("events")).as(version).isEmpty();
        }
        // paged like the prompt version's list
        Http.Response bad =
                HTTP.get(
                        "/api/v1/lineage/policy-versions/" + policyA + "@v1/requests?limit=0",
                        t.auth("auditor"));
        Http.Response badPrompt =
                HTTP.get(
                        "/api/v1/lineage/prompt-versions/" + prompt + "/v1/requests?limit=0",
                        t.auth("auditor"));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(badPrompt.status()).as(badPrompt.toString()).isEqualTo(400);
        assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void aReviewerLeadsToTheChangesTheyApproved() {
        Http.Response r =
                HTTP.get("/api/v1/lineage/reviewers/" + reviewerId + "/changes", t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getString("reviewer")).isEqualTo(reviewerId);
        List<JsonObject> changes = r.json().getJsonArray("changes").getValuesAs(JsonObject.class);
        // newest first
        assertThat(changes)
                .extracting(c -> c.getString("changeId"))
                .containsExactly(promptChange, policyBChange, policyAChange);
        assertThat(changes.get(0).getString("target")).isEqualTo(promptChange);
        JsonObject change = changes.get(0).getJsonObject("change");
        assertThat(change.getString("author")).isEqualTo(authorId);
        assertThat(change.getJsonArray("approvers").getString(0)).isEqualTo(reviewerId);
        // the author approved nothing
        Http.Response author =
                HTTP.get("/api/v1/lineage/reviewers/" + authorId + "/changes", t.auth("auditor"));
        assertThat(author.status()).isEqualTo(200);
        assertThat(author.json().getJsonArray("changes")).isEmpty();
    }

    @Test
    void lineageNeedsCredentialsAndTheAuditorRole() {
        for (String path : paths()) {
            assertThat(HTTP.get(path).status()).as(path).isEqualTo(401);
            assertThat(HTTP.get(path, "Authorization", "Bearer garbled.token.here").status())
                    .as(path)
                    .isEqualTo(401);
            for (String role : new String[] {"admin", "author", "reviewer"}) {
                Http.Response r = HTTP.get(path, t.auth(role));
                assertThat(r.status()).as(role + " " + path).isEqualTo(403);
            }
            assertThat(HTTP.get(path, t.keyAuth()).status()).as("API key " + path).isIn(401, 403);
        }
    }

    @Test
    void anotherTenantsAuditorFindsNothingOfIt() {
        TestTenant other = TestTenant.fresh();
        Http.Response request =
                HTTP.get("/api/v1/lineage/requests/" + requestId, other.auth("auditor"));
        assertThat(request.status()).as(request.toString()).isEqualTo(404);
        assertThat(request.header("Content-Type")).startsWith("application/problem+json");
        Http.Response served =
                HTTP.get(
                        "/api/v1/lineage/prompt-versions/" + prompt + "/v1/requests",
                        other.auth("auditor"));
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.json().getJsonArray("events")).isEmpty();
        Http.Response approved =
                HTTP.get(
                        "/api/v1/lineage/reviewers/" + reviewerId + "/changes",
                        other.auth("auditor"));
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.json().getJsonArray("changes")).isEmpty();
        // a policy version like a prompt version: another tenant's chain holds none of its requests
        Http.Response underPolicy =
                HTTP.get(
                        "/api/v1/lineage/policy-versions/" + policyA + "@v1/requests",
                        other.auth("auditor"));
        assertThat(underPolicy.status()).as(underPolicy.toString()).isEqualTo(200);
        assertThat(underPolicy.json().getJsonArray("events")).isEmpty();
        // and its own auditor sees the request
        assertThat(HTTP.get("/api/v1/lineage/requests/" + requestId, t.auth("auditor")).status())
                .isEqualTo(200);
    }

    private static List<String> paths() {
        return List.of(
                "/api/v1/lineage/requests/" + requestId,
                "/api/v1/lineage/prompt-versions/" + prompt + "/v1/requests",
                "/api/v1/lineage/policy-versions/" + policyA + "@v1/requests",
                "/api/v1/lineage/reviewers/" + reviewerId + "/changes");
    }
}
