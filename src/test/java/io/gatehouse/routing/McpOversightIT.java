package io.gatehouse.routing;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Human oversight of MCP tool calls (issue 18, docs/mcp.md "Oversight"): a call to a tool with
 * {@code approval: required} is held on the instance the client called, answered as an event stream
 * with {@code notifications/progress}, listed for reviewers, and run or refused once a reviewer who
 * did not create the calling key decided, on any instance (the decision travels through the change
 * feed); an unanswered call is refused at its deadline. The second instance has a 4 s approval
 * timeout and a 1 s progress interval; the test server keeps the defaults (5 minutes, 5 s).
 */
public class McpOversightIT {
    static LibertyInstance second;

    @BeforeAll
    static void start() {
        second =
                LibertyInstance.start(
                        "gatehouse-mcp-oversight",
                        Map.of(
                                "GATEHOUSE_MCP_APPROVAL_TIMEOUT", "PT4S",
                                "GATEHOUSE_MCP_PROGRESS_INTERVAL_MS", "1000"));
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
    }

    /** The built-in sandbox server (nothing leaves the process) under the name {@code pay}. */
    static String registerPay(TestTenant t) {
        JsonObject content = payContent();
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("mcp_server", "pay", content, "payments, held"),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        return id;
    }

    /** Publishes {@code pay} again, unchanged: a new version (one approval may suffice). */
    static String republishPay(TestTenant t) {
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("mcp_server", "pay", payContent(), "payments, again"),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        String status = Changes.ok(t, "reviewer", id, "approve");
        if (status.equals("in_review")) {
            status = Changes.ok(t, "reviewer2", id, "approve");
        }
        assertThat(status).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        return id;
    }

    static JsonObject payContent() {
        return Json.createObjectBuilder()
                .add("transport", "sandbox")
                .add("url", "sandbox:builtin")
                .add(
                        "tools",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("name", "approve_payment")
                                                .add("description", "Pays (sandbox)")
                                                .add("risk", "high")
                                                .add("approval", "required")))
                .build();
    }

    /**
     * For other tests: publishes the sandbox server {@code pay} in {@code t} and returns a key
     * scoped to it.
     */
    public static String payKey(TestTenant t) {
        registerPay(t);
        return McpGatewayIT.key(t, "[\"mcp:pay\"]");
    }

    /**
     * For other tests: a payment call with {@code key} (see {@link #payKey}) held on the test
     * server, its client waiting in the background; the held call's id.
     */
    public static String holdInBackground(TestTenant t, String key) throws Exception {
        java.util.Set<String> before = new java.util.HashSet<>();
        HTTP.get("/api/v1/mcp/held-calls?status=all", t.auth("reviewer"))
                .json()
                .getJsonArray("items")
                .getValuesAs(JsonObject.class)
                .forEach(i -> before.add(i.getString("id")));
        CompletableFuture.runAsync(
                () ->
                        HTTP.post(
                                "/mcp",
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                                        + "{\"name\":\"pay__approve_payment\",\"arguments\":{}}}",
                                "Authorization",
                                "Bearer " + key,
                                "Accept",
                                "application/json, text/event-stream"));
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            for (JsonObject i :
                    HTTP.get("/api/v1/mcp/held-calls", t.auth("reviewer"))
                            .json()
                            .getJsonArray("items")
                            .getValuesAs(JsonObject.class)) {
                if (!before.contains(i.getString("id"))) {
                    return i.getString("id");
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the call was not held");
    }

    static McpSyncClient client(
            String base, String apiKey, List<McpSchema.ProgressNotification> progress) {
        var transport =
                HttpClientStreamableHttpTransport.builder(base)
                        .endpoint("/mcp")
                        .httpRequestCustomizer(
                                (b, method, uri, body, ctx) ->
                                        b.header("Authorization", "Bearer " + apiKey))
                        .build();
        // the Java SDK's request timeout does not restart on progress: it must outlast the wait
        McpSyncClient c =
                McpClient.sync(transport)
                        .requestTimeout(Duration.ofSeconds(90))
                        .progressConsumer(progress::add)
                        .build();
        c.initialize();
        return c;
    }

    static McpSchema.CallToolRequest payment(String progressToken) {
        var b =
                McpSchema.CallToolRequest.builder()
                        .name("pay__approve_payment")
                        .arguments(Map.of("payee", "ACME", "amount", "10 EUR"));
        return (progressToken == null ? b : b.progressToken(progressToken)).build();
    }

    /** Waits until the tenant has exactly one call in {@code status}, as {@code base} lists it. */
    static JsonObject awaitOne(Http http, TestTenant t, String status) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Http.Response r = null;
        while (System.nanoTime() < end) {
            r = http.get("/api/v1/mcp/held-calls?status=" + status, t.auth("reviewer"));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            List<JsonObject> items = r.json().getJsonArray("items").getValuesAs(JsonObject.class);
            if (items.size() == 1) {
                return items.get(0);
            }
            assertThat(items).as(r.body()).isEmpty();
            Thread.sleep(200);
        }
        throw new AssertionError("no " + status + " call listed: " + r);
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    static List<JsonObject> events(TestTenant t, String requestId) {
        Http.Response lineage =
                HTTP.get("/api/v1/audit/events?requestId=" + requestId, t.auth("auditor"));
        assertThat(lineage.status()).as(lineage.toString()).isEqualTo(200);
        return lineage.json().getJsonArray("events").getValuesAs(JsonObject.class);
    }

    @Test
    void aCallHeldOnOneInstanceIsApprovedOnTheOtherAndCompletesWithProgress() throws Exception {
        TestTenant t = TestTenant.fresh();
        String version = registerPay(t);
        String key = McpGatewayIT.key(t, "[\"mcp:pay\"]");
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient c = client(TestEnv.baseUrl(), key, progress)) {
            CompletableFuture<McpSchema.CallToolResult> call =
                    CompletableFuture.supplyAsync(() -> c.callTool(payment("pay-1")));

            // listed for reviewers, on the other instance too, with what the reviewer must see
            JsonObject held = awaitOne(second.http(), t, "held");
            String id = held.getString("id");
            assertThat(held.getString("name")).isEqualTo("pay__approve_payment");
            assertThat(held.getString("server")).isEqualTo("pay");
            assertThat(held.getString("tool")).isEqualTo("approve_payment");
            assertThat(held.getString("serverVersion")).isEqualTo(version);
            assertThat(held.getJsonObject("arguments").getString("payee")).isEqualTo("ACME");
            assertThat(held.getJsonObject("arguments").getString("amount")).isEqualTo("10 EUR");
            assertThat(held.getString("keyName")).isEqualTo("mcp scoped");
            assertThat(held.getJsonArray("keyScope").getString(0)).isEqualTo("mcp:pay");
            assertThat(held.getString("status")).isEqualTo("held");
            assertThat(held.isNull("decidedBy")).isTrue();
            // the deadline is the database's: exactly the timeout after created_at, same clock
            assertThat(
                            Duration.between(
                                    java.time.Instant.parse(held.getString("createdAt")),
                                    java.time.Instant.parse(held.getString("deadline"))))
                    .isEqualTo(Duration.ofMinutes(5));
            String requestId = held.getString("requestId");
            String owner = held.getString("keyOwner");
            assertThat(call).isNotDone();

            // the client hears from the held call: at hold time and from the 5 s timer
            long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            while (progress.size() < 2 && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
            assertThat(progress).allMatch(p -> "pay-1".equals(p.progressToken()));
            assertThat(progress.get(0).message()).contains(id);
            assertThat(call).isNotDone();

            // four eyes: the key's creator may not decide, with any of their tokens
            Http.Response self =
                    second.http()
                            .post(
                                    "/api/v1/mcp/held-calls/" + id + "/approve",
                                    "{}",
                                    t.auth("admin"));
            assertThat(self.status()).as(self.toString()).isEqualTo(403);
            assertThat(self.json().getString("code", self.body())).contains("four_eyes");
            String otherToken = TestTenant.login(t.username("admin"), t.password("admin"));
            Http.Response selfAgain =
                    HTTP.post(
                            "/api/v1/mcp/held-calls/" + id + "/approve",
                            "{}",
                            "Authorization",
                            "Bearer " + otherToken);
            assertThat(selfAgain.status()).as(selfAgain.toString()).isEqualTo(403);

            Http.Response approved =
                    second.http()
                            .post(
                                    "/api/v1/mcp/held-calls/" + id + "/approve",
                                    "{\"comment\":\"payee checked\"}",
                                    t.auth("reviewer"));
            assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
            assertThat(approved.json().getString("status")).isEqualTo("approved");
            assertThat(approved.json().getString("decidedBy")).isNotEqualTo(owner);
            assertThat(approved.json().getString("comment")).isEqualTo("payee checked");
            // two reviewers cannot both win
            Http.Response twice =
                    HTTP.post(
                            "/api/v1/mcp/held-calls/" + id + "/refuse",
                            "{\"comment\":\"no\"}",
                            t.auth("reviewer2"));
            assertThat(twice.status()).as(twice.toString()).isEqualTo(409);

            // the first instance ran it and answered the waiting client
            McpSchema.CallToolResult result = call.get(30, TimeUnit.SECONDS);
            assertThat(result.isError()).as(result.toString()).isFalse();
            assertThat(text(result))
                    .isEqualTo("sandbox: payment of 10 EUR to ACME approved (nothing was paid)");
            JsonObject completed = awaitOne(HTTP, t, "completed");
            assertThat(completed.getString("id")).isEqualTo(id);
            // an ended call keeps its arguments only in its audit event (tenant's retention)
            assertThat(completed.isNull("arguments")).as(completed.toString()).isTrue();

            // every step is in the call's lineage: held, the denied self-approval, the approval,
            // the call itself naming the held call
            List<JsonObject> trail = events(t, requestId);
            assertThat(trail)
                    .extracting(e -> e.getString("action") + " " + e.getString("outcome"))
                    .contains(
                            "mcp.tool_call.held success",
                            "mcp.held_call.approved denied",
                            "mcp.held_call.approved success",
                            "mcp.tool_call success");
            JsonObject done =
                    trail.stream()
                            .filter(e -> e.getString("action").equals("mcp.tool_call"))
                            .findFirst()
                            .orElseThrow();
            assertThat(done.getJsonObject("details").getString("mcp.held_call_id")).isEqualTo(id);
            assertThat(done.getString("actorKind")).isEqualTo("api_key");
            JsonObject decision =
                    trail.stream()
                            .filter(
                                    e ->
                                            e.getString("action").equals("mcp.held_call.approved")
                                                    && e.getString("outcome").equals("success"))
                            .findFirst()
                            .orElseThrow();
            assertThat(decision.getString("actorKind")).isEqualTo("user");
            assertThat(decision.getString("actor"))
                    .isEqualTo(approved.json().getString("decidedBy"));
            Http.Response lineage =
                    HTTP.get("/api/v1/lineage/requests/" + requestId, t.auth("auditor"));
            assertThat(lineage.status()).as(lineage.toString()).isEqualTo(200);
            assertThat(lineage.body())
                    .contains("mcp.tool_call.held")
                    .contains("mcp.held_call.approved")
                    .contains(version);
        }
    }

    @Test
    void theReviewerApiKeepsRolesTenantsAndInput() throws Exception {
        TestTenant t = TestTenant.fresh();
        registerPay(t);
        String key = McpGatewayIT.key(t, "[\"mcp:pay\"]");
        TestTenant other = TestTenant.fresh();
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient c = client(TestEnv.baseUrl(), key, progress)) {
            CompletableFuture<McpSchema.CallToolResult> call =
                    CompletableFuture.supplyAsync(() -> c.callTool(payment(null)));
            String id = awaitOne(HTTP, t, "held").getString("id");
            String path = "/api/v1/mcp/held-calls/" + id;

            // 401 without a person's token (an API key is none)
            assertThat(HTTP.get("/api/v1/mcp/held-calls").status()).isEqualTo(401);
            assertThat(HTTP.get(path, "Authorization", "Bearer " + key).status()).isEqualTo(401);
            assertThat(HTTP.post(path + "/approve", "{}").status()).isEqualTo(401);
            // 403 for a role that may not read or decide
            assertThat(HTTP.get("/api/v1/mcp/held-calls", t.auth("author")).status())
                    .isEqualTo(403);
            assertThat(HTTP.post(path + "/approve", "{}", t.auth("author")).status())
                    .isEqualTo(403);
            assertThat(HTTP.get(path, t.auth("auditor")).status()).isEqualTo(200);
            assertThat(HTTP.post(path + "/approve", "{}", t.auth("auditor")).status())
                    .isEqualTo(403);
            // 404 for another tenant's call, an unknown and a garbled id; nothing listed there
            assertThat(HTTP.get(path, other.auth("reviewer")).status()).isEqualTo(404);
            assertThat(HTTP.post(path + "/approve", "{}", other.auth("reviewer")).status())
                    .isEqualTo(404);
            assertThat(
                            HTTP.post(path + "/refuse", "{\"comment\":\"x\"}", other.auth("admin"))
                                    .status())
                    .isEqualTo(404);
            assertThat(
                            HTTP.get("/api/v1/mcp/held-calls?status=all", other.auth("reviewer"))
                                    .json()
                                    .getJsonArray("items"))
                    .isEmpty();
            assertThat(
                            HTTP.get(
                                            "/api/v1/mcp/held-calls/" + java.util.UUID.randomUUID(),
                                            t.auth("reviewer"))
                                    .status())
                    .isEqualTo(404);
            Http.Response garbled =
                    HTTP.get("/api/v1/mcp/held-calls/not-an-id", t.auth("reviewer"));
            assertThat(garbled.status()).isEqualTo(404);
            assertThat(garbled.header("Content-Type")).contains("problem+json");
            // bad input: an unknown status, a refusal without reason, a comment too long
            assertThat(HTTP.get("/api/v1/mcp/held-calls?status=nope", t.auth("reviewer")).status())
                    .isEqualTo(400);
            assertThat(HTTP.post(path + "/refuse", "{}", t.auth("reviewer")).status())
                    .isEqualTo(400);
            assertThat(
                            HTTP.post(path + "/refuse", "{\"comment\":\"  \"}", t.auth("reviewer"))
                                    .status())
                    .isEqualTo(400);
            assertThat(
                            HTTP.post(
                                            path + "/refuse",
                                            "{\"comment\":\"" + "x".repeat(2001) + "\"}",
                                            t.auth("reviewer"))
                                    .status())
                    .isEqualTo(400);
            assertThat(HTTP.post(path + "/refuse", "{nope", t.auth("reviewer")).status())
                    .isEqualTo(400);
            assertThat(call).isNotDone();

            Http.Response refused =
                    HTTP.post(
                            path + "/refuse",
                            "{\"comment\":\"not this payee\"}",
                            t.auth("reviewer"));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(200);
            assertThat(refused.json().getString("status")).isEqualTo("refused");
            assertThat(refused.json().isNull("arguments")).isTrue();
            McpSchema.CallToolResult result = call.get(30, TimeUnit.SECONDS);
            assertThat(result.isError()).isTrue();
            assertThat(text(result)).isEqualTo("approval_refused: not this payee");
            // decided once
            assertThat(HTTP.post(path + "/approve", "{}", t.auth("reviewer2")).status())
                    .isEqualTo(409);
            String requestId = refused.json().getString("requestId");
            assertThat(events(t, requestId))
                    .extracting(
                            e ->
                                    e.getString("action")
                                            + " "
                                            + e.getJsonObject("details").getString("reason", "-"))
                    .contains(
                            "mcp.tool_call.held -",
                            "mcp.held_call.refused -",
                            "mcp.tool_call approval_refused");
        }
    }

    @Test
    void anUnansweredCallIsRefusedAtItsDeadline() throws Exception {
        TestTenant t = TestTenant.fresh();
        registerPay(t);
        String key = McpGatewayIT.key(t, "[\"mcp:pay\"]");
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient c = client(second.baseUrl(), key, progress)) {
            long start = System.nanoTime();
            McpSchema.CallToolResult result = c.callTool(payment("late"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(result.isError()).isTrue();
            assertThat(text(result)).startsWith("approval_timeout");
            assertThat(ms).isGreaterThanOrEqualTo(3_500).isLessThan(15_000);
            // the second instance's 1 s timer wrote progress while it waited
            assertThat(progress).hasSizeGreaterThanOrEqualTo(3);
        }
        JsonObject expired = awaitOne(HTTP, t, "expired");
        Http.Response late =
                HTTP.post(
                        "/api/v1/mcp/held-calls/" + expired.getString("id") + "/approve",
                        "{}",
                        t.auth("reviewer"));
        assertThat(late.status()).as(late.toString()).isEqualTo(409);
        assertThat(events(t, expired.getString("requestId")))
                .extracting(
                        e ->
                                e.getString("action")
                                        + " "
                                        + e.getString("outcome")
                                        + " "
                                        + e.getJsonObject("details").getString("reason", "-"))
                .contains(
                        "mcp.tool_call.held success -",
                        "mcp.held_call.expired success -",
                        "mcp.tool_call denied approval_timeout");
    }

    @Test
    void theHeldAnswerIsAnEventStreamOfProgressThenTheResult() throws Exception {
        TestTenant t = TestTenant.fresh();
        registerPay(t);
        String key = McpGatewayIT.key(t, "[\"mcp:pay\"]");
        String body =
                "{\"jsonrpc\":\"2.0\",\"id\":\"raw-1\",\"method\":\"tools/call\",\"params\":{\"name\":"
                        + "\"pay__approve_payment\",\"arguments\":{\"payee\":\"B\",\"amount\":\"1\"},"
                        + "\"_meta\":{\"progressToken\":7}}}";
        CompletableFuture<Http.Response> raw =
                CompletableFuture.supplyAsync(
                        () ->
                                HTTP.post(
                                        "/mcp",
                                        body,
                                        "Authorization",
                                        "Bearer " + key,
                                        "Accept",
                                        "application/json, text/event-stream"));
        String id = awaitOne(HTTP, t, "held").getString("id");
        Http.Response ok =
                HTTP.post("/api/v1/mcp/held-calls/" + id + "/approve", "{}", t.auth("reviewer2"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        Http.Response r = raw.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        List<String> data =
                r.body()
                        .lines()
                        .filter(l -> l.startsWith("data: "))
                        .map(l -> l.substring(6))
                        .toList();
        assertThat(data.size()).as(r.body()).isGreaterThanOrEqualTo(2);
        for (String d : data.subList(0, data.size() - 1)) {
            JsonObject n = Json.createReader(new java.io.StringReader(d)).readObject();
            assertThat(n.getString("method")).isEqualTo("notifications/progress");
            assertThat(n.getJsonObject("params").getInt("progressToken")).isEqualTo(7);
        }
        JsonObject last =
                Json.createReader(new java.io.StringReader(data.get(data.size() - 1))).readObject();
        assertThat(last.getString("id")).isEqualTo("raw-1");
        assertThat(last.getJsonObject("result").getBoolean("isError")).isFalse();
    }

    /** An approved call's outcome and its trail: the tool result text and the final event. */
    static void assertRefusedOnApproval(
            TestTenant t,
            CompletableFuture<McpSchema.CallToolResult> call,
            String requestId,
            String code)
            throws Exception {
        McpSchema.CallToolResult result = call.get(30, TimeUnit.SECONDS);
        assertThat(result.isError()).as(result.toString()).isTrue();
        // the sandbox would have answered "sandbox: payment of ..." had the call run
        assertThat(text(result)).startsWith(code + ":").doesNotContain("sandbox");
        List<String> trail =
                events(t, requestId).stream()
                        .map(
                                e ->
                                        e.getString("action")
                                                + " "
                                                + e.getString("outcome")
                                                + " "
                                                + e.getJsonObject("details")
                                                        .getString("reason", "-"))
                        .toList();
        assertThat(trail)
                .contains("mcp.held_call.approved success -", "mcp.tool_call denied " + code)
                .noneMatch(e -> e.startsWith("mcp.tool_call success"));
    }

    @Test
    void anApprovedCallRunsOnlyOnTheGrantAsItStandsWhenApproved() throws Exception {
        TestTenant t = TestTenant.fresh();
        registerPay(t);
        String key = McpGatewayIT.key(t, "[\"mcp:pay\"]");
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient c = client(TestEnv.baseUrl(), key, progress)) {
            CompletableFuture<McpSchema.CallToolResult> call =
                    CompletableFuture.supplyAsync(() -> c.callTool(payment(null)));
            JsonObject held = awaitOne(HTTP, t, "held");
            // the key is revoked while its call waits; a reviewer then approves the call
            Http.Response revoked =
                    HTTP.post(
                            "/api/v1/keys/" + held.getString("keyId") + "/revoke",
                            "",
                            t.auth("admin"));
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            Http.Response ok =
                    HTTP.post(
                            "/api/v1/mcp/held-calls/" + held.getString("id") + "/approve",
                            "{}",
                            t.auth("reviewer"));
            assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
            assertRefusedOnApproval(t, call, held.getString("requestId"), "key_revoked");
        }

        // the server is republished (a new version) while a call waits
        String key2 = McpGatewayIT.key(t, "[\"mcp:pay\"]");
        try (McpSyncClient c = client(TestEnv.baseUrl(), key2, progress)) {
            CompletableFuture<McpSchema.CallToolResult> call =
                    CompletableFuture.supplyAsync(() -> c.callTool(payment(null)));
            JsonObject held = awaitOne(HTTP, t, "held");
            republishPay(t);
            Http.Response ok =
                    HTTP.post(
                            "/api/v1/mcp/held-calls/" + held.getString("id") + "/approve",
                            "{}",
                            t.auth("reviewer"));
            assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
            assertRefusedOnApproval(t, call, held.getString("requestId"), "server_changed");
        }
    }

    @Test
    void aCallWhoseClientLeftIsAbandonedAndNeverRuns() throws Exception {
        TestTenant t = TestTenant.fresh();
        registerPay(t);
        String key = McpGatewayIT.key(t, "[\"mcp:pay\"]");
        byte[] body =
                ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                                + "\"pay__approve_payment\",\"arguments\":{\"payee\":\"C\",\"amount\":\"2\"}}}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.URI base = java.net.URI.create(TestEnv.baseUrl());
        // a raw client that reads the held notice, then hangs up
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            String head =
                    "POST /mcp HTTP/1.1\r\nHost: "
                            + base.getHost()
                            + ":"
                            + base.getPort()
                            + "\r\nAuthorization: Bearer "
                            + key
                            + "\r\nAccept: application/json, text/event-stream"
                            + "\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length
                            + "\r\n\r\n";
            var out = socket.getOutputStream();
            out.write(head.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            var in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (!seen.toString().contains("Held for a person's approval")) {
                int n = in.read(buf);
                assertThat(n).as(seen.toString()).isPositive();
                seen.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        // the next progress writes find the client gone (5 s timer): the call is abandoned
        long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        List<JsonObject> abandoned = List.of();
        while (abandoned.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(500);
            abandoned =
                    HTTP.get("/api/v1/mcp/held-calls?status=abandoned", t.auth("reviewer"))
                            .json()
                            .getJsonArray("items")
                            .getValuesAs(JsonObject.class);
        }
        assertThat(abandoned).hasSize(1);
        JsonObject call = abandoned.get(0);
        assertThat(call.isNull("arguments")).isTrue();
        assertThat(
                        HTTP.get("/api/v1/mcp/held-calls", t.auth("reviewer"))
                                .json()
                                .getJsonArray("items"))
                .isEmpty();
        // it no longer waits for a decision, and never runs
        Http.Response late =
                HTTP.post(
                        "/api/v1/mcp/held-calls/" + call.getString("id") + "/approve",
                        "{}",
                        t.auth("reviewer"));
        assertThat(late.status()).as(late.toString()).isEqualTo(409);
        // the row is abandoned in its own transaction, then the call's final event is recorded:
        // wait for that event rather than assume it committed with the row
        long eventEnd = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < eventEnd
                && events(t, call.getString("requestId")).stream()
                        .noneMatch(
                                e ->
                                        e.getString("action").equals("mcp.tool_call")
                                                && e.getString("outcome").equals("denied"))) {
            Thread.sleep(200);
        }
        assertThat(events(t, call.getString("requestId")))
                .extracting(
                        e ->
                                e.getString("action")
                                        + " "
                                        + e.getString("outcome")
                                        + " "
                                        + e.getJsonObject("details").getString("reason", "-"))
                .contains("mcp.tool_call.held success -", "mcp.tool_call denied client_gone")
                .noneMatch(e -> e.startsWith("mcp.tool_call success"));
    }

    @Test
    void aKeyHoldsAtMostItsBoundEvenWhenItsCallsArriveTogether() throws Exception {
        TestTenant t = TestTenant.fresh();
        String key = payKey(t);
        String body =
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                        + "{\"name\":\"pay__approve_payment\",\"arguments\":{}}}";
        int bound = 10; // gatehouse.mcp.max-held-calls-per-key on the test server
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(bound + 4);
        try {
            List<CompletableFuture<Http.Response>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < bound + 4; i++) {
                calls.add(
                        CompletableFuture.supplyAsync(
                                () ->
                                        HTTP.post(
                                                "/mcp",
                                                body,
                                                "Authorization",
                                                "Bearer " + key,
                                                "Accept",
                                                "application/json, text/event-stream"),
                                pool));
            }
            // the calls past the bound are answered at once; the others wait for a person
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (calls.stream().filter(CompletableFuture::isDone).count() < 4
                    && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            Thread.sleep(1000);
            List<Http.Response> answered =
                    calls.stream().filter(CompletableFuture::isDone).map(c -> c.join()).toList();
            assertThat(answered).hasSize(4);
            assertThat(answered)
                    .allSatisfy(r -> assertThat(r.body()).contains("too_many_held_calls"));
            assertThat(
                            HTTP.get("/api/v1/mcp/held-calls", t.auth("reviewer"))
                                    .json()
                                    .getJsonArray("items"))
                    .hasSize(bound);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoReviewersDecidingAtOnceCannotBothWin() throws Exception {
        TestTenant t = TestTenant.fresh();
        String key = payKey(t);
        String id = holdInBackground(t, key);
        String path = "/api/v1/mcp/held-calls/" + id;
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Http.Response> approve =
                    CompletableFuture.supplyAsync(
                            () -> {
                                await(go);
                                return HTTP.post(path + "/approve", "{}", t.auth("reviewer"));
                            },
                            pool);
            CompletableFuture<Http.Response> refuse =
                    CompletableFuture.supplyAsync(
                            () -> {
                                await(go);
                                return HTTP.post(
                                        path + "/refuse",
                                        "{\"comment\":\"no\"}",
                                        t.auth("reviewer2"));
                            },
                            pool);
            go.countDown();
            List<Integer> statuses =
                    List.of(
                                    approve.get(30, TimeUnit.SECONDS).status(),
                                    refuse.get(30, TimeUnit.SECONDS).status())
                            .stream()
                            .sorted()
                            .toList();
            assertThat(statuses).containsExactly(200, 409);
            String status = HTTP.get(path, t.auth("reviewer")).json().getString("status");
            String winner = approve.get().status() == 200 ? "approved|completed" : "refused";
            assertThat(status).matches(winner);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void whoeverCreatedAKeyBeforeItsRotationMayNotDecideItsCalls() throws Exception {
        TestTenant t = TestTenant.fresh();
        registerPay(t);
        Http.Response first =
                HTTP.post(
                        "/api/v1/keys",
                        "{\"name\":\"first\",\"allowedRoutes\":[\"mcp:pay\"]}",
                        t.auth("admin"));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        // a second admin rotates it: the successor's creator is the second admin
        String name = "admin2-" + java.util.UUID.randomUUID();
        String password = "pw-" + java.util.UUID.randomUUID();
        Http.Response user =
                HTTP.post(
                        "/api/v1/users",
                        Json.createObjectBuilder()
                                .add("username", name)
                                .add("password", password)
                                .add("roles", Json.createArrayBuilder().add("admin"))
                                .build()
                                .toString(),
                        t.auth("admin"));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        String rotator = TestTenant.login(name, password);
        Http.Response rotated =
                HTTP.post(
                        "/api/v1/keys/" + first.json().getString("id") + "/rotate",
                        "{}",
                        "Authorization",
                        "Bearer " + rotator);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        String id = holdInBackground(t, rotated.json().getString("key"));
        String path = "/api/v1/mcp/held-calls/" + id;
        // neither the first key's creator nor the rotating admin may decide
        Http.Response byFirstCreator = HTTP.post(path + "/approve", "{}", t.auth("admin"));
        assertThat(byFirstCreator.status()).as(byFirstCreator.toString()).isEqualTo(403);
        assertThat(byFirstCreator.body()).contains("four_eyes");
        Http.Response byRotator =
                HTTP.post(path + "/approve", "{}", "Authorization", "Bearer " + rotator);
        assertThat(byRotator.status()).as(byRotator.toString()).isEqualTo(403);
        Http.Response byReviewer =
                HTTP.post(path + "/refuse", "{\"comment\":\"not now\"}", t.auth("reviewer"));
        assertThat(byReviewer.status()).as(byReviewer.toString()).isEqualTo(200);
    }
}
