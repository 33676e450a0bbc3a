package io.gatehouse.routing;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.SdkMcpUpstream;
import io.gatehouse.testing.TestTenant;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP gateway from the attacker's side (issue 18): every path that changes who reviewed an
 * {@code mcp_server} change, every tool name and key scope a caller can choose, two tenants with
 * the same server name, a credential taken away mid-session, and every place the upstream's
 * credential could come back out. Upstreams are {@link SdkMcpUpstream}s (the MCP Java SDK's own
 * server), which record what reached them and with which credential.
 */
class McpGatewayAttackIT {
    static final String CRED_ALPHA = "cred-alpha-" + UUID.randomUUID();
    static final String CRED_BETA = "cred-beta-" + UUID.randomUUID();

    /** Upstreams: alpha (t1, t2), beta (t1), shared (lookup, wipe) and leaky (echoes headers). */
    static SdkMcpUpstream alpha;

    static SdkMcpUpstream beta;
    static SdkMcpUpstream shared;
    static SdkMcpUpstream leaky;

    @BeforeAll
    static void start() {
        alpha =
                SdkMcpUpstream.builder()
                        .tool("t1", c -> SdkMcpUpstream.text("alpha t1", false))
                        .tool("t2", c -> SdkMcpUpstream.text("alpha t2", false))
                        .start();
        beta =
                SdkMcpUpstream.builder()
                        .tool("t1", c -> SdkMcpUpstream.text("beta t1", false))
                        .start();
        shared =
                SdkMcpUpstream.builder()
                        .tool("lookup", c -> SdkMcpUpstream.text("looked up", false))
                        .tool("wipe", c -> SdkMcpUpstream.text("wiped", false))
                        .start();
        // an upstream that hands back the Authorization header it got, every way it can
        leaky =
                SdkMcpUpstream.builder()
                        .tool(
                                "echo_header",
                                c -> SdkMcpUpstream.text("you sent " + c.authorization(), false))
                        .tool(
                                "fail_result",
                                c ->
                                        SdkMcpUpstream.text(
                                                "refused, bad token: " + c.authorization(), true))
                        .tool(
                                "fail_rpc",
                                c -> {
                                    // long enough that a cut at 300 characters falls inside the
                                    // credential
                                    throw McpError.builder(-32001)
                                            .message("x".repeat(270) + " " + c.authorization())
                                            .build();
                                })
                        .tool(
                                "fail_runtime",
                                c -> {
                                    throw new IllegalStateException(
                                            "boom for " + c.authorization());
                                })
                        .start();
    }

    @AfterAll
    static void stop() {
        for (SdkMcpUpstream u : new SdkMcpUpstream[] {alpha, beta, shared, leaky}) {
            if (u != null) {
                u.close();
            }
        }
    }

    static JsonObject server(String url, String credential, String... tools) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (String tool : tools) {
            list.add(
                    Json.createObjectBuilder()
                            .add("name", tool)
                            .add("description", "tool " + tool)
                            .add("risk", "low")
                            .add("approval", "none"));
        }
        return Json.createObjectBuilder()
                .add("url", url)
                .add("credential", credential)
                .add("tools", list)
                .build();
    }

    static Http.Response propose(TestTenant t, String role, String name, JsonObject content) {
        return HTTP.post(
                "/api/v1/changes",
                Changes.body("mcp_server", name, content, "new MCP server"),
                t.auth(role));
    }

    /** Proposed by the author, approved by both reviewers, published by the admin. */
    static String register(TestTenant t, String name, JsonObject content) {
        Http.Response created = propose(t, "author", name, content);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        return id;
    }

    /** A raw {@code tools/call} (the tool name exactly as given, JSON-escaped). */
    static Http.Response call(String apiKey, String tool) {
        return HTTP.post(
                "/mcp",
                Json.createObjectBuilder()
                        .add("jsonrpc", "2.0")
                        .add("id", 7)
                        .add("method", "tools/call")
                        .add(
                                "params",
                                Json.createObjectBuilder()
                                        .add("name", tool)
                                        .add("arguments", Json.createObjectBuilder()))
                        .build()
                        .toString(),
                "Authorization",
                "Bearer " + apiKey);
    }

    static void assertUnknownTool(Http.Response r, String tool) {
        assertThat(r.status()).as(tool + ": " + r).isEqualTo(200);
        JsonObject error = r.json().getJsonObject("error");
        assertThat(error).as(tool + ": " + r.body()).isNotNull();
        assertThat(error.getInt("code")).as(tool).isEqualTo(-32602);
        assertThat(error.getString("message")).as(tool).startsWith("Unknown tool");
    }

    static List<JsonObject> toolCallEvents(TestTenant t) {
        Http.Response events =
                HTTP.get("/api/v1/audit/events?action=mcp.tool_call&limit=100", t.auth("auditor"));
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        return events.json().getJsonArray("events").getValuesAs(JsonObject.class);
    }

    @Test
    void anMcpServerChangeIsApprovedByNeitherItsAuthorNorACoAuthorNorAnotherTenant() {
        TestTenant t = TestTenant.fresh();
        TestTenant other = TestTenant.fresh();

        // four eyes: the admin who proposed a server cannot approve it
        Http.Response own = propose(t, "admin", "gamma", server(alpha.url(), CRED_ALPHA, "t1"));
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        String ownId = own.json().getString("id");
        assertThat(Changes.ok(t, "admin", ownId, "submit")).isEqualTo("in_review");
        Http.Response selfApproval = Changes.act(t, "admin", ownId, "approve");
        assertThat(selfApproval.status()).as(selfApproval.toString()).isEqualTo(403);
        assertThat(selfApproval.body()).contains("own_change");

        // a co-author: the admin revised the author's draft (a new URL and credential), so the
        // admin cannot approve it either, nor reject it
        Http.Response created = propose(t, "author", "alpha", server(beta.url(), CRED_BETA, "t1"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        Http.Response revised =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        Json.createObjectBuilder()
                                .add("content", server(alpha.url(), CRED_ALPHA, "t1", "t2"))
                                .add("comment", "the right upstream")
                                .build()
                                .toString(),
                        t.auth("admin"));
        assertThat(revised.status()).as(revised.toString()).isEqualTo(200);
        assertThat(revised.json().getInt("revision")).isEqualTo(2);
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        for (String action : new String[] {"approve", "reject", "request-changes"}) {
            Http.Response r = Changes.act(t, "admin", id, action);
            assertThat(r.status()).as(action + ": " + r).isEqualTo(403);
            assertThat(r.body()).as(action).contains("own_change");
        }

        // another tenant's people see nothing and change nothing: 404 on every path
        for (String[] step :
                new String[][] {
                    {"reviewer", "approve"},
                    {"reviewer", "reject"},
                    {"reviewer", "request-changes"},
                    {"admin", "approve"},
                    {"admin", "publish"},
                    {"admin", "withdraw"},
                    {"admin", "rebase"},
                    {"admin", "comments"}
                }) {
            Http.Response r = Changes.act(other, step[0], id, step[1]);
            assertThat(r.status()).as(step[0] + " " + step[1] + ": " + r).isEqualTo(404);
        }
        assertThat(HTTP.get("/api/v1/changes/" + id, other.auth("admin")).status()).isEqualTo(404);
        Http.Response foreignRevise =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        Json.createObjectBuilder()
                                .add("content", server(beta.url(), CRED_BETA, "t1"))
                                .build()
                                .toString(),
                        other.auth("admin"));
        assertThat(foreignRevise.status()).as(foreignRevise.toString()).isEqualTo(404);
        // nor does a client key act on a change
        assertThat(
                        HTTP.post(
                                        "/api/v1/changes/" + id + "/approve",
                                        "{}",
                                        "Authorization",
                                        "Bearer " + t.apiKey())
                                .status())
                .isEqualTo(401);

        // a new server is HIGH: one approval does not publish it, the same reviewer twice
        // does not count twice, and the tenant cannot lower the count below two
        assertThat(Changes.get(t, id).getString("risk")).isEqualTo("HIGH");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        Http.Response twice = Changes.act(t, "reviewer", id, "approve");
        assertThat(twice.status()).as(twice.toString()).isEqualTo(409);
        assertThat(twice.body()).contains("already_approved");
        Http.Response early = Changes.act(t, "admin", id, "publish");
        assertThat(early.status()).as(early.toString()).isEqualTo(409);
        Http.Response lower =
                HTTP.method(
                        "PUT",
                        "/api/v1/approval-policies",
                        "{\"kind\":\"mcp_server\",\"risk\":\"HIGH\",\"requiredApprovals\":1}",
                        t.auth("admin"));
        assertThat(lower.status()).as(lower.toString()).isEqualTo(400);
        Http.Response stillEarly = Changes.act(t, "admin", id, "publish");
        assertThat(stillEarly.status()).as(stillEarly.toString()).isEqualTo(409);
        assertThat(stillEarly.body()).contains("not_enough_approvals");
        String key = McpGatewayIT.key(t, "[\"mcp:*\"]");
        assertThat(McpGatewayIT.toolNames(key)).isEmpty();

        // the positive control: a second reviewer who wrote none of it makes it publishable
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        JsonObject approved = Changes.get(t, id);
        assertThat(approved.getInt("approvals")).isEqualTo(2);
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        assertThat(McpGatewayIT.toolNames(key)).containsExactly("alpha__t1", "alpha__t2");
        // the other tenant still sees no tool of it
        assertThat(McpGatewayIT.toolNames(McpGatewayIT.key(other, "[\"mcp:*\"]"))).isEmpty();
        // the audit trail names who approved: never the admin
        Http.Response approvals =
                HTTP.get(
                        "/api/v1/audit/events?action=change.approve&target=" + id,
                        t.auth("auditor"));
        assertThat(approvals.status()).as(approvals.toString()).isEqualTo(200);
        List<JsonObject> events =
                approvals.json().getJsonArray("events").getValuesAs(JsonObject.class);
        assertThat(events)
                .extracting(e -> e.getString("actor"))
                .containsExactlyInAnyOrder(userId(t, "reviewer"), userId(t, "reviewer2"));
        assertThat(approved.getJsonArray("approvedBy").getValuesAs(jakarta.json.JsonString.class))
                .extracting(jakarta.json.JsonString::getString)
                .containsExactlyInAnyOrder(userId(t, "reviewer"), userId(t, "reviewer2"))
                .doesNotContain(userId(t, "admin"));
    }

    static String userId(TestTenant t, String role) {
        return HTTP.get("/api/v1/me", t.auth(role)).json().getString("userId");
    }

    @Test
    void toolsOutsideTheKeysScopeAreUnknownWhateverTheirSpelling() {
        TestTenant t = TestTenant.fresh();
        register(t, "alpha", server(alpha.url(), CRED_ALPHA, "t1", "t2"));
        register(t, "beta", server(beta.url(), CRED_BETA, "t1"));
        int alphaBefore = alpha.calls().size();
        int betaBefore = beta.calls().size();

        // a key scoped to routes only lists and reaches no tool
        String routeOnly = McpGatewayIT.key(t, "[\"sandbox\"]");
        assertThat(McpGatewayIT.toolNames(routeOnly)).isEmpty();
        assertUnknownTool(call(routeOnly, "alpha__t1"), "alpha__t1");

        // mcp:alpha reaches alpha's tools, not beta's
        String alphaOnly = McpGatewayIT.key(t, "[\"mcp:alpha\"]");
        assertThat(McpGatewayIT.toolNames(alphaOnly)).containsExactly("alpha__t1", "alpha__t2");
        assertUnknownTool(call(alphaOnly, "beta__t1"), "beta__t1");

        // mcp:alpha__t1 reaches that one tool
        String oneTool = McpGatewayIT.key(t, "[\"mcp:alpha__t1\"]");
        assertThat(McpGatewayIT.toolNames(oneTool)).containsExactly("alpha__t1");
        assertUnknownTool(call(oneTool, "alpha__t2"), "alpha__t2");

        // scopes spelled another way reach nothing
        for (String scope :
                List.of("mcp:ALPHA", "mcp:alpha__T1", "mcp:alpha__", "mcp:alpha_", "MCP:alpha")) {
            String k = McpGatewayIT.key(t, "[\"" + scope + "\"]");
            assertThat(McpGatewayIT.toolNames(k)).as(scope).isEmpty();
            assertUnknownTool(call(k, "alpha__t1"), scope + " -> alpha__t1");
        }

        // even a key for every tool: only the exact exposed name is a tool
        String all = McpGatewayIT.key(t, "[\"mcp:*\"]");
        List<String> spellings =
                List.of(
                        "alpha___t1",
                        "alpha__t1_",
                        "alpha__t1__",
                        "ALPHA__t1",
                        "Alpha__t1",
                        "alpha__T1",
                        "alpha__t1 ",
                        " alpha__t1",
                        "alpha_t1",
                        "alpha__",
                        "__t1",
                        "alpha",
                        "mcp:alpha__t1",
                        "alpha/t1",
                        "alpha__t1\u0000",
                        "alpha\u200b__t1");
        for (String name : spellings) {
            assertUnknownTool(call(all, name), name);
        }
        assertThat(alpha.calls()).hasSize(alphaBefore);
        assertThat(beta.calls()).hasSize(betaBefore);

        // the positive control: the exact names reach their own upstream
        Http.Response ok = call(oneTool, "alpha__t1");
        assertThat(ok.json().getJsonObject("result").getBoolean("isError")).as(ok.body()).isFalse();
        Http.Response okBeta = call(all, "beta__t1");
        assertThat(okBeta.json().getJsonObject("result").getBoolean("isError"))
                .as(okBeta.body())
                .isFalse();
        assertThat(alpha.calls()).hasSize(alphaBefore + 1);
        assertThat(alpha.calls().get(alphaBefore).tool()).isEqualTo("t1");
        assertThat(beta.calls()).hasSize(betaBefore + 1);

        // every refused call is in the trail, denied as unknown_tool
        int refused = 3 + 5 + spellings.size();
        List<JsonObject> events = toolCallEvents(t);
        assertThat(
                        events.stream()
                                .filter(
                                        e ->
                                                e.getString("outcome").equals("denied")
                                                        && e.getJsonObject("details")
                                                                .getString("reason", "")
                                                                .equals("unknown_tool")))
                .hasSize(refused);
        assertThat(events.stream().filter(e -> e.getString("outcome").equals("success")))
                .hasSize(2);
    }

    @Test
    void twoTenantsWithTheSameServerNameEachReachOnlyTheirOwnWithTheirOwnCredential() {
        TestTenant a = TestTenant.fresh();
        TestTenant b = TestTenant.fresh();
        String credA = "cred-a-" + UUID.randomUUID();
        String credB = "cred-b-" + UUID.randomUUID();
        // the same name and the same upstream: only the tenant tells them apart
        register(a, "crm", server(shared.url(), credA, "lookup"));
        register(b, "crm", server(shared.url(), credB, "lookup", "wipe"));
        String keyA = McpGatewayIT.key(a, "[\"mcp:crm\"]");
        String keyB = McpGatewayIT.key(b, "[\"mcp:crm\"]");
        assertThat(McpGatewayIT.toolNames(keyA)).containsExactly("crm__lookup");
        assertThat(McpGatewayIT.toolNames(keyB)).containsExactly("crm__lookup", "crm__wipe");

        int calls = shared.calls().size();
        int requests = shared.requests().size();
        Http.Response fromA = call(keyA, "crm__lookup");
        assertThat(fromA.json().getJsonObject("result").getBoolean("isError"))
                .as(fromA.body())
                .isFalse();
        // every request of A's upstream session (initialize, notification, call, end) carried
        // A's credential
        List<SdkMcpUpstream.Request> sessionA =
                shared.requests().subList(requests, shared.requests().size());
        assertThat(sessionA).isNotEmpty();
        assertThat(sessionA)
                .extracting(SdkMcpUpstream.Request::authorization)
                .containsOnly("Bearer " + credA);
        assertThat(shared.calls()).hasSize(calls + 1);
        assertThat(shared.calls().get(calls).authorization()).isEqualTo("Bearer " + credA);

        Http.Response fromB = call(keyB, "crm__lookup");
        assertThat(fromB.json().getJsonObject("result").getBoolean("isError"))
                .as(fromB.body())
                .isFalse();
        assertThat(shared.calls()).hasSize(calls + 2);
        assertThat(shared.calls().get(calls + 1).authorization()).isEqualTo("Bearer " + credB);

        // A's key cannot reach B's extra tool of the same server name
        assertUnknownTool(call(keyA, "crm__wipe"), "crm__wipe");
        assertThat(shared.calls()).hasSize(calls + 2);
        assertThat(shared.calls()).extracting(SdkMcpUpstream.Call::tool).doesNotContain("wipe");

        // each tenant's trail holds its own calls only
        assertThat(toolCallEvents(a))
                .extracting(e -> e.getString("targetId") + " " + e.getString("outcome"))
                .containsExactlyInAnyOrder("crm__lookup success", "crm__wipe denied");
        assertThat(toolCallEvents(b))
                .extracting(e -> e.getString("targetId") + " " + e.getString("outcome"))
                .containsExactly("crm__lookup success");
    }

    @Test
    void aRevokedKeyASuspendedTenantAndAPersonsTokenReachNoTool() {
        TestTenant t = TestTenant.fresh();
        register(t, "alpha", server(alpha.url(), CRED_ALPHA, "t1", "t2"));
        var t1 = new McpSchema.CallToolRequest("alpha__t1", Map.of());

        // a key revoked while its client's session is open: the next call is 401
        Http.Response created =
                HTTP.post(
                        "/api/v1/keys",
                        "{\"name\":\"agent\",\"allowedRoutes\":[\"mcp:alpha\"]}",
                        t.auth("admin"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String key = created.json().getString("key");
        int before = alpha.calls().size();
        try (McpSyncClient c = McpGatewayIT.client(key)) {
            assertThat(c.callTool(t1).isError()).isFalse();
            Http.Response revoked =
                    HTTP.post(
                            "/api/v1/keys/" + created.json().getString("id") + "/revoke",
                            "",
                            t.auth("admin"));
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            assertThatThrownBy(() -> c.callTool(t1)).satisfies(e -> refusedWith(e, 401));
        }
        assertThat(call(key, "alpha__t1").status()).isEqualTo(401);
        assertThat(alpha.calls()).hasSize(before + 1);

        // the tenant suspended while a session is open: 403 tenant_suspended, until resumed
        String live = McpGatewayIT.key(t, "[\"mcp:alpha\"]");
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        try (McpSyncClient c = McpGatewayIT.client(live)) {
            assertThat(c.callTool(t1).isError()).isFalse();
            assertThat(setStatus(t, "suspended", platform).status()).isEqualTo(200);
            try {
                assertThatThrownBy(() -> c.callTool(t1)).satisfies(e -> refusedWith(e, 403));
                Http.Response suspended = call(live, "alpha__t1");
                assertThat(suspended.status()).isEqualTo(403);
                assertThat(suspended.body()).contains("tenant_suspended");
                assertThat(alpha.calls()).hasSize(before + 2);
            } finally {
                assertThat(setStatus(t, "active", platform).status()).isEqualTo(200);
            }
        }
        // the positive control: resumed, the same key calls again
        Http.Response resumed = call(live, "alpha__t1");
        assertThat(resumed.json().getJsonObject("result").getBoolean("isError"))
                .as(resumed.body())
                .isFalse();
        assertThat(alpha.calls()).hasSize(before + 3);

        // a person's token is not a key: the tenant's admin and the platform admin get 401
        for (String token : new String[] {t.token("admin"), t.token("reviewer"), platform}) {
            assertThat(call(token, "alpha__t1").status()).isEqualTo(401);
            assertThatThrownBy(() -> McpGatewayIT.client(token))
                    .satisfies(e -> refusedWith(e, 401));
        }
        assertThat(alpha.calls()).hasSize(before + 3);
    }

    /** The SDK client's exception (or one it wraps) says the gateway answered {@code status}. */
    static void refusedWith(Throwable thrown, int status) {
        for (Throwable e = thrown; e != null; e = e.getCause()) {
            if (e instanceof McpHttpClientTransportAuthorizationException a) {
                assertThat(a.getResponseInfo().statusCode()).isEqualTo(status);
                return;
            }
        }
        throw new AssertionError("not refused with HTTP " + status, thrown);
    }

    private static Http.Response setStatus(TestTenant t, String status, String platformToken) {
        return HTTP.method(
                "PATCH",
                "/api/v1/tenants/" + t.id(),
                "{\"status\":\"" + status + "\"}",
                "Authorization",
                "Bearer " + platformToken);
    }

    @Test
    void theUpstreamsCredentialNeverComesBackOut() {
        TestTenant t = TestTenant.fresh();
        String first = "cred-first-" + UUID.randomUUID();
        String second = "cred-second-" + UUID.randomUUID();
        String[] tools = {"echo_header", "fail_result", "fail_rpc", "fail_runtime"};
        // arguments and results kept whole: the audit content must still not hold the credential
        Http.Response retention =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"full\",\"retentionDays\":30}",
                        t.auth("admin"));
        assertThat(retention.status()).as(retention.toString()).isEqualTo(200);

        // proposed with one credential, revised to another: neither is shown, in the change,
        // its diff or the list
        Http.Response created = propose(t, "author", "leaky", server(leaky.url(), first, tools));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        Http.Response revised =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        Json.createObjectBuilder()
                                .add("content", server(leaky.url(), second, tools))
                                .build()
                                .toString(),
                        t.auth("author"));
        assertThat(revised.status()).as(revised.toString()).isEqualTo(200);
        JsonObject change = Changes.get(t, id);
        assertThat(change.getJsonObject("content").getString("credential")).isEqualTo("********");
        // the masked content sent back as it was shown would make the mask the credential
        Http.Response maskBack =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + id,
                        Json.createObjectBuilder()
                                .add("content", change.getJsonObject("content"))
                                .build()
                                .toString(),
                        t.auth("author"));
        assertThat(maskBack.status()).as(maskBack.toString()).isEqualTo(400);
        assertThat(maskBack.json().getString("param")).isEqualTo("content.credential");
        assertThat(Changes.get(t, id).getInt("revision")).isEqualTo(2);
        assertThat(change.getJsonArray("diff").toString()).contains("\"secret\":true");
        Http.Response changes = HTTP.get("/api/v1/changes?kind=mcp_server", t.auth("reviewer"));
        assertThat(changes.status()).as(changes.toString()).isEqualTo(200);
        List<String> shown =
                List.of(created.body(), revised.body(), change.toString(), changes.body());
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        String key = McpGatewayIT.key(t, "[\"mcp:leaky\"]");
        Http.Response list =
                HTTP.post(
                        "/mcp",
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                        "Authorization",
                        "Bearer " + key);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().getJsonObject("result").getJsonArray("tools")).hasSize(4);

        int before = leaky.calls().size();
        Http.Response echoed = call(key, "leaky__echo_header");
        Http.Response failedResult = call(key, "leaky__fail_result");
        Http.Response failedRpc = call(key, "leaky__fail_rpc");
        Http.Response failedRuntime = call(key, "leaky__fail_runtime");
        // the positive control: the revised credential reached the upstream, which echoed it
        assertThat(leaky.calls()).hasSize(before + 4);
        assertThat(leaky.calls().subList(before, before + 4))
                .extracting(SdkMcpUpstream.Call::authorization)
                .containsOnly("Bearer " + second);
        assertThat(echoed.json().getJsonObject("result").getBoolean("isError"))
                .as(echoed.body())
                .isFalse();
        assertThat(echoed.json().getJsonObject("result").toString())
                .contains("you sent Bearer ********");
        assertThat(failedResult.json().getJsonObject("result").getBoolean("isError"))
                .as(failedResult.body())
                .isTrue();
        for (Http.Response r : List.of(failedRpc, failedRuntime)) {
            JsonObject result = r.json().getJsonObject("result");
            assertThat(result.getBoolean("isError")).as(r.body()).isTrue();
            assertThat(result.getJsonArray("content").getJsonObject(0).getString("text"))
                    .startsWith("upstream_error");
        }

        // nowhere: answers, the change, the list, tool calls' audit details and kept content,
        // the change's own events; not even the first 16 characters of either credential
        Http.Response events = HTTP.get("/api/v1/audit/events?limit=100", t.auth("auditor"));
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        List<String> everything = new java.util.ArrayList<>(shown);
        everything.addAll(
                List.of(
                        list.body(),
                        echoed.body(),
                        failedResult.body(),
                        failedRpc.body(),
                        failedRuntime.body(),
                        events.body()));
        List<JsonObject> calls = toolCallEvents(t);
        assertThat(calls).hasSize(4);
        for (JsonObject e : calls) {
            Http.Response kept =
                    HTTP.get(
                            "/api/v1/audit/events/" + e.getString("id") + "?include=content",
                            t.auth("auditor"));
            assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
            everything.add(kept.body());
        }
        for (String body : everything) {
            assertThat(body)
                    .doesNotContain(first.substring(0, 16))
                    .doesNotContain(second.substring(0, 16));
        }
    }
}
