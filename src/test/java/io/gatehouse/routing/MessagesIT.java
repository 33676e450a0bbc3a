package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.AnthropicStreams.Event;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/messages} (issue 17): Anthropic's Messages API as a client dialect of chat, with
 * the same keys, stages, accounting and audit, answered and refused in Anthropic's shapes.
 */
class MessagesIT {
    static StandInProvider standIn;

    @BeforeAll
    static void start() {
        standIn = StandInProvider.start();
    }

    @AfterAll
    static void stop() {
        standIn.stop();
    }

    static String body(String model, String text) {
        return "{\"model\":\""
                + model
                + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\""
                + text
                + "\"}]}";
    }

    static Http.Response messages(String body, String... headers) {
        return Http.local().post("/v1/messages", body, headers);
    }

    /** Anthropic's error shape with the given status and type, never a stack trace. */
    static void assertAnthropicError(Http.Response r, int status, String type) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        JsonObject json = r.json();
        assertThat(json.getString("type")).as(r.body()).isEqualTo("error");
        assertThat(json.getJsonObject("error").getString("type")).isEqualTo(type);
        assertThat(json.getJsonObject("error").getString("message")).isNotBlank();
        assertThat(json.containsKey("code")).isFalse();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    static JsonObject auditEvent(String requestId) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) OVER (), details::text, tenant_id::text, input_tokens,"
                                        + " output_tokens, status_code FROM audit_events"
                                        + " WHERE request_id = ? AND action = 'gateway.request'")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("an audit event for " + requestId).isTrue();
                assertThat(rs.getLong(1)).as("exactly one").isEqualTo(1);
                return Json.createObjectBuilder()
                        .add(
                                "details",
                                Json.createReader(new StringReader(rs.getString(2))).readObject())
                        .add("tenant", rs.getString(3))
                        .add("input", rs.getLong(4))
                        .add("output", rs.getLong(5))
                        .add("status", rs.getInt(6))
                        .build();
            }
        }
    }

    @Test
    void theSandboxAnswersAMessageWithEitherKeyHeaderAndOneAuditEventNamesTheEndpoint()
            throws Exception {
        TestTenant demo = TestTenant.demo();
        for (String[] auth :
                List.of(
                        new String[] {"x-api-key", TestTenant.DEMO_API_KEY},
                        new String[] {"Authorization", "Bearer " + TestTenant.DEMO_API_KEY})) {
            Http.Response r =
                    messages(
                            body("sandbox", "hello there"),
                            auth[0],
                            auth[1],
                            "anthropic-version",
                            "2023-06-01");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.header("content-type")).startsWith("application/json");
            JsonObject m = r.json();
            assertThat(m.getString("type")).isEqualTo("message");
            assertThat(m.getString("role")).isEqualTo("assistant");
            assertThat(m.getString("id")).startsWith("msg_");
            assertThat(m.getJsonArray("content").getJsonObject(0).getString("type"))
                    .isEqualTo("text");
            assertThat(m.getJsonArray("content").getJsonObject(0).getString("text"))
                    .contains("You said: \"hello there\"");
            assertThat(m.getString("stop_reason")).isEqualTo("end_turn");
            assertThat(m.getJsonObject("usage").getInt("input_tokens")).isPositive();
            assertThat(m.getJsonObject("usage").getInt("output_tokens")).isPositive();
            String rid = r.header("x-request-id");
            assertThat(m.getString("id")).isEqualTo("msg_" + rid.substring(4));
            JsonObject audit = auditEvent(rid);
            assertThat(audit.getJsonObject("details").getString("endpoint"))
                    .isEqualTo("/v1/messages");
            assertThat(audit.getJsonObject("details").getString("operation")).isEqualTo("chat");
            assertThat(audit.getString("tenant")).isEqualTo(demo.id());
            assertThat(audit.getJsonNumber("input").longValue())
                    .isEqualTo(m.getJsonObject("usage").getInt("input_tokens"));
            assertThat(audit.getJsonNumber("output").longValue())
                    .isEqualTo(m.getJsonObject("usage").getInt("output_tokens"));
        }
    }

    @Test
    void anOpenAiCompatibleProviderGetsChatsShapeAndItsToolCallComesBackAsToolUse()
            throws Exception {
        String path = "/msg1/v1";
        standIn.answerJson(
                path + "/chat/completions",
                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Checking.\","
                        + "\"tool_calls\":[{\"id\":\"call_9\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},"
                        + "\"finish_reason\":\"tool_calls\"}],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}");
        TestTenant t =
                standIn.tenant("openai", path, "pm", "mx", "chat,streaming,tools,vision", "fw");
        String request =
                """
                {"model":"fw","max_tokens":100,"system":"Be brief.","temperature":0.5,
                 "stop_sequences":["END"],"metadata":{"user_id":"u1"},
                 "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Weather?"}]},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Bergen"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"rain"},
                   {"type":"text","text":"And Oslo?"}]}]}""";
        Http.Response r = messages(request, "x-api-key", t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonObject m = r.json();
        assertThat(m.getString("stop_reason")).isEqualTo("tool_use");
        assertThat(m.getString("model")).isEqualTo("mx");
        assertThat(m.getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("Checking.");
        JsonObject toolUse = m.getJsonArray("content").getJsonObject(1);
        assertThat(toolUse.getString("type")).isEqualTo("tool_use");
        assertThat(toolUse.getString("id")).isEqualTo("call_9");
        assertThat(toolUse.getString("name")).isEqualTo("get_weather");
        assertThat(toolUse.getJsonObject("input").getString("city")).isEqualTo("Oslo");
        assertThat(m.getJsonObject("usage").getInt("input_tokens")).isEqualTo(10);
        assertThat(m.getJsonObject("usage").getInt("output_tokens")).isEqualTo(5);
        List<String> sent = standIn.received(path + "/chat/completions");
        assertThat(sent).hasSize(1);
        JsonObject upstream = Json.createReader(new StringReader(sent.get(0))).readObject();
        assertThat(upstream.getString("model")).isEqualTo("mx");
        assertThat(upstream.getInt("max_tokens")).isEqualTo(100);
        assertThat(upstream.getString("user")).isEqualTo("u1");
        assertThat(upstream.getJsonArray("stop").getString(0)).isEqualTo("END");
        assertThat(
                        upstream.getJsonArray("tools")
                                .getJsonObject(0)
                                .getJsonObject("function")
                                .getString("name"))
                .isEqualTo("get_weather");
        var msgs = upstream.getJsonArray("messages");
        assertThat(msgs.stream().map(v -> v.asJsonObject().getString("role")).toList())
                .containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(
                        msgs.getJsonObject(2)
                                .getJsonArray("tool_calls")
                                .getJsonObject(0)
                                .getString("id"))
                .isEqualTo("toolu_1");
        assertThat(msgs.getJsonObject(3).getString("tool_call_id")).isEqualTo("toolu_1");
        assertThat(msgs.getJsonObject(3).getString("content")).isEqualTo("rain");
    }

    @Test
    void missingOrWrongKeysAre401InAnthropicsShape() {
        String b = body("sandbox", "x");
        assertAnthropicError(messages(b), 401, "authentication_error");
        assertAnthropicError(messages(b, "x-api-key", "gh_live_nope"), 401, "authentication_error");
        assertAnthropicError(
                messages(b, "Authorization", "Bearer gh_live_nope"), 401, "authentication_error");
        // both headers, different keys: neither counts
        assertAnthropicError(
                messages(
                        b,
                        "x-api-key",
                        TestTenant.DEMO_API_KEY,
                        "Authorization",
                        "Bearer gh_live_other"),
                401,
                "authentication_error");
        // a person's token is not a key
        assertAnthropicError(
                messages(b, "Authorization", "Bearer " + TestTenant.demo().token("admin")),
                401,
                "authentication_error");
        // x-api-key is the Messages dialect's header only: chat completions still wants Bearer
        Http.Response chat =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                "x-api-key",
                                TestTenant.DEMO_API_KEY);
        assertThat(chat.status()).isEqualTo(401);
        assertThat(chat.json().getJsonObject("error").getString("code"))
                .isEqualTo("invalid_api_key");
    }

    @Test
    void aKeyLimitedToOtherRoutesGets403AndAnotherTenantsRoute404() throws Exception {
        TestTenant demo = TestTenant.demo();
        Http.Response key =
                Http.local()
                        .post(
                                "/api/v1/keys",
                                "{\"name\":\"embed only\",\"allowedRoutes\":[\"sandbox-embed\"]}",
                                demo.auth("admin"));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        Http.Response r = messages(body("sandbox", "x"), "x-api-key", key.json().getString("key"));
        assertAnthropicError(r, 403, "permission_error");
        assertThat(r.header("x-gatehouse-error-code")).isEqualTo("model_not_allowed");
        assertThat(auditEvent(r.header("x-request-id")).getInt("status")).isEqualTo(403);

        TestTenant other = TestTenant.fresh();
        CatalogFixture.provider(other.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(other.id(), "theirs-only", "chat", "priority", 0, "sb/sb-chat");
        assertThat(messages(body("theirs-only", "x"), "x-api-key", other.apiKey()).status())
                .isEqualTo(200);
        Http.Response foreign =
                messages(body("theirs-only", "x"), "x-api-key", TestTenant.DEMO_API_KEY);
        assertAnthropicError(foreign, 404, "not_found_error");
    }

    @Test
    void badInputIsRefusedInAnthropicsShapeAndAudited() throws Exception {
        String k = TestTenant.DEMO_API_KEY;
        Http.Response noMax =
                messages(
                        "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                        "x-api-key",
                        k);
        assertAnthropicError(noMax, 400, "invalid_request_error");
        assertThat(noMax.json().getJsonObject("error").getString("message"))
                .startsWith("max_tokens:");
        JsonObject audit = auditEvent(noMax.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(400);
        assertThat(audit.getJsonObject("details").getString("endpoint")).isEqualTo("/v1/messages");

        Http.Response wrongBlock =
                messages(
                        "{\"model\":\"sandbox\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
                                + "[{\"type\":\"video\",\"url\":\"x\"}]}]}",
                        "x-api-key",
                        k);
        assertAnthropicError(wrongBlock, 400, "invalid_request_error");
        assertThat(wrongBlock.json().getJsonObject("error").getString("message"))
                .startsWith("messages.0.content.0.type:");
        assertAnthropicError(
                messages("{\"model\":\"sandbox\",", "x-api-key", k), 400, "invalid_request_error");
        assertAnthropicError(
                messages(
                        "{\"model\":\"sandbox\",\"max_tokens\":5,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                        "x-api-key",
                        k),
                400,
                "invalid_request_error");
    }

    /** The event names of a stream body, in order. */
    static List<String> names(String body) {
        return AnthropicStreams.parse(body).stream().map(Event::name).toList();
    }

    @Test
    void aSandboxStreamIsAnthropicsEventSequence() throws Exception {
        Http.Response r =
                messages(
                        "{\"model\":\"sandbox\",\"max_tokens\":64,\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi there friend\"}]}",
                        "x-api-key",
                        TestTenant.DEMO_API_KEY);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        List<String> names = names(r.body());
        assertThat(names.get(0)).isEqualTo("message_start");
        assertThat(names.get(1)).isEqualTo("content_block_start");
        assertThat(names.subList(2, names.size() - 3))
                .isNotEmpty()
                .containsOnly("content_block_delta");
        assertThat(names.subList(names.size() - 3, names.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        StringBuilder text = new StringBuilder();
        for (Event e : AnthropicStreams.parse(r.body())) {
            if (e.name().equals("content_block_delta")) {
                assertThat(e.data().getInt("index")).isZero();
                text.append(e.data().getJsonObject("delta").getString("text"));
            }
        }
        assertThat(text.toString()).contains("You said: \"hi there friend\"");
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getString("endpoint")).isEqualTo("/v1/messages");
        assertThat(audit.getJsonObject("details").get("stream").toString()).isEqualTo("true");
        JsonObject usage =
                AnthropicStreams.parse(r.body())
                        .get(names.size() - 2)
                        .data()
                        .getJsonObject("usage");
        assertThat(audit.getJsonNumber("output").longValue())
                .isEqualTo(usage.getInt("output_tokens"));
    }

    /**
     * A recorded Anthropic stream from a stand-in Anthropic provider; the request offers a tool, so
     * it goes the translated way (to chat and back, so that tool calls pass the output policy;
     * MessagesNativeIT): the client still gets the provider's sequence event by event (pings and
     * empty argument fragments aside, ids and counts normalised).
     */
    @Test
    void aRecordedAnthropicStreamReachesTheClientEventByEvent() throws Exception {
        standIn.answerStream("/msg2/v1/messages", AnthropicStreams.RECORDED);
        TestTenant t =
                standIn.tenant(
                        "anthropic", "/msg2", "an", "claude-x", "chat,streaming,tools", "claude");
        Http.Response r =
                messages(
                        "{\"model\":\"claude\",\"max_tokens\":200,\"stream\":true,"
                                + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}],"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in SF?\"}]}",
                        "x-api-key",
                        t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<Event> got = AnthropicStreams.parse(r.body());
        assertThat(AnthropicStreams.comparable(got))
                .containsExactlyElementsOf(
                        AnthropicStreams.comparable(
                                AnthropicStreams.parse(AnthropicStreams.RECORDED)));
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getJsonNumber("input").longValue()).isEqualTo(472);
        assertThat(audit.getJsonNumber("output").longValue()).isEqualTo(89);
    }

    /**
     * A provider stream that ends without its end (no finish, no [DONE]) after text went out: too
     * late to fail over, so the client's stream ends with {@code event: error} in Anthropic's
     * shape, never with {@code message_stop}, and the call is recorded as failed.
     */
    @Test
    void aStreamCutMidWayEndsWithAnErrorEventNotMessageStop() throws Exception {
        String chunk =
                "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mx\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{\"content\":\"part\"},\"finish_reason\":null}]}";
        String path = "/msg4/v1";
        standIn.answerStream(
                path + "/chat/completions", "data: " + chunk + "\n\ndata: " + chunk + "\n\n");
        TestTenant t = standIn.tenant("openai", path, "pm", "mx", "chat,streaming", "fw");
        Http.Response r =
                messages(
                        "{\"model\":\"fw\",\"max_tokens\":20,\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                        "x-api-key",
                        t.apiKey());
        assertThat(r.status()).isEqualTo(200);
        List<Event> events = AnthropicStreams.parse(r.body());
        assertThat(events.stream().map(Event::name))
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "error");
        JsonObject error = events.get(events.size() - 1).data().getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("api_error");
        assertThat(error.getString("message")).isNotBlank();
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(502);
        assertThat(audit.getJsonObject("details").getString("error"))
                .isEqualTo("upstream_stream_error");
    }

    /**
     * {@code count_tokens}: the same key and route checks as a message, an estimate flagged in
     * {@code Gatehouse-Token-Count} (exact counts from Anthropic providers are not built yet), one
     * audit event naming the endpoint and spending no tokens.
     */
    @Test
    void countTokensEstimatesForARouteTheKeyMayUseAndSaysSo() throws Exception {
        String small =
                "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String large =
                "{\"model\":\"sandbox\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + "word ".repeat(400)
                        + "\"}],\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]}";
        Http.Response r1 =
                Http.local()
                        .post(
                                "/v1/messages/count_tokens",
                                small,
                                "x-api-key",
                                TestTenant.DEMO_API_KEY);
        Http.Response r2 =
                Http.local()
                        .post(
                                "/v1/messages/count_tokens",
                                large,
                                "x-api-key",
                                TestTenant.DEMO_API_KEY);
        assertThat(r1.status()).as(r1.toString()).isEqualTo(200);
        assertThat(r2.status()).as(r2.toString()).isEqualTo(200);
        assertThat(r1.header("Gatehouse-Token-Count")).isEqualTo("estimate");
        long n1 = r1.json().getJsonNumber("input_tokens").longValue();
        long n2 = r2.json().getJsonNumber("input_tokens").longValue();
        assertThat(n1).isPositive();
        assertThat(n2).isGreaterThan(n1 + 400);
        JsonObject audit = auditEvent(r2.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getString("endpoint"))
                .isEqualTo("/v1/messages/count_tokens");
        assertThat(audit.getJsonNumber("input").longValue()).isZero();
        assertThat(audit.getInt("status")).isEqualTo(200);
        // bad input and no key, in Anthropic's shape
        assertAnthropicError(
                Http.local()
                        .post(
                                "/v1/messages/count_tokens",
                                small.replace("{\"model\"", "{\"max_tokens\":5,\"model\""),
                                "x-api-key",
                                TestTenant.DEMO_API_KEY),
                400,
                "invalid_request_error");
        assertAnthropicError(
                Http.local().post("/v1/messages/count_tokens", small), 401, "authentication_error");
        assertAnthropicError(
                Http.local()
                        .post(
                                "/v1/messages/count_tokens",
                                small.replace("sandbox", "no-such-route"),
                                "x-api-key",
                                TestTenant.DEMO_API_KEY),
                404,
                "not_found_error");
    }

    /**
     * On a route whose first choice is Anthropic the count is the provider's own, asked with the
     * translated request (input fields only) and flagged exact; its attempt is recorded.
     */
    @Test
    void countTokensOnAnAnthropicRouteIsTheProvidersExactCount() throws Exception {
        standIn.answerJson("/msg5/v1/messages/count_tokens", "{\"input_tokens\":1234}");
        TestTenant t =
                standIn.tenant(
                        "anthropic", "/msg5", "an", "claude-x", "chat,streaming,tools", "claude");
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/messages/count_tokens",
                                "{\"model\":\"claude\",\"system\":\"Be brief.\","
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                                "x-api-key",
                                t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Gatehouse-Token-Count")).isEqualTo("exact");
        assertThat(r.json().getJsonNumber("input_tokens").longValue()).isEqualTo(1234);
        List<String> sent = standIn.received("/msg5/v1/messages/count_tokens");
        assertThat(sent).hasSize(1);
        JsonObject upstream = Json.createReader(new StringReader(sent.get(0))).readObject();
        assertThat(upstream.getString("model")).isEqualTo("claude-x");
        assertThat(upstream.keySet()).contains("messages", "system").doesNotContain("max_tokens");
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(200);
        assertThat(audit.getJsonNumber("input").longValue()).isZero();
    }

    /**
     * The policy stage acts on a message's text as on chat's: the provider never sees the address.
     */
    @Test
    void policyRedactsAMessagesTextBeforeTheProviderAndInTheAnswer() throws Exception {
        String path = "/msg3/v1";
        standIn.answerJson(
                path + "/chat/completions",
                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"write to bob@example.com\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}");
        TestTenant t = standIn.tenant("openai", path, "pm", "mx", "chat,streaming", "fw");
        Changes.publishPolicy(
                t,
                "redact-mail",
                Json.createObjectBuilder()
                        .add("mode", "enforce")
                        .add(
                                "rules",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "redact-mail")
                                                        .add(
                                                                "condition",
                                                                "entities.email.count > 0")
                                                        .add("action", "redact")
                                                        .add(
                                                                "entities",
                                                                Json.createArrayBuilder()
                                                                        .add("email"))
                                                        .add("stage", "both")))
                        .build());
        Http.Response r =
                messages(
                        "{\"model\":\"fw\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":"
                                + "[{\"type\":\"text\",\"text\":\"mail ann@example.com please\"}]}]}",
                        "x-api-key",
                        t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> sent = standIn.received(path + "/chat/completions");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).doesNotContain("ann@example.com").contains("[EMAIL]");
        String answer = r.json().getJsonArray("content").getJsonObject(0).getString("text");
        assertThat(answer).doesNotContain("bob@example.com").contains("[EMAIL]");
    }

    static String streamChunk(String delta, String finish) {
        return "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mx\","
                + "\"choices\":[{\"index\":0,\"delta\":"
                + delta
                + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"")
                + "}]}\n\n";
    }

    static String toolFragment(int index, String id, String name, String arguments) {
        String head =
                id == null
                        ? "{\"index\":" + index + ",\"function\":{"
                        : "{\"index\":"
                                + index
                                + ",\"id\":\""
                                + id
                                + "\",\"type\":\"function\",\"function\":{\"name\":\""
                                + name
                                + "\",";
        return "{\"tool_calls\":[" + head + "\"arguments\":" + Json.createValue(arguments) + "}}]}";
    }

    /** The events of a Messages stream as "name data" lines, data without its type. */
    static List<String> lines(String sse) {
        return AnthropicStreams.parse(sse).stream()
                .map(
                        e ->
                                e.name()
                                        + " "
                                        + Json.createObjectBuilder(e.data()).remove("type").build())
                .toList();
    }

    /**
     * message_start carries the pipeline's input estimate (was 0), message_delta the provider's
     * final counts, as Anthropic's own streams do; an OpenAI-compatible provider names no stop
     * sequence, so stop_sequence stays null.
     */
    @Test
    void aStreamStartsWithTheInputEstimateAndEndsWithTheProvidersCounts() throws Exception {
        String path = "/msg6/v1";
        standIn.answerStream(
                path + "/chat/completions",
                streamChunk("{\"role\":\"assistant\",\"content\":\"Hi\"}", null)
                        + streamChunk("{}", "stop")
                        + "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":33,\"completion_tokens\":4,\"total_tokens\":37}}\n\n"
                        + "data: [DONE]\n\n");
        TestTenant t = standIn.tenant("openai", path, "pm", "mx", "chat,streaming", "fw");
        Http.Response r =
                messages(
                        "{\"model\":\"fw\",\"max_tokens\":20,\"stream\":true,\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"please say hello to everyone in this room today\"}]}",
                        "x-api-key",
                        t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<Event> events = AnthropicStreams.parse(r.body());
        JsonObject start = events.get(0).data().getJsonObject("message").getJsonObject("usage");
        assertThat(start.getInt("input_tokens")).as("the estimate").isPositive();
        assertThat(start.getInt("output_tokens")).isZero();
        Event delta = events.get(events.size() - 2);
        assertThat(delta.name()).isEqualTo("message_delta");
        assertThat(delta.data().getJsonObject("usage").getInt("input_tokens")).isEqualTo(33);
        assertThat(delta.data().getJsonObject("usage").getInt("output_tokens")).isEqualTo(4);
        assertThat(delta.data().getJsonObject("delta").getString("stop_reason"))
                .isEqualTo("end_turn");
        assertThat(delta.data().getJsonObject("delta").isNull("stop_sequence")).isTrue();
    }

    /**
     * Parallel tool calls whose fragments alternate by index (an OpenAI-compatible provider may
     * interleave them) become sequential, well-formed blocks, compared event by event (was: the
     * stream ended with event: error).
     */
    @Test
    void interleavedToolCallsFromAnOpenAiCompatibleProviderBecomeSequentialBlocks()
            throws Exception {
        String path = "/msg7/v1";
        standIn.answerStream(
                path + "/chat/completions",
                streamChunk(toolFragment(0, "call_a", "weather", ""), null)
                        + streamChunk(toolFragment(1, "call_b", "time", ""), null)
                        + streamChunk(toolFragment(0, null, null, "{\"city\":"), null)
                        + streamChunk(toolFragment(1, null, null, "{\"zone\":"), null)
                        + streamChunk(toolFragment(0, null, null, "\"Oslo\"}"), null)
                        + streamChunk(toolFragment(1, null, null, "\"CET\"}"), null)
                        + streamChunk("{}", "tool_calls")
                        + "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":11,\"total_tokens\":31}}\n\n"
                        + "data: [DONE]\n\n");
        TestTenant t = standIn.tenant("openai", path, "pm", "mx", "chat,streaming,tools", "fw");
        Http.Response r =
                messages(
                        "{\"model\":\"fw\",\"max_tokens\":50,\"stream\":true,"
                                + "\"tools\":[{\"name\":\"weather\",\"input_schema\":{\"type\":\"object\"}},"
                                + "{\"name\":\"time\",\"input_schema\":{\"type\":\"object\"}}],"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather and time in Oslo?\"}]}",
                        "x-api-key",
                        t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> got = lines(r.body());
        assertThat(got.subList(1, got.size()))
                .containsExactly(
                        "content_block_start {\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_a\","
                                + "\"name\":\"weather\",\"input\":{}}}",
                        "content_block_delta {\"index\":0,\"delta\":{\"type\":\"input_json_delta\","
                                + "\"partial_json\":\"{\\\"city\\\":\"}}",
                        "content_block_delta {\"index\":0,\"delta\":{\"type\":\"input_json_delta\","
                                + "\"partial_json\":\"\\\"Oslo\\\"}\"}}",
                        "content_block_stop {\"index\":0}",
                        "content_block_start {\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_b\","
                                + "\"name\":\"time\",\"input\":{}}}",
                        "content_block_delta {\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                                + "\"partial_json\":\"{\\\"zone\\\":\\\"CET\\\"}\"}}",
                        "content_block_stop {\"index\":1}",
                        "message_delta {\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
                                + "\"usage\":{\"input_tokens\":20,\"output_tokens\":11}}",
                        "message_stop {}");
        assertThat(got.get(0)).startsWith("message_start ");
        assertThat(auditEvent(r.header("x-request-id")).getInt("status")).isEqualTo(200);
    }

    /**
     * An Anthropic provider that stopped at one of the request's stop sequences says which: the
     * client gets stop_reason stop_sequence and the sequence, in a message and in a stream (was:
     * end_turn and null).
     */
    @Test
    void theStopSequenceAnAnthropicProviderNamesReachesTheClient() throws Exception {
        standIn.answerJson(
                "/msg8/v1/messages",
                "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"one two\"}],\"stop_reason\":\"stop_sequence\","
                        + "\"stop_sequence\":\"THREE\",\"usage\":{\"input_tokens\":9,\"output_tokens\":2}}");
        TestTenant t =
                standIn.tenant("anthropic", "/msg8", "an", "claude-x", "chat,streaming", "claude");
        String request =
                "{\"model\":\"claude\",\"max_tokens\":20,\"stop_sequences\":[\"THREE\"],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]%s}";
        Http.Response r = messages(String.format(request, ""), "x-api-key", t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getString("stop_reason")).isEqualTo("stop_sequence");
        assertThat(r.json().getString("stop_sequence")).isEqualTo("THREE");

        standIn.answerStream(
                "/msg9/v1/messages",
                """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"one two"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"THREE"},"usage":{"output_tokens":2}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
        TestTenant s =
                standIn.tenant("anthropic", "/msg9", "an", "claude-x", "chat,streaming", "claude");
        Http.Response streamed =
                messages(String.format(request, ",\"stream\":true"), "x-api-key", s.apiKey());
        assertThat(streamed.status()).as(streamed.toString()).isEqualTo(200);
        List<Event> events = AnthropicStreams.parse(streamed.body());
        JsonObject delta = events.get(events.size() - 2).data().getJsonObject("delta");
        assertThat(delta.getString("stop_reason")).isEqualTo("stop_sequence");
        assertThat(delta.getString("stop_sequence")).isEqualTo("THREE");
    }
}
