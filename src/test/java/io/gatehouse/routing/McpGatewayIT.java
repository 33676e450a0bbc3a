package io.gatehouse.routing;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP gateway (issue 18) through the MCP Java SDK's own client against {@code /mcp}: upstream
 * servers go live only through four-eyes review, {@code tools/list} shows what the key's scope
 * allows, every {@code tools/call} passes input policy (redaction, denial), the upstream call with
 * the stored credential and one audit event in the request's lineage, and another tenant's server
 * is neither listed nor callable. The upstream is a stand-in Streamable HTTP JSON-RPC server in
 * this JVM (the SDK's server transports need a servlet container).
 */
class McpGatewayIT {
    static final String CREDENTIAL = "upstream-secret-" + UUID.randomUUID();
    static HttpServer upstream;
    static final List<JsonObject> upstreamCalls = new CopyOnWriteArrayList<>();
    static final List<String> upstreamAuth = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(0), 0);
        upstream.createContext("/mcp", McpGatewayIT::answer);
        upstream.createContext("/rich/mcp", x -> misbehave(x, "rich"));
        upstream.createContext("/slow/mcp", x -> misbehave(x, "slow"));
        upstream.createContext("/odd/mcp", x -> misbehave(x, "odd"));
        // the misbehaving stand-ins hold their exchange open: one thread each
        upstream.setExecutor(
                Executors.newCachedThreadPool(
                        r -> {
                            Thread th = new Thread(r, "mcp-stand-in");
                            th.setDaemon(true);
                            return th;
                        }));
        upstream.start();
    }

    @AfterAll
    static void stop() {
        upstream.stop(0);
    }

    /** A minimal Streamable HTTP MCP server: a session, {@code lookup} and {@code notify}. */
    static void answer(HttpExchange x) throws IOException {
        if (!x.getRequestMethod().equals("POST")) {
            x.sendResponseHeaders(x.getRequestMethod().equals("DELETE") ? 200 : 405, -1);
            x.close();
            return;
        }
        JsonObject m;
        try (var r =
                Json.createReader(
                        new StringReader(
                                new String(
                                        x.getRequestBody().readAllBytes(),
                                        StandardCharsets.UTF_8)))) {
            m = r.readObject();
        }
        upstreamAuth.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
        if (!m.containsKey("id")) {
            x.sendResponseHeaders(202, -1);
            x.close();
            return;
        }
        JsonObject result;
        switch (m.getString("method")) {
            case "initialize" -> {
                x.getResponseHeaders().add("Mcp-Session-Id", "s-" + UUID.randomUUID());
                result =
                        Json.createObjectBuilder()
                                .add("protocolVersion", "2025-06-18")
                                .add(
                                        "capabilities",
                                        Json.createObjectBuilder()
                                                .add("tools", JsonValue.EMPTY_JSON_OBJECT))
                                .add(
                                        "serverInfo",
                                        Json.createObjectBuilder()
                                                .add("name", "stand-in")
                                                .add("version", "1"))
                                .build();
            }
            case "tools/call" -> {
                JsonObject params = m.getJsonObject("params");
                upstreamCalls.add(params);
                JsonObject args = params.getJsonObject("arguments");
                result =
                        Json.createObjectBuilder()
                                .add(
                                        "content",
                                        Json.createArrayBuilder()
                                                .add(
                                                        Json.createObjectBuilder()
                                                                .add("type", "text")
                                                                .add(
                                                                        "text",
                                                                        "found: "
                                                                                + args.getString(
                                                                                        "query",
                                                                                        "-"))))
                                .add("isError", false)
                                .build();
            }
            default -> result = JsonValue.EMPTY_JSON_OBJECT;
        }
        byte[] out =
                Json.createObjectBuilder()
                        .add("jsonrpc", "2.0")
                        .add("id", m.get("id"))
                        .add("result", result)
                        .build()
                        .toString()
                        .getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, out.length);
        x.getResponseBody().write(out);
        x.close();
    }

    static final String EMAIL = "jane.roe@example.com";

    /**
     * Stand-ins that misbehave: {@code rich} answers a tool call as an event stream (a priming
     * event with empty data, an event that is not JSON, then the answer with e-mail addresses in
     * {@code content}, an embedded resource, {@code structuredContent} and {@code _meta}) and keeps
     * the stream open for 20 s after it; {@code slow} sends only comments, forever (30 s); {@code
     * odd} answers initialize with a protocol version no HTTP header can carry.
     */
    static void misbehave(HttpExchange x, String mode) throws IOException {
        if (!x.getRequestMethod().equals("POST")) {
            x.sendResponseHeaders(x.getRequestMethod().equals("DELETE") ? 200 : 405, -1);
            x.close();
            return;
        }
        JsonObject m;
        try (var r =
                Json.createReader(
                        new StringReader(
                                new String(
                                        x.getRequestBody().readAllBytes(),
                                        StandardCharsets.UTF_8)))) {
            m = r.readObject();
        }
        if (!m.containsKey("id")) {
            x.sendResponseHeaders(202, -1);
            x.close();
            return;
        }
        if (m.getString("method").equals("initialize")) {
            x.getResponseHeaders().add("Mcp-Session-Id", "s-" + UUID.randomUUID());
            JsonObject init =
                    Json.createObjectBuilder()
                            .add(
                                    "protocolVersion",
                                    mode.equals("odd") ? "2025-06-18\r\nX-Evil: 1" : "2025-06-18")
                            .add("capabilities", JsonValue.EMPTY_JSON_OBJECT)
                            .add(
                                    "serverInfo",
                                    Json.createObjectBuilder()
                                            .add("name", mode)
                                            .add("version", "1"))
                            .build();
            byte[] out = rpcResult(m.get("id"), init).getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, out.length);
            x.getResponseBody().write(out);
            x.close();
            return;
        }
        upstreamCalls.add(m.getJsonObject("params"));
        x.getResponseHeaders().add("Content-Type", "text/event-stream");
        x.sendResponseHeaders(200, 0);
        var body = x.getResponseBody();
        long end = System.nanoTime() + Duration.ofSeconds(mode.equals("slow") ? 30 : 20).toNanos();
        try {
            if (mode.equals("rich")) {
                JsonObject result =
                        Json.createObjectBuilder()
                                .add(
                                        "content",
                                        Json.createArrayBuilder()
                                                .add(
                                                        Json.createObjectBuilder()
                                                                .add("type", "text")
                                                                .add("text", "contact " + EMAIL))
                                                .add(
                                                        Json.createObjectBuilder()
                                                                .add("type", "resource")
                                                                .add(
                                                                        "resource",
                                                                        Json.createObjectBuilder()
                                                                                .add(
                                                                                        "uri",
                                                                                        "mem://card/1")
                                                                                .add(
                                                                                        "mimeType",
                                                                                        "text/plain")
                                                                                .add(
                                                                                        "text",
                                                                                        "mail "
                                                                                                + EMAIL))))
                                .add(
                                        "structuredContent",
                                        Json.createObjectBuilder().add("contact", EMAIL))
                                .add("_meta", Json.createObjectBuilder().add("note", EMAIL))
                                .add("isError", false)
                                .build();
                body.write(
                        ("id: 0\ndata:\n\ndata: hello\n\ndata: "
                                        + rpcResult(m.get("id"), result)
                                        + "\n\n")
                                .getBytes(StandardCharsets.UTF_8));
                body.flush();
            }
            while (System.nanoTime() < end) {
                Thread.sleep(200);
                body.write(": still here\n".getBytes(StandardCharsets.UTF_8));
                body.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the gateway hung up: what it should do
        } finally {
            x.close();
        }
    }

    static String rpcResult(JsonValue id, JsonObject result) {
        return Json.createObjectBuilder()
                .add("jsonrpc", "2.0")
                .add("id", id)
                .add("result", result)
                .build()
                .toString();
    }

    /** One raw JSON-RPC {@code tools/call} on {@code /mcp}. */
    static Http.Response callRaw(String apiKey, String tool, String argumentsJson) {
        return HTTP.post(
                "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\""
                        + tool
                        + "\",\"arguments\":"
                        + argumentsJson
                        + "}}",
                "Authorization",
                "Bearer " + apiKey);
    }

    static String url() {
        return "http://localhost:" + upstream.getAddress().getPort() + "/mcp";
    }

    static JsonObject server(String url) {
        JsonObject queryOnly =
                Json.createObjectBuilder()
                        .add("type", "object")
                        .add(
                                "properties",
                                Json.createObjectBuilder()
                                        .add(
                                                "query",
                                                Json.createObjectBuilder().add("type", "string")))
                        .add("required", Json.createArrayBuilder().add("query"))
                        .build();
        return Json.createObjectBuilder()
                .add("url", url)
                .add("credential", CREDENTIAL)
                .add(
                        "tools",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("name", "lookup")
                                                .add("description", "Looks a customer up")
                                                .add("risk", "low")
                                                .add("approval", "none")
                                                .add("inputSchema", queryOnly))
                                .add(
                                        Json.createObjectBuilder()
                                                .add("name", "notify")
                                                .add("description", "Sends a notice")
                                                .add("risk", "medium")
                                                .add("approval", "none")))
                .build();
    }

    static McpSyncClient client(String apiKey) {
        return client(TestEnv.baseUrl(), apiKey);
    }

    /** The SDK's client on {@code base}'s {@code /mcp}, initialized (protocol 2025-11-25). */
    static McpSyncClient client(String base, String apiKey) {
        var transport =
                HttpClientStreamableHttpTransport.builder(base)
                        .endpoint("/mcp")
                        .httpRequestCustomizer(
                                (b, method, uri, body, ctx) ->
                                        b.header("Authorization", "Bearer " + apiKey))
                        .build();
        McpSyncClient c = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        McpSchema.InitializeResult init = c.initialize();
        assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
        return c;
    }

    static List<String> toolNames(String apiKey) {
        return toolNames(TestEnv.baseUrl(), apiKey);
    }

    static List<String> toolNames(String base, String apiKey) {
        try (McpSyncClient c = client(base, apiKey)) {
            return c.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
        }
    }

    static String key(TestTenant t, String scopeJson) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/keys",
                        "{\"name\":\"mcp scoped\",\"allowedRoutes\":" + scopeJson + "}",
                        t.auth("admin"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().getString("key");
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    /** Registers {@code name} through review (HIGH risk: two reviewers); returns the change id. */
    static String register(TestTenant t, String name) {
        return register(t, name, server(url()));
    }

    static String register(TestTenant t, String name, JsonObject content) {
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("mcp_server", name, content, "new MCP server"),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(CREDENTIAL);
        String id = created.json().getString("id");
        JsonObject c = Changes.get(t, id);
        assertThat(c.getString("risk")).isEqualTo("HIGH");
        assertThat(c.getInt("requiredApprovals")).isEqualTo(2);
        assertThat(c.getJsonObject("content").getString("credential")).isEqualTo("********");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        assertThat(Changes.act(t, "admin", id, "publish").status()).isEqualTo(409);
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        return id;
    }

    @Test
    void aServerGoesLiveOnlyThroughReviewAndToolsAreListedByKeyScope() {
        TestTenant t = TestTenant.fresh();
        // the egress rules apply to the URL: a loopback address the operator did not allow
        Http.Response privateUrl =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body(
                                "mcp_server",
                                "crm",
                                server(
                                        "http://127.0.0.1:"
                                                + upstream.getAddress().getPort()
                                                + "/mcp"),
                                "x"),
                        t.auth("author"));
        assertThat(privateUrl.status()).as(privateUrl.toString()).isEqualTo(400);
        assertThat(privateUrl.json().getString("param")).isEqualTo("content.url");
        // an auditor may not propose one
        assertThat(
                        HTTP.post(
                                        "/api/v1/changes",
                                        Changes.body("mcp_server", "crm", server(url()), "x"),
                                        t.auth("auditor"))
                                .status())
                .isEqualTo(403);
        // nothing is listed before the server is published
        assertThat(toolNames(t.apiKey())).isEmpty();

        register(t, "crm");
        // a key without mcp: entries (an empty scope: every route) reaches no tool
        assertThat(toolNames(t.apiKey())).isEmpty();
        try (McpSyncClient c = client(t.apiKey())) {
            assertThatThrownBy(
                            () ->
                                    c.callTool(
                                            new McpSchema.CallToolRequest(
                                                    "crm__lookup", Map.of("query", "x"))))
                    .isInstanceOfSatisfying(
                            McpError.class,
                            e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32602));
        }
        assertThat(toolNames(key(t, "[\"mcp:crm__lookup\"]"))).containsExactly("crm__lookup");
        assertThat(toolNames(key(t, "[\"mcp:crm\"]")))
                .containsExactly("crm__lookup", "crm__notify");
        assertThat(toolNames(key(t, "[\"mcp:*\"]"))).containsExactly("crm__lookup", "crm__notify");
        // a key scoped to routes only reaches no tool
        assertThat(toolNames(key(t, "[\"sandbox\"]"))).isEmpty();
        // and a key scoped to one tool cannot call the other
        try (McpSyncClient c = client(key(t, "[\"mcp:crm__lookup\"]"))) {
            assertThatThrownBy(
                            () ->
                                    c.callTool(
                                            new McpSchema.CallToolRequest(
                                                    "crm__notify", Map.of("query", "x"))))
                    .isInstanceOfSatisfying(
                            McpError.class,
                            e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32602));
        }
    }

    @Test
    void everyCallPassesPolicyTheUpstreamWithItsCredentialAndTheAudit() {
        TestTenant t = TestTenant.fresh();
        String published = register(t, "crm");
        JsonObject policy =
                Json.createObjectBuilder(Changes.noIpPolicy())
                        .add(
                                "rules",
                                Json.createArrayBuilder(Changes.noIpPolicy().getJsonArray("rules"))
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "no-mail")
                                                        .add(
                                                                "condition",
                                                                "entities.email.count > 0")
                                                        .add("action", "redact")
                                                        .add(
                                                                "entities",
                                                                Json.createArrayBuilder()
                                                                        .add("email"))))
                        .build();
        Changes.publishPolicy(t, "mcp-args", policy);
        // arguments and results are kept only as the tenant's retention says: here, redacted
        Http.Response retention =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"redacted\",\"retentionDays\":30}",
                        t.auth("admin"));
        assertThat(retention.status()).as(retention.toString()).isEqualTo(200);
        int before = upstreamCalls.size();
        try (McpSyncClient c = client(key(t, "[\"mcp:*\"]"))) {
            McpSchema.CallToolResult ok =
                    c.callTool(
                            new McpSchema.CallToolRequest(
                                    "crm__lookup", Map.of("query", "mail jane.roe@example.com")));
            assertThat(ok.isError()).isFalse();
            assertThat(text(ok)).isEqualTo("found: mail [EMAIL]");
            // the upstream saw the redacted argument, with the stored credential
            assertThat(upstreamCalls.size()).isEqualTo(before + 1);
            JsonObject sent = upstreamCalls.get(upstreamCalls.size() - 1);
            assertThat(sent.getString("name")).isEqualTo("lookup");
            assertThat(sent.getJsonObject("arguments").getString("query"))
                    .isEqualTo("mail [EMAIL]");
            assertThat(upstreamAuth.get(upstreamAuth.size() - 1)).isEqualTo("Bearer " + CREDENTIAL);

            McpSchema.CallToolResult denied =
                    c.callTool(
                            new McpSchema.CallToolRequest(
                                    "crm__lookup", Map.of("query", "host 10.1.2.3")));
            assertThat(denied.isError()).isTrue();
            assertThat(text(denied)).contains("ip_not_allowed");
            assertThat(upstreamCalls.size()).isEqualTo(before + 1); // never sent

            // bad arguments and unknown tools are JSON-RPC -32602, nothing is called
            for (McpSchema.CallToolRequest bad :
                    List.of(
                            new McpSchema.CallToolRequest("crm__lookup", Map.of("other", "x")),
                            new McpSchema.CallToolRequest("crm__lookup", Map.of("query", 5)),
                            new McpSchema.CallToolRequest("crm__missing", Map.of()),
                            new McpSchema.CallToolRequest("nosuch__lookup", Map.of()))) {
                assertThatThrownBy(() -> c.callTool(bad))
                        .as(bad.name())
                        .isInstanceOfSatisfying(
                                McpError.class,
                                e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32602));
            }
            assertThat(upstreamCalls.size()).isEqualTo(before + 1);
        }

        // one audit event per call, naming key, server, its published version, tool, outcome
        Http.Response events =
                HTTP.get("/api/v1/audit/events?action=mcp.tool_call", t.auth("auditor"));
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        List<JsonObject> list = events.json().getJsonArray("events").getValuesAs(JsonObject.class);
        // the two calls that ran, and the four refused before running (probing is visible)
        assertThat(list).hasSize(6);
        assertThat(list.stream().map(e -> e.getJsonObject("details").getString("reason", "-")))
                .containsExactlyInAnyOrder(
                        "-",
                        "ip_not_allowed",
                        "invalid_arguments",
                        "invalid_arguments",
                        "unknown_tool",
                        "unknown_tool");
        JsonObject okEvent =
                list.stream()
                        .filter(e -> e.getString("outcome").equals("success"))
                        .findFirst()
                        .orElseThrow();
        JsonObject deniedEvent =
                list.stream()
                        .filter(
                                e ->
                                        e.getJsonObject("details")
                                                .getString("reason", "-")
                                                .equals("ip_not_allowed"))
                        .findFirst()
                        .orElseThrow();
        assertThat(okEvent.getString("outcome")).isEqualTo("success");
        assertThat(deniedEvent.getString("outcome")).isEqualTo("denied");
        for (JsonObject e : List.of(okEvent, deniedEvent)) {
            JsonObject d = e.getJsonObject("details");
            assertThat(e.getString("targetId")).isEqualTo("crm__lookup");
            assertThat(d.getString("server")).isEqualTo("crm");
            assertThat(d.getString("tool")).isEqualTo("lookup");
            assertThat(d.getString("mcpServerVersion")).isEqualTo(published);
            assertThat(d.getJsonNumber("latencyMs").longValue()).isGreaterThanOrEqualTo(0);
            assertThat(e.toString())
                    .doesNotContain("jane.roe@example.com")
                    .doesNotContain(CREDENTIAL);
        }
        assertThat(deniedEvent.getJsonObject("details").getString("reason"))
                .isEqualTo("ip_not_allowed");
        assertThat(okEvent.getJsonObject("details").getBoolean("argumentsRedacted")).isTrue();
        assertThat(okEvent.getString("actorKind")).isEqualTo("api_key");

        Http.Response kept =
                HTTP.get(
                        "/api/v1/audit/events/" + okEvent.getString("id") + "?include=content",
                        t.auth("auditor"));
        assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
        assertThat(kept.body())
                .contains("mail [EMAIL]")
                .doesNotContain("jane.roe@example.com")
                .doesNotContain(CREDENTIAL);
        // a call input policy denied keeps no arguments under redacted retention
        Http.Response deniedKept =
                HTTP.get(
                        "/api/v1/audit/events/" + deniedEvent.getString("id") + "?include=content",
                        t.auth("auditor"));
        assertThat(deniedKept.status()).as(deniedKept.toString()).isEqualTo(200);
        assertThat(deniedKept.body()).doesNotContain("10.1.2.3");

        // the call is in its request's lineage, and the server's version leads to its review
        Http.Response lineage =
                HTTP.get(
                        "/api/v1/lineage/requests/" + okEvent.getString("requestId"),
                        t.auth("auditor"));
        assertThat(lineage.status()).as(lineage.toString()).isEqualTo(200);
        assertThat(lineage.body()).contains("mcp.tool_call").contains(published);
        Http.Response publish =
                HTTP.get(
                        "/api/v1/audit/events?action=change.publish&target=" + published,
                        t.auth("auditor"));
        assertThat(publish.body()).contains("\"mcpServerVersion\":\"" + published + "\"");
    }

    @Test
    void noKeyAForeignOriginAndAnotherTenantsServerAreRefused() {
        TestTenant owner = TestTenant.fresh();
        String change = register(owner, "crm");
        TestTenant other = TestTenant.fresh();
        String init =
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
        assertThat(HTTP.post("/mcp", init).status()).isEqualTo(401);
        assertThat(HTTP.post("/mcp", init, owner.auth("admin")).status()).isEqualTo(401);
        assertThat(HTTP.post("/mcp", init, "Authorization", "Bearer gh_live_nope").status())
                .isEqualTo(401);
        Http.Response foreign =
                HTTP.post(
                        "/mcp",
                        init,
                        "Authorization",
                        "Bearer " + owner.apiKey(),
                        "Origin",
                        "https://evil.example");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.json().getJsonObject("error").getInt("code")).isEqualTo(-32600);
        Http.Response ok = HTTP.post("/mcp", init, "Authorization", "Bearer " + owner.apiKey());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().getJsonObject("result").getString("protocolVersion"))
                .isEqualTo("2025-11-25");
        Http.Response notJson =
                HTTP.post("/mcp", "{nope", "Authorization", "Bearer " + owner.apiKey());
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().getJsonObject("error").getInt("code")).isEqualTo(-32700);
        Http.Response batch =
                HTTP.post("/mcp", "[" + init + "]", "Authorization", "Bearer " + owner.apiKey());
        assertThat(batch.json().getJsonObject("error").getInt("code")).isEqualTo(-32600);
        Http.Response unknown =
                HTTP.post(
                        "/mcp",
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/list\"}",
                        "Authorization",
                        "Bearer " + owner.apiKey());
        assertThat(unknown.json().getJsonObject("error").getInt("code")).isEqualTo(-32601);
        // stateless: no stream to open, no session to end
        assertThat(HTTP.get("/mcp", "Authorization", "Bearer " + owner.apiKey()).status())
                .isEqualTo(405);
        assertThat(
                        HTTP.method(
                                        "DELETE",
                                        "/mcp",
                                        null,
                                        "Authorization",
                                        "Bearer " + owner.apiKey())
                                .status())
                .isEqualTo(405);

        // JSON nested too deep is a JSON-RPC parse error too, not problem JSON
        Http.Response deep =
                HTTP.post(
                        "/mcp",
                        "[".repeat(200) + "]".repeat(200),
                        "Authorization",
                        "Bearer " + owner.apiKey());
        assertThat(deep.status()).isEqualTo(400);
        assertThat(deep.json().getJsonObject("error").getInt("code")).isEqualTo(-32700);

        // another tenant neither sees nor calls it (even with a key for all its tools), nor
        // reads its change
        String otherKey = key(other, "[\"mcp:*\"]");
        assertThat(toolNames(otherKey)).doesNotContain("crm__lookup");
        int before = upstreamCalls.size();
        try (McpSyncClient c = client(otherKey)) {
            assertThatThrownBy(
                            () ->
                                    c.callTool(
                                            new McpSchema.CallToolRequest(
                                                    "crm__lookup", Map.of("query", "x"))))
                    .isInstanceOfSatisfying(
                            McpError.class,
                            e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32602));
        }
        assertThat(upstreamCalls.size()).isEqualTo(before);
        assertThat(HTTP.get("/api/v1/changes/" + change, other.auth("admin")).status())
                .isEqualTo(404);
    }

    @Test
    void demoModeHasTheSandboxServerWhoseApprovalToolNeverRunsUnseen() {
        TestTenant demo = TestTenant.demo();
        try (McpSyncClient c = client(key(demo, "[\"mcp:sandbox\"]"))) {
            assertThat(c.listTools().tools().stream().map(McpSchema.Tool::name))
                    .contains("sandbox__echo", "sandbox__approve_payment");
            McpSchema.CallToolResult echo =
                    c.callTool(
                            new McpSchema.CallToolRequest(
                                    "sandbox__echo", Map.of("text", "hello there")));
            assertThat(echo.isError()).isFalse();
            assertThat(text(echo)).isEqualTo("hello there");
        }
        // a client that cannot wait on an event stream (no Accept: text/event-stream) never runs
        // the approval tool: refused at once (held calls: McpOversightIT)
        Http.Response refused =
                callRaw(
                        key(demo, "[\"mcp:sandbox\"]"),
                        "sandbox__approve_payment",
                        "{\"payee\":\"ACME\",\"amount\":\"10 EUR\"}");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(200);
        JsonObject refusedResult = refused.json().getJsonObject("result");
        assertThat(refusedResult.getBoolean("isError")).isTrue();
        assertThat(refusedResult.getJsonArray("content").getJsonObject(0).getString("text"))
                .startsWith("approval_required");
        // the key's rate limit holds for tool calls: the second call in a minute is refused
        Http.Response limited =
                HTTP.post(
                        "/api/v1/keys",
                        "{\"name\":\"mcp one per minute\",\"rpmLimit\":1,\"allowedRoutes\":[\"mcp:*\"]}",
                        demo.auth("admin"));
        assertThat(limited.status()).as(limited.toString()).isEqualTo(201);
        try (McpSyncClient c = client(limited.json().getString("key"))) {
            var echo = new McpSchema.CallToolRequest("sandbox__echo", Map.of("text", "one"));
            assertThat(c.callTool(echo).isError()).isFalse();
            McpSchema.CallToolResult second = c.callTool(echo);
            assertThat(second.isError()).isTrue();
            assertThat(text(second)).startsWith("rate_limit_exceeded");
        }
    }

    @Test
    void resultsSlowUpstreamsKeysNumbersAndGatewayFaultsArePolicedAndAuditedOnce() {
        TestTenant t = TestTenant.fresh();
        String base = "http://localhost:" + upstream.getAddress().getPort();
        register(t, "rich", server(base + "/rich/mcp"));
        register(t, "slow", server(base + "/slow/mcp"));
        register(t, "odd", server(base + "/odd/mcp"));
        JsonObject policy =
                Json.createObjectBuilder()
                        .add(
                                "rules",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "no-mail")
                                                        .add(
                                                                "condition",
                                                                "entities.email.count > 0")
                                                        .add("action", "redact")
                                                        .add("stage", "both")
                                                        .add(
                                                                "entities",
                                                                Json.createArrayBuilder()
                                                                        .add("email")))
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "no-card")
                                                        .add("condition", "entities.card.count > 0")
                                                        .add("action", "deny")
                                                        .add("code", "card_not_allowed")
                                                        .add("message", "No card numbers")))
                        .build();
        Changes.publishPolicy(t, "mcp-results", policy);
        Http.Response retention =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"redacted\",\"retentionDays\":30}",
                        t.auth("admin"));
        assertThat(retention.status()).as(retention.toString()).isEqualTo(200);
        String key = key(t, "[\"mcp:*\"]");
        long timeoutMs = Long.parseLong(TestEnv.env("GATEHOUSE_MCP_CALL_TIMEOUT_MS", "5000"));

        // every string of the result passes output policy, wherever it is; the event stream's
        // priming and non-JSON events are skipped, and the call ends once the answer is read
        // although the upstream keeps its stream open
        long start = System.nanoTime();
        Http.Response rich = callRaw(key, "rich__lookup", "{\"query\":\"q\"}");
        long richMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(rich.status()).as(rich.toString()).isEqualTo(200);
        JsonObject result = rich.json().getJsonObject("result");
        assertThat(result.getBoolean("isError")).as(rich.body()).isFalse();
        assertThat(rich.body()).doesNotContain(EMAIL);
        assertThat(result.getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("contact [EMAIL]");
        assertThat(
                        result.getJsonArray("content")
                                .getJsonObject(1)
                                .getJsonObject("resource")
                                .getString("text"))
                .isEqualTo("mail [EMAIL]");
        assertThat(result.getJsonObject("structuredContent").getString("contact"))
                .isEqualTo("[EMAIL]");
        assertThat(result.getJsonObject("_meta").getString("note")).isEqualTo("[EMAIL]");
        assertThat(richMs).isLessThan(timeoutMs);

        // an upstream that never answers: the call ends at the configured deadline, as an error
        start = System.nanoTime();
        Http.Response slow = callRaw(key, "slow__lookup", "{\"query\":\"q\"}");
        long slowMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(slow.status()).as(slow.toString()).isEqualTo(200);
        JsonObject slowResult = slow.json().getJsonObject("result");
        assertThat(slowResult.getBoolean("isError")).isTrue();
        assertThat(slowResult.getJsonArray("content").getJsonObject(0).getString("text"))
                .startsWith("upstream_error")
                .contains("did not answer within");
        assertThat(slowMs).isGreaterThanOrEqualTo(timeoutMs - 500).isLessThan(timeoutMs + 3000);

        // a gateway fault (an upstream protocol version no header can carry) is a JSON-RPC
        // error and one audit event, not a bare 500
        Http.Response odd = callRaw(key, "odd__lookup", "{\"query\":\"q\"}");
        assertThat(odd.status()).as(odd.toString()).isEqualTo(200);
        assertThat(odd.json().getJsonObject("error").getInt("code")).isEqualTo(-32603);
        assertThat(odd.body()).doesNotContain("Exception");

        // object keys and numbers reach input policy too: a redacted key refuses the call, a
        // card number sent as a number is denied; neither reaches the upstream
        int before = upstreamCalls.size();
        Http.Response byKey = callRaw(key, "rich__notify", "{\"" + EMAIL + "\":\"hi\"}");
        assertThat(byKey.json().getJsonObject("result").getBoolean("isError"))
                .as(byKey.body())
                .isTrue();
        assertThat(byKey.body()).contains("redaction_not_replaceable").doesNotContain(EMAIL);
        Http.Response byNumber = callRaw(key, "rich__notify", "{\"amount\":4111111111111111}");
        assertThat(byNumber.json().getJsonObject("result").getBoolean("isError"))
                .as(byNumber.body())
                .isTrue();
        assertThat(byNumber.body()).contains("card_not_allowed");
        assertThat(upstreamCalls.size()).isEqualTo(before);

        // exactly one event per call, each with its outcome and reason
        Http.Response events =
                HTTP.get("/api/v1/audit/events?action=mcp.tool_call", t.auth("auditor"));
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        List<JsonObject> list = events.json().getJsonArray("events").getValuesAs(JsonObject.class);
        assertThat(list)
                .extracting(
                        e ->
                                e.getString("targetId")
                                        + " "
                                        + e.getString("outcome")
                                        + " "
                                        + e.getJsonObject("details").getString("reason", "-"))
                .containsExactlyInAnyOrder(
                        "rich__lookup success -",
                        "slow__lookup error upstream_error",
                        "odd__lookup error internal_error",
                        "rich__notify denied redaction_not_replaceable",
                        "rich__notify denied card_not_allowed");
        JsonObject richEvent =
                list.stream()
                        .filter(e -> e.getString("targetId").equals("rich__lookup"))
                        .findFirst()
                        .orElseThrow();
        // every output decision is recorded, not only the last text's
        assertThat(richEvent.getJsonObject("details").getJsonArray("outputChecks")).isNotEmpty();
        assertThat(events.body()).doesNotContain(EMAIL).doesNotContain("4111111111111111");
        for (JsonObject e : list) {
            Http.Response kept =
                    HTTP.get(
                            "/api/v1/audit/events/" + e.getString("id") + "?include=content",
                            t.auth("auditor"));
            assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
            // the redacted copy is stored: no address from the result, no denied argument
            assertThat(kept.body())
                    .as(e.getString("targetId"))
                    .doesNotContain(EMAIL)
                    .doesNotContain("4111111111111111")
                    .doesNotContain(CREDENTIAL);
        }
    }

    @Test
    void toolNamesDifferingOnlyInCaseAreRefused() {
        TestTenant t = TestTenant.fresh();
        JsonObject twins =
                Json.createObjectBuilder(server(url()))
                        .add(
                                "tools",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("name", "refund")
                                                        .add("description", "Refunds")
                                                        .add("risk", "high")
                                                        .add("approval", "none"))
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("name", "Refund")
                                                        .add("description", "Refunds too")
                                                        .add("risk", "high")
                                                        .add("approval", "none")))
                        .build();
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("mcp_server", "pay", twins, "twins"),
                        t.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().getString("param")).isEqualTo("content.tools[1].name");
    }
}
