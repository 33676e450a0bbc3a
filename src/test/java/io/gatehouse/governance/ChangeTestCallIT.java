package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test call through a draft (issue 21): {@code POST /api/v1/changes/{id}/test-call} runs one
 * call through the real gateway path with a prompt or policy draft applied to that call only,
 * audited (its gateway.request event names the change, lineage shows it) and counted in the
 * tenant's usage, while live traffic at the same time still meets what is live.
 */
class ChangeTestCallIT {
    static TestTenant t;
    static TestTenant other;

    @BeforeAll
    static void tenants() throws Exception {
        // a fresh tenant with the built-in sandbox (it quotes the last user message as the stages
        // left it) and no policies of its own: what a draft changes is all that changes
        t = sandboxTenant();
        // a caching route: a test call must neither read nor write its answer cache
        CatalogFixture.route(t.id(), "cached", "chat", "priority", 300, "sb/sb-chat");
        other = TestTenant.fresh();
    }

    /**
     * A fresh tenant whose route {@code sandbox} goes to the built-in sandbox provider {@code sb}.
     */
    static TestTenant sandboxTenant() throws Exception {
        TestTenant tenant = TestTenant.fresh();
        CatalogFixture.provider(tenant.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(tenant.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        return tenant;
    }

    /** A prompt whose user message is {@code text} followed by {{product}}. */
    static JsonObject prompt(String text) {
        return Json.createObjectBuilder(Changes.prompt("You help."))
                .add(
                        "messages",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("role", "system")
                                                .add("content", "You help with {{product}}."))
                                .add(
                                        Json.createObjectBuilder()
                                                .add("role", "user")
                                                .add("content", text + " {{product}}")))
                .build();
    }

    static String draft(TestTenant tenant, String kind, String target, JsonObject content) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body(kind, target, content, "draft"),
                        tenant.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().getString("id");
    }

    /** A draft of the no-IP policy under a new name starting {@code prefix}; its id. */
    static String noIpDraft(TestTenant tenant, String prefix) {
        return draft(
                tenant,
                "policy",
                prefix + Changes.uniquePrompt().substring(3),
                Changes.noIpPolicy());
    }

    /** A draft of a new chat route (to the sandbox) named {@code prefix} and more; its id. */
    static String routeDraft(String prefix) {
        return draft(
                t,
                "route",
                prefix + Changes.uniquePrompt().substring(3),
                Json.createObjectBuilder()
                        .add("operation", "chat")
                        .add("strategy", "priority")
                        .add(
                                "targets",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("provider", "sb")
                                                        .add("model", "sb-chat")))
                        .build());
    }

    static Http.Response testCall(TestTenant tenant, String role, String id, String body) {
        return HTTP.post("/api/v1/changes/" + id + "/test-call", body, tenant.auth(role));
    }

    static final String SYSTEM_ONLY =
            "{\"variables\":{\"product\":\"Acme\"},"
                    + "\"messages\":[{\"role\":\"system\",\"content\":\"Answer briefly.\"}]}";

    static Http.Response live(String model, String userText) {
        String body =
                Json.createObjectBuilder()
                        .add("model", model)
                        .add("prompt_variables", Json.createObjectBuilder().add("product", "Acme"))
                        .add(
                                "messages",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add(
                                                                "role",
                                                                userText == null
                                                                        ? "system"
                                                                        : "user")
                                                        .add(
                                                                "content",
                                                                userText == null
                                                                        ? "Answer briefly."
                                                                        : userText)))
                        .build()
                        .toString();
        return HTTP.post("/v1/chat/completions", body, t.keyAuth());
    }

    static String answerText(Http.Response r) {
        return r.json()
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content");
    }

    static JsonObject gatewayEvent(JsonObject lineage) {
        return lineage.getJsonArray("events").stream()
                .map(v -> v.asJsonObject())
                .filter(e -> e.getString("action").equals("gateway.request"))
                .findFirst()
                .orElseThrow();
    }

    static long usedTokens() {
        JsonObject totals =
                HTTP.get("/api/v1/usage", t.auth("admin")).json().getJsonObject("totals");
        return totals.getJsonNumber("inputTokens").longValue()
                + totals.getJsonNumber("outputTokens").longValue();
    }

    static long cacheHits() {
        return HTTP.get("/api/v1/usage", t.auth("admin"))
                .json()
                .getJsonObject("totals")
                .getJsonNumber("cacheHits")
                .longValue();
    }

    @Test
    void aPersonHasASmallTestCallBucketOfTheirOwn() {
        // reviewer2 makes no other test call in this class: their bucket is theirs (10 a minute)
        String id = draft(t, "prompt", Changes.uniquePrompt(), prompt("Limited"));
        Http.Response limited = null;
        int answered = 0;
        // at most two minutes' worth (the window may turn while we call)
        for (int i = 0; i < 21 && limited == null; i++) {
            Http.Response r = testCall(t, "reviewer2", id, SYSTEM_ONLY);
            if (r.status() == 429) {
                limited = r;
            } else {
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                answered++;
            }
        }
        assertThat(limited).as("a 429 after at most 20 calls").isNotNull();
        assertThat(answered).isBetween(1, 20);
        assertThat(limited.body()).contains("rate_limit_exceeded").contains("10 test calls");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        // another person of the tenant is not held back by it
        Http.Response author = testCall(t, "author", id, SYSTEM_ONLY);
        assertThat(author.status()).as(author.toString()).isEqualTo(200);
    }

    /**
     * A tenant's admins set their people's test-call rate and can turn test calls off (PUT
     * /api/v1/limits: 200, 400 naming the field, 401, 403): off, a test call answers 403 {@code
     * test_calls_disabled} problem JSON; the switch and the rate are the tenant's own.
     */
    @Test
    void aTenantSetsItsPeoplesTestCallRateAndCanTurnTestCallsOff() throws Exception {
        TestTenant own = sandboxTenant();
        Http.Response initial = HTTP.get("/api/v1/limits", own.auth("admin"));
        assertThat(initial.status()).as(initial.toString()).isEqualTo(200);
        assertThat(initial.json().getBoolean("testCallsEnabled")).isTrue();
        // null (the platform default) is left out of the answer
        assertThat(initial.json().get("testCallsPerPersonPerMinute"))
                .isIn(null, jakarta.json.JsonValue.NULL);
        assertThat(HTTP.method("PUT", "/api/v1/limits", "{\"testCallsEnabled\":false}").status())
                .isEqualTo(401);
        assertThat(
                        HTTP.method(
                                        "PUT",
                                        "/api/v1/limits",
                                        "{\"testCallsEnabled\":false}",
                                        own.auth("author"))
                                .status())
                .isEqualTo(403);
        Http.Response bad =
                HTTP.method(
                        "PUT",
                        "/api/v1/limits",
                        "{\"testCallsPerPersonPerMinute\":0}",
                        own.auth("admin"));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.json().getString("param")).isEqualTo("testCallsPerPersonPerMinute");

        Http.Response two =
                HTTP.method(
                        "PUT",
                        "/api/v1/limits",
                        "{\"testCallsPerPersonPerMinute\":2}",
                        own.auth("admin"));
        assertThat(two.status()).as(two.toString()).isEqualTo(200);
        assertThat(two.json().getInt("testCallsPerPersonPerMinute")).isEqualTo(2);
        assertThat(two.json().getBoolean("testCallsEnabled")).isTrue();
        String id = draft(own, "prompt", Changes.uniquePrompt(), prompt("Own rate"));
        Http.Response limited = null;
        for (int i = 0; i < 5 && limited == null; i++) { // at most two minutes' worth
            Http.Response r = testCall(own, "author", id, SYSTEM_ONLY);
            if (r.status() == 429) {
                limited = r;
            } else {
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
            }
        }
        assertThat(limited).as("a 429 after at most 4 calls").isNotNull();
        assertThat(limited.body()).contains("rate_limit_exceeded").contains("2 test calls");

        Http.Response off =
                HTTP.method(
                        "PUT", "/api/v1/limits", "{\"testCallsEnabled\":false}", own.auth("admin"));
        assertThat(off.status()).as(off.toString()).isEqualTo(200);
        assertThat(off.json().getBoolean("testCallsEnabled")).isFalse();
        Http.Response refused = testCall(own, "reviewer", id, SYSTEM_ONLY);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().getString("code")).isEqualTo("test_calls_disabled");
        // a PUT without the switch (an older client setting a budget) leaves it off
        Http.Response budget =
                HTTP.method(
                        "PUT",
                        "/api/v1/limits",
                        "{\"testCallsPerPersonPerMinute\":2}",
                        own.auth("admin"));
        assertThat(budget.json().getBoolean("testCallsEnabled")).isFalse();
        // another tenant's people are not affected
        Http.Response elsewhere =
                testCall(
                        t,
                        "reviewer",
                        draft(t, "prompt", Changes.uniquePrompt(), prompt("Elsewhere")),
                        SYSTEM_ONLY);
        assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(200);
        // back on: the tenant's people test again
        assertThat(
                        HTTP.method(
                                        "PUT",
                                        "/api/v1/limits",
                                        "{\"testCallsEnabled\":true}",
                                        own.auth("admin"))
                                .json()
                                .getBoolean("testCallsEnabled"))
                .isTrue();
        assertThat(testCall(own, "reviewer", id, SYSTEM_ONLY).status()).isEqualTo(200);
    }

    @Test
    void aSpentBudgetRefusesTheTestCallAndTheRefusalIsRecorded() throws Exception {
        TestTenant poor = sandboxTenant();
        Http.Response put =
                HTTP.method(
                        "PUT", "/api/v1/limits", "{\"dailyBudgetMicros\":0}", poor.auth("admin"));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        String id = noIpDraft(poor, "tc-budget-");
        Http.Response r =
                testCall(
                        poor,
                        "author",
                        id,
                        "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getInt("status")).isEqualTo(429);
        assertThat(r.json().getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        // refused at admission, the event still names the change and the revision
        JsonObject l =
                HTTP.get(
                                "/api/v1/lineage/requests/" + r.json().getString("requestId"),
                                poor.auth("auditor"))
                        .json();
        JsonObject event = gatewayEvent(l);
        assertThat(event.getJsonObject("details").getString("testCallOf")).isEqualTo(id);
        assertThat(event.getJsonObject("details").getInt("testCallRevision")).isEqualTo(1);
    }

    @Test
    void aTestCallNeitherReadsNorWritesTheAnswerCache() throws Exception {
        // a policy draft that lets this body through unchanged: the upstream body, and so the
        // cache key, is the same as live's
        String id = noIpDraft(t, "tc-cache-");
        String text = "cache " + Changes.uniquePrompt();
        String body =
                "{\"model\":\"cached\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + text
                        + "\"}]}";
        // live sends the very bytes the test call sends upstream (PersonCalls adds stream:false)
        String liveBody =
                "{\"model\":\"cached\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + text
                        + "\"}],\"stream\":false}";
        // write: the test call's answer is not stored, so live's first call is no hit
        long hits = cacheHits();
        Http.Response first = testCall(t, "author", id, body);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().getInt("status")).isEqualTo(200);
        Http.Response live1 = HTTP.post("/v1/chat/completions", liveBody, t.keyAuth());
        assertThat(live1.status()).as(live1.toString()).isEqualTo(200);
        assertThat(live1.header("x-gatehouse-cache")).as("the test call wrote no answer").isNull();
        // live stores it: its second call is a hit
        assertThat(
                        HTTP.post("/v1/chat/completions", liveBody, t.keyAuth())
                                .header("x-gatehouse-cache"))
                .isEqualTo("hit");
        assertThat(cacheHits() - hits).isEqualTo(1);
        // read: a test call with the same body is not answered from live's cache
        Http.Response second = testCall(t, "author", id, body);
        assertThat(second.json().getInt("status")).as(second.toString()).isEqualTo(200);
        assertThat(cacheHits() - hits).as("the test call went upstream").isEqualTo(1);
    }

    /**
     * A cached answer from a provider a policy forbids is never served (ChatOperation.cached asks
     * providerAllowed): live traffic caches provider sb's answer; a policy draft forbidding sb has
     * its test call answered by sb2, never with sb's cached answer; once that policy is published,
     * live traffic with the very same body is not served sb's cached answer either.
     */
    @Test
    void aCachedAnswerFromAProviderThePolicyForbidsIsNeverServed() throws Exception {
        TestTenant r = TestTenant.fresh();
        CatalogFixture.provider(r.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.provider(r.id(), "sb2", "sandbox", null, "{}", "sb2-chat", "chat");
        CatalogFixture.route(
                r.id(), "cached", "chat", "priority", 300, "sb/sb-chat", "sb2/sb2-chat");
        String text = "forbidden " + Changes.uniquePrompt();
        String body =
                "{\"model\":\"cached\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + text
                        + "\"}]}";
        String liveBody = body.substring(0, body.length() - 1) + ",\"stream\":false}";
        Http.Response stored = HTTP.post("/v1/chat/completions", liveBody, r.keyAuth());
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        assertThat(stored.header("x-gatehouse-provider")).isEqualTo("sb");
        Http.Response hit = HTTP.post("/v1/chat/completions", liveBody, r.keyAuth());
        assertThat(hit.header("x-gatehouse-cache")).isEqualTo("hit");
        assertThat(hit.header("x-gatehouse-provider")).isEqualTo("sb");

        JsonObject forbidSb =
                Json.createObjectBuilder()
                        .add(
                                "rules",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "not-sb")
                                                        .add("action", "restrict_providers")
                                                        .add("providers", "provider.name != 'sb'")))
                        .build();
        String name = "tc-forbid-" + Changes.uniquePrompt().substring(3);
        String id = draft(r, "policy", name, forbidSb);
        Http.Response tc = testCall(r, "author", id, body);
        assertThat(tc.status()).as(tc.toString()).isEqualTo(200);
        assertThat(tc.json().getInt("status")).as(tc.toString()).isEqualTo(200);
        assertThat(tc.json().getString("provider")).isEqualTo("sb2");

        Changes.publishThroughReview(r, "policy", name, forbidSb, "forbid sb");
        Http.Response after = HTTP.post("/v1/chat/completions", liveBody, r.keyAuth());
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(after.header("x-gatehouse-provider"))
                .as("sb's cached answer is not served once sb is forbidden")
                .isEqualTo("sb2");
        assertThat(after.header("x-gatehouse-cache")).isNull();
    }

    @Test
    void aPromptDraftAnswersThroughTheGatewayWhileLiveTrafficKeepsThePublishedVersion()
            throws Exception {
        String name = Changes.uniquePrompt();
        Changes.publishThroughReview(t, "prompt", name, prompt("Live asks about"), "live");
        String id = draft(t, "prompt", name, prompt("Draft asks about"));
        long before = usedTokens();

        // the test call and a live request at the same time
        CompletableFuture<Http.Response> liveCall =
                CompletableFuture.supplyAsync(() -> live("prompt:" + name + "@production", null));
        Http.Response r = testCall(t, "author", id, SYSTEM_ONLY);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonObject a = r.json();
        assertThat(a.getString("changeId")).isEqualTo(id);
        assertThat(a.getInt("status")).isEqualTo(200);
        assertThat(a.getString("outcome")).isEqualTo("answered");
        assertThat(a.getString("text")).contains("Draft asks about Acme");
        assertThat(a.getString("route")).isEqualTo("sandbox");
        assertThat(a.getString("provider")).isEqualTo("sb");
        assertThat(a.getString("model")).isEqualTo("sb-chat");
        assertThat(a.getJsonNumber("inputTokens").longValue()).isPositive();
        assertThat(a.getJsonNumber("outputTokens").longValue()).isPositive();
        Http.Response liveAnswer = liveCall.get();
        assertThat(liveAnswer.status()).as(liveAnswer.toString()).isEqualTo(200);
        assertThat(answerText(liveAnswer)).contains("Live asks about Acme");
        assertThat(liveAnswer.header("x-gatehouse-prompt-version")).isEqualTo(name + "/v1");

        // audited: the call's gateway.request event names the change, its actor is the author
        String requestId = a.getString("requestId");
        Http.Response lineage =
                HTTP.get("/api/v1/lineage/requests/" + requestId, t.auth("auditor"));
        assertThat(lineage.status()).as(lineage.toString()).isEqualTo(200);
        JsonObject l = lineage.json();
        assertThat(l.getJsonArray("testCallOf").getJsonObject(0).getString("changeId"))
                .isEqualTo(id);
        JsonObject event = gatewayEvent(l);
        assertThat(event.getJsonObject("details").getString("testCallOf")).isEqualTo(id);
        assertThat(event.getJsonObject("details").getString("promptDraftOf")).isEqualTo(id);
        // which revision ran, and a hash of its content
        assertThat(event.getJsonObject("details").getInt("testCallRevision")).isEqualTo(1);
        assertThat(event.getJsonObject("details").getString("testCallContentSha256"))
                .matches("[0-9a-f]{64}");
        assertThat(event.getString("actor"))
                .isEqualTo(HTTP.get("/api/v1/me", t.auth("author")).json().getString("userId"));
        assertThat(l.getJsonArray("promptVersions")).as("a draft is no version").isEmpty();
        // the call's own usage, from its event: the person's id as key, a user as actor, and
        // exactly the tokens the answer reported
        String userId = HTTP.get("/api/v1/me", t.auth("author")).json().getString("userId");
        assertThat(event.getString("actorKind")).isEqualTo("user");
        assertThat(l.getJsonArray("servedBy").getJsonObject(0).getString("keyId"))
                .isEqualTo(userId);
        Http.Response detail =
                HTTP.get("/api/v1/audit/events/" + event.getString("id"), t.auth("auditor"));
        assertThat(detail.status()).as(detail.toString()).isEqualTo(200);
        JsonObject usage = detail.json().getJsonObject("usage");
        assertThat(usage.getString("keyId")).isEqualTo(userId);
        assertThat(usage.getJsonNumber("inputTokens").longValue())
                .isEqualTo(a.getJsonNumber("inputTokens").longValue());
        assertThat(usage.getJsonNumber("outputTokens").longValue())
                .isEqualTo(a.getJsonNumber("outputTokens").longValue());
        // counted: the tenant's usage holds the call's tokens
        assertThat(usedTokens() - before)
                .isGreaterThanOrEqualTo(
                        a.getJsonNumber("inputTokens").longValue()
                                + a.getJsonNumber("outputTokens").longValue());

        // a reviewer may test it too, while it is in review
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        Http.Response reviewer = testCall(t, "reviewer", id, SYSTEM_ONLY);
        assertThat(reviewer.status()).as(reviewer.toString()).isEqualTo(200);
        assertThat(reviewer.json().getString("text")).contains("Draft asks about Acme");
        // and live still serves the published version
        assertThat(answerText(live("prompt:" + name + "@production", null)))
                .contains("Live asks about Acme");
    }

    @Test
    void aPolicyDraftDeniesAndRedactsForTheCallOnly() throws Exception {
        String denyName = "tc-deny-" + Changes.uniquePrompt().substring(3);
        String deny = draft(t, "policy", denyName, Changes.noIpPolicy());
        String body =
                "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"ping"
                        + " 10.0.0.1\"}]}";
        CompletableFuture<Http.Response> liveCall =
                CompletableFuture.supplyAsync(() -> live("sandbox", "ping 10.0.0.1"));
        Http.Response denied = testCall(t, "author", deny, body);
        assertThat(denied.status()).as(denied.toString()).isEqualTo(200);
        JsonObject d = denied.json();
        assertThat(d.getInt("status")).isEqualTo(403);
        assertThat(d.getString("outcome")).isEqualTo("denied");
        assertThat(d.getJsonObject("error").getString("code")).isEqualTo("ip_not_allowed");
        Http.Response liveAnswer = liveCall.get();
        assertThat(liveAnswer.status()).as("live has no such policy: " + liveAnswer).isEqualTo(200);
        assertThat(answerText(liveAnswer)).contains("10.0.0.1");

        String redactName = "tc-mask-" + Changes.uniquePrompt().substring(3);
        JsonObject mask =
                Json.createObjectBuilder()
                        .add(
                                "rules",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "mask-ip")
                                                        .add("condition", "entities.ip.count > 0")
                                                        .add("action", "redact")
                                                        .add(
                                                                "entities",
                                                                Json.createArrayBuilder()
                                                                        .add("ip"))))
                        .build();
        String redact = draft(t, "policy", redactName, mask);
        Http.Response redacted = testCall(t, "admin", redact, body);
        assertThat(redacted.status()).as(redacted.toString()).isEqualTo(200);
        assertThat(redacted.json().getInt("status")).isEqualTo(200);
        assertThat(redacted.json().getString("text")).doesNotContain("10.0.0.1");
        assertThat(answerText(live("sandbox", "ping 10.0.0.1"))).contains("10.0.0.1");

        // the denial is audited as the draft's: the policy decision names the change
        JsonObject l =
                HTTP.get("/api/v1/lineage/requests/" + d.getString("requestId"), t.auth("auditor"))
                        .json();
        JsonObject event = gatewayEvent(l);
        assertThat(event.getString("outcome")).isEqualTo("denied");
        assertThat(event.getJsonObject("details").getString("testCallOf")).isEqualTo(deny);
        assertThat(event.getJsonObject("details").getJsonObject("policy").getString("draftOf"))
                .isEqualTo(deny);
    }

    @Test
    void aTestCallNeedsCredentialsAndAWorkflowRole() {
        String id = draft(t, "prompt", Changes.uniquePrompt(), prompt("Secured"));
        assertThat(HTTP.post("/api/v1/changes/" + id + "/test-call", SYSTEM_ONLY).status())
                .isEqualTo(401);
        Http.Response auditor = testCall(t, "auditor", id, SYSTEM_ONLY);
        assertThat(auditor.status()).as(auditor.toString()).isEqualTo(403);
        assertThat(auditor.header("Content-Type")).contains("application/problem+json");
        // a client application's API key spends no test call and queues no evaluation run
        assertThat(
                        HTTP.post("/api/v1/changes/" + id + "/test-call", SYSTEM_ONLY, t.keyAuth())
                                .status())
                .isEqualTo(401);
        assertThat(HTTP.post("/api/v1/changes/" + id + "/evaluations", "", t.keyAuth()).status())
                .isEqualTo(401);
        // nor does a person of a suspended tenant
        Http.Response suspended =
                HTTP.post(
                        "/api/v1/changes/" + id + "/evaluations",
                        "",
                        TestTenant.suspendedPerson("reviewer"));
        assertThat(suspended.status()).as(suspended.toString()).isEqualTo(403);
    }

    @Test
    void anotherTenantsChangeIsNotFound() {
        String theirs = draft(other, "prompt", Changes.uniquePrompt(), prompt("Theirs"));
        Http.Response r = testCall(t, "admin", theirs, SYSTEM_ONLY);
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(testCall(t, "admin", "not-a-change", SYSTEM_ONLY).status()).isEqualTo(404);
    }

    @Test
    void aPublishedChangeOrAnotherKindIsRefused() {
        String name = Changes.uniquePrompt();
        String published =
                Changes.publishThroughReview(t, "prompt", name, prompt("Published"), "live");
        Http.Response r = testCall(t, "author", published, SYSTEM_ONLY);
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.body()).contains("change_not_testable").contains("published");

        String withdrawn = draft(t, "prompt", Changes.uniquePrompt(), prompt("Withdrawn"));
        assertThat(Changes.ok(t, "author", withdrawn, "withdraw")).isEqualTo("withdrawn");
        assertThat(testCall(t, "author", withdrawn, SYSTEM_ONLY).status()).isEqualTo(409);

        String rejected = draft(t, "prompt", Changes.uniquePrompt(), prompt("Rejected"));
        assertThat(Changes.ok(t, "author", rejected, "submit")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer", rejected, "reject")).isEqualTo("rejected");
        Http.Response rej = testCall(t, "author", rejected, SYSTEM_ONLY);
        assertThat(rej.status()).as(rej.toString()).isEqualTo(409);
        assertThat(rej.body()).contains("change_not_testable").contains("rejected");

        String route = routeDraft("tc-route-");
        Http.Response routeCall = testCall(t, "admin", route, SYSTEM_ONLY);
        assertThat(routeCall.status()).as(routeCall.toString()).isEqualTo(400);
        assertThat(routeCall.body()).contains("test_call_unsupported");
    }

    /**
     * A prompt draft's test call may give variables alone: the managed prompt's own messages are
     * the whole conversation (as on /v1 for a managed prompt). A policy draft's call needs messages
     * (400 naming them), and a route change offers no test call whatever is given.
     */
    @Test
    void aPromptDraftsTestCallMayGiveVariablesOnlyAndAPolicysNeedsMessages() {
        String name = Changes.uniquePrompt();
        String id = draft(t, "prompt", name, prompt("Variables only about"));
        Http.Response r = testCall(t, "author", id, "{\"variables\":{\"product\":\"Acme\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getInt("status")).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getString("outcome")).isEqualTo("answered");
        // the sandbox quotes the last user message: the draft's own, rendered
        assertThat(r.json().getString("text")).contains("Variables only about Acme");
        Http.Response nullMessages =
                testCall(
                        t,
                        "reviewer",
                        id,
                        "{\"variables\":{\"product\":\"Globex\"},\"messages\":null}");
        assertThat(nullMessages.status()).as(nullMessages.toString()).isEqualTo(200);
        assertThat(nullMessages.json().getString("text")).contains("Variables only about Globex");
        // the draft's variables are still checked
        Http.Response noProduct = testCall(t, "author", id, "{}");
        assertThat(noProduct.status()).as(noProduct.toString()).isEqualTo(400);
        assertThat(noProduct.header("Content-Type")).startsWith("application/problem+json");
        assertThat(noProduct.body()).contains("prompt_variables.product");

        String policyId = noIpDraft(t, "tc-vars-");
        Http.Response policy =
                testCall(
                        t,
                        "author",
                        policyId,
                        "{\"model\":\"sandbox\",\"variables\":{\"product\":\"Acme\"}}");
        assertThat(policy.status()).as(policy.toString()).isEqualTo(400);
        assertThat(policy.header("Content-Type")).startsWith("application/problem+json");
        assertThat(policy.json().getString("param")).isEqualTo("messages");
        assertThat(policy.body()).doesNotContain("Exception");

        String route = routeDraft("tc-vroute-");
        Http.Response neither = testCall(t, "admin", route, "{}");
        assertThat(neither.status()).as(neither.toString()).isEqualTo(400);
        assertThat(neither.header("Content-Type")).startsWith("application/problem+json");
        assertThat(neither.json().getString("code")).isEqualTo("test_call_unsupported");
    }

    @Test
    void badInputIs400NamingTheField() {
        String promptId = draft(t, "prompt", Changes.uniquePrompt(), prompt("Checked"));
        String policyId = noIpDraft(t, "tc-bad-");
        String user = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        List<String[]> cases =
                List.of(
                        new String[] {
                            policyId, "{\"model\":\"sandbox\",\"messages\":null}", "messages"
                        },
                        new String[] {promptId, "{\"messages\":[]}", "messages"},
                        new String[] {
                            promptId,
                            "{\"variables\":{\"product\":\"A\"},\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
                            "messages[0].role"
                        },
                        new String[] {
                            promptId,
                            "{\"variables\":{\"product\":\"A\"},\"messages\":[{\"role\":\"user\",\"content\":7}]}",
                            "messages[0].content"
                        },
                        new String[] {
                            promptId, "{\"variables\":[1],\"messages\":" + user + "}", "variables"
                        },
                        new String[] {
                            promptId, "{\"messages\":" + user + "}", "prompt_variables.product"
                        },
                        new String[] {
                            promptId,
                            "{\"variables\":{\"product\":\"A\"},\"model\":\"sandbox\",\"messages\":"
                                    + user
                                    + "}",
                            "model"
                        },
                        new String[] {
                            promptId, "{\"messages\":" + user + ",\"stream\":true}", "stream"
                        },
                        new String[] {policyId, "{\"messages\":" + user + "}", "model"},
                        new String[] {policyId, "{\"model\":5,\"messages\":" + user + "}", "model"},
                        new String[] {policyId, "[1,2]", "JSON object"},
                        new String[] {policyId, "{not json", "not valid JSON"});
        for (String[] c : cases) {
            Http.Response r = testCall(t, "author", c[0], c[1]);
            assertThat(r.status()).as(c[1] + " -> " + r).isEqualTo(400);
            assertThat(r.header("Content-Type")).contains("application/problem+json");
            assertThat(r.body()).as(c[1]).contains(c[2]).doesNotContain("Exception");
        }
    }
}
