package io.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** /api/v1/policies against the running server (demo mode seeds the demo policy). */
class PolicyApiIT {
    static final Http HTTP = Http.local();
    static final String DRAFT =
            "{\"name\":\"demo\",\"policy\":{\"rules\":[{\"id\":\"no-email\",\"condition\":\"entities.email.count > 0\","
                    + "\"action\":\"deny\",\"code\":\"email_not_allowed\",\"message\":\"No e-mail addresses\"}]},"
                    + "\"request\":{\"messages\":[{\"role\":\"user\",\"content\":\"write to ann@example.com\"}]}}";

    @Test
    void listsAndReadsTheDemoPolicy() {
        TestTenant demo = TestTenant.demo();
        for (String role : new String[] {"admin", "author", "reviewer", "auditor"}) {
            Http.Response list = HTTP.get("/api/v1/policies", demo.auth(role));
            assertThat(list.status()).as(role).isEqualTo(200);
            assertThat(list.body()).contains("\"demo\"");
        }
        Http.Response one = HTTP.get("/api/v1/policies/demo", demo.auth("auditor"));
        assertThat(one.status()).isEqualTo(200);
        JsonObject p = one.json();
        assertThat(p.getString("version")).startsWith("demo@v");
        // deny credentials, redact PII, and (issue 24) flag likely injection without blocking it
        assertThat(
                        p.getJsonObject("content").getJsonArray("rules").stream()
                                .map(r -> r.asJsonObject().getString("id"))
                                .toList())
                .containsExactly("deny-credentials", "redact-pii", "flag-injection");
        assertThat(p.getJsonArray("history")).isNotEmpty();
    }

    @Test
    void withoutOrWithGarbledCredentialsIs401() {
        assertThat(HTTP.get("/api/v1/policies").status()).isEqualTo(401);
        assertThat(
                        HTTP.get("/api/v1/policies/demo", "Authorization", "Bearer not-a-token")
                                .status())
                .isEqualTo(401);
        assertThat(HTTP.post("/api/v1/policies/test", DRAFT).status()).isEqualTo(401);
        assertThat(
                        HTTP.post(
                                        "/api/v1/policies/test",
                                        DRAFT,
                                        "Authorization",
                                        "Bearer garbage.garbage.garbage")
                                .status())
                .isEqualTo(401);
    }

    @Test
    void testBenchNeedsAdminOrAuthor() {
        TestTenant demo = TestTenant.demo();
        assertThat(HTTP.post("/api/v1/policies/test", DRAFT, demo.auth("reviewer")).status())
                .isEqualTo(403);
        assertThat(HTTP.post("/api/v1/policies/test", DRAFT, demo.auth("auditor")).status())
                .isEqualTo(403);
        // two requests of recorded traffic: the draft (deny e-mail) changes what the live policy
        // (redact) did to one
        for (String text : List.of("write to ann@example.com", "hello there")) {
            Http.Response g =
                    HTTP.post(
                            "/v1/chat/completions",
                            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                    + text
                                    + "\"}]}",
                            "Authorization",
                            "Bearer " + TestTenant.DEMO_API_KEY);
            assertThat(g.status()).as(g.body()).isEqualTo(200);
        }
        String draftOverTwo =
                DRAFT.substring(0, DRAFT.length() - 1) + ",\"traffic\":{\"limit\":2}}";
        Http.Response r = HTTP.post("/api/v1/policies/test", draftOverTwo, demo.auth("author"));
        assertThat(r.status()).isEqualTo(200);
        JsonObject sample = r.json().getJsonObject("sample");
        assertThat(sample.getBoolean("changed")).isTrue();
        assertThat(sample.getJsonObject("live").getJsonArray("messages").getString(0))
                .isEqualTo("write to [EMAIL]");
        assertThat(sample.getJsonObject("draft").getString("code")).isEqualTo("email_not_allowed");
        JsonObject traffic = r.json().getJsonObject("traffic");
        assertThat(traffic.getInt("considered")).as(traffic.toString()).isEqualTo(2);
        assertThat(traffic.getInt("evaluated")).as(traffic.toString()).isEqualTo(2);
        assertThat(traffic.getInt("changed")).as(traffic.toString()).isEqualTo(1);
    }

    @Test
    void anInvalidDraftNamesTheField() {
        TestTenant demo = TestTenant.demo();
        Http.Response r =
                HTTP.post(
                        "/api/v1/policies/test",
                        "{\"policy\":{\"rules\":[{\"id\":\"x\",\"condition\":\"entites.email.count > 0\",\"action\":\"deny\"}]}}",
                        demo.auth("admin"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("content.rules[0].condition");
    }

    @Test
    void anotherTenantsPolicyIs404() {
        TestTenant other = TestTenant.fresh();
        assertThat(HTTP.get("/api/v1/policies/demo", other.auth("admin")).status()).isEqualTo(404);
        Http.Response list = HTTP.get("/api/v1/policies", other.auth("admin"));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("\"demo\"");
    }

    // ------------------------------------------------------------ evaluation bounds (issue 15,
    // item 4)

    /**
     * The reproduction of the issue: each replace doubles the string; 40 of them exhausted the
     * heap.
     */
    static final String CHAINED_REPLACE = "'a'" + ".replace('a', 'aa')".repeat(40) + ".size() > 0";

    static JsonObject policy(String condition, String onError) {
        return Json.createObjectBuilder()
                .add("onError", onError)
                .add(
                        "rules",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("id", "pad")
                                                .add("condition", condition)
                                                .add("action", "deny")
                                                .add("code", "pad_denied")
                                                .add("message", "No padding")))
                .build();
    }

    static JsonObjectBuilder sample(JsonObjectBuilder headers) {
        return Json.createObjectBuilder()
                .add(
                        "messages",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("role", "user")
                                                .add("content", "hello")))
                .add("headers", headers);
    }

    static void assertProblem(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getInt("status")).isEqualTo(status);
        assertThat(r.json().getString("code")).isEqualTo(code);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.gatehouse");
    }

    static void assertHealthy(TestTenant demo) {
        assertThat(HTTP.get("/health/live").status()).isEqualTo(200);
        Http.Response normal = HTTP.post("/api/v1/policies/test", DRAFT, demo.auth("author"));
        assertThat(normal.status()).as(normal.body()).isEqualTo(200);
        assertThat(normal.json().getJsonObject("sample").getJsonObject("draft").getString("code"))
                .isEqualTo("email_not_allowed");
    }

    @Test
    void theChainedReplaceOfTheIssueIsRefusedAtValidationAndTheServerStaysHealthy() {
        TestTenant demo = TestTenant.demo();
        for (String condition :
                new String[] {
                    CHAINED_REPLACE, "route" + ".replace('a', 'aa')".repeat(40) + " == ''"
                }) {
            String body =
                    Json.createObjectBuilder()
                            .add("name", "demo")
                            .add("policy", policy(condition, "fail_closed"))
                            .add("request", sample(Json.createObjectBuilder()))
                            .build()
                            .toString();
            Http.Response r = HTTP.post("/api/v1/policies/test", body, demo.auth("author"));
            assertProblem(r, 400, "cel_bound_exceeded");
            assertThat(r.json().getString("param")).isEqualTo("content.rules[0].condition");
            assertThat(r.json().getString("detail"))
                    .contains("replace at line 1")
                    .contains("the bound is 65536");
        }
        // The same content as a change request (the other way policy content enters) is refused
        // too,
        // when created and when revised.
        TestTenant t = TestTenant.fresh();
        String name = "bounded-" + UUID.randomUUID().toString().substring(0, 8);
        String change =
                Json.createObjectBuilder()
                        .add("kind", "policy")
                        .add("target", name)
                        .add("comment", "chained replace")
                        .add("content", policy(CHAINED_REPLACE, "fail_closed"))
                        .build()
                        .toString();
        assertProblem(
                HTTP.post("/api/v1/changes", change, t.auth("author")), 400, "cel_bound_exceeded");
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Json.createObjectBuilder()
                                .add("kind", "policy")
                                .add("target", name)
                                .add("comment", "fine")
                                .add(
                                        "content",
                                        policy("'x-gatehouse-never' in headers", "fail_closed"))
                                .build()
                                .toString(),
                        t.auth("author"));
        assertThat(created.status()).as(created.body()).isIn(200, 201);
        Http.Response revised =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + created.json().getString("id"),
                        Json.createObjectBuilder()
                                .add("comment", "now chained")
                                .add("content", policy(CHAINED_REPLACE, "fail_closed"))
                                .build()
                                .toString(),
                        t.auth("author"));
        assertProblem(revised, 400, "cel_bound_exceeded");
        assertHealthy(demo);
    }

    @Test
    void aBoundExceededAtRunTimeFailsTheDraftOnTheBenchWithAClearError() {
        TestTenant demo = TestTenant.demo();
        // Passes the static check (a header counts as 256 characters), fails on a 20,000-character
        // one.
        String condition = "headers['x-gatehouse-pad'].replace('a', 'aaaa').size() > 0";
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", "pad-" + UUID.randomUUID().toString().substring(0, 8))
                        .add("policy", policy(condition, "fail_closed"))
                        .add(
                                "request",
                                sample(
                                        Json.createObjectBuilder()
                                                .add("x-gatehouse-pad", "a".repeat(20_000))))
                        .add("traffic", Json.createObjectBuilder().add("limit", 0))
                        .build();
        Http.Response r = HTTP.post("/api/v1/policies/test", body.toString(), demo.auth("author"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject draft = r.json().getJsonObject("sample").getJsonObject("draft");
        assertThat(draft.getInt("status")).isEqualTo(500);
        assertThat(draft.getString("code")).isEqualTo("policy_evaluation_failed");
        assertThat(
                        draft.getJsonObject("decision")
                                .getJsonObject("input")
                                .getJsonArray("errors")
                                .getString(0))
                .contains("/pad: ")
                .contains("would produce 80000 characters; the bound is 65536");
        assertThat(r.json().getJsonObject("sample").getJsonObject("live").getInt("status"))
                .isEqualTo(200);
        assertHealthy(demo);
    }

    @Test
    void theTestBenchHasATimeLimit() {
        TestTenant demo = TestTenant.demo();
        StringBuilder range = new StringBuilder("[0");
        for (int i = 1; i < 200; i++) {
            range.append(',').append(i);
        }
        range.append(']');
        // Within every size bound, but 200 searches of 15,000 characters in 30,000 take minutes.
        String slow = range + ".exists(i, headers['x-a'].indexOf(headers['x-b']) == -2)";
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", "slow-" + UUID.randomUUID().toString().substring(0, 8))
                        .add("policy", policy(slow, "fail_open"))
                        .add(
                                "request",
                                sample(
                                        Json.createObjectBuilder()
                                                .add("x-a", "a".repeat(30_000))
                                                .add("x-b", "a".repeat(15_000) + "b")))
                        .build();
        long start = System.nanoTime();
        Http.Response r = HTTP.post("/api/v1/policies/test", body.toString(), demo.auth("author"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertProblem(r, 422, "policy_test_timeout");
        assertThat(r.json().getString("detail")).contains("5000 ms");
        // The default limit is 5 s; the run stops within about one search after it.
        assertThat(ms).isBetween(5_000L, 30_000L);
        assertHealthy(demo);
    }
}
