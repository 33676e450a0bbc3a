package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/responses} and {@code GET /v1/responses/{id}} (OpenAI Responses, issue 17)
 * against the running server: the sandbox of the demo tenant, WireMock OpenAI-compatible providers
 * in fresh tenants, the stored responses under the tenant's content retention, and the audit event.
 */
class ResponsesIT {
    static StandInProvider standIn;
    static final Http HTTP = Http.local();

    static final String TOOL =
            "{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather of a city\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                    + "\"required\":[\"city\"]},\"strict\":false}";

    @BeforeAll
    static void start() {
        standIn = StandInProvider.start();
    }

    @AfterAll
    static void stop() {
        standIn.stop();
    }

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    /** A fresh tenant with an OpenAI-compatible stand-in provider at {@code /<path>/v1}. */
    static TestTenant tenantWithStandIn(String path, String alias) throws Exception {
        return standIn.tenant(
                "openai", "/" + path + "/v1", "p-" + path, "m", "chat,streaming,tools,json", alias);
    }

    static void answerWith(String path, String chatCompletion) {
        standIn.answerJson("/" + path + "/v1/chat/completions", chatCompletion);
    }

    static String completion(String text) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\""
                + text
                + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}";
    }

    static List<JsonObject> sentTo(String path) {
        return standIn.received("/" + path + "/v1/chat/completions").stream()
                .map(ResponsesIT::json)
                .toList();
    }

    static void keepContentInFull(TestTenant t) {
        Http.Response r =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"full\",\"retentionDays\":30}",
                        t.auth("admin"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static String outputText(JsonObject response) {
        StringBuilder sb = new StringBuilder();
        for (JsonObject item : response.getJsonArray("output").getValuesAs(JsonObject.class)) {
            if (item.getString("type").equals("message")) {
                for (JsonObject p : item.getJsonArray("content").getValuesAs(JsonObject.class)) {
                    sb.append(p.getString("text", ""));
                }
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------ 200

    @Test
    void theSandboxAnswersAResponseObjectAndOneAuditEventNamesTheEndpoint() throws Exception {
        Http.Response r =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"sandbox\",\"instructions\":\"Answer briefly\",\"input\":\"Hello from responses\"}",
                        "Authorization",
                        "Bearer " + TestTenant.DEMO_API_KEY);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject resp = r.json();
        assertThat(resp.getString("id")).matches("resp_[0-9a-f]{32}");
        assertThat(resp.getString("object")).isEqualTo("response");
        assertThat(resp.getString("status")).isEqualTo("completed");
        assertThat(resp.getString("instructions")).isEqualTo("Answer briefly");
        JsonObject item = resp.getJsonArray("output").getJsonObject(0);
        assertThat(item.getString("type")).isEqualTo("message");
        assertThat(item.getString("role")).isEqualTo("assistant");
        assertThat(item.getJsonArray("content").getJsonObject(0).getString("type"))
                .isEqualTo("output_text");
        assertThat(outputText(resp)).contains("Hello from responses");
        JsonObject usage = resp.getJsonObject("usage");
        assertThat(usage.getInt("input_tokens")).isPositive();
        assertThat(usage.getInt("output_tokens")).isPositive();
        assertThat(usage.getInt("total_tokens"))
                .isEqualTo(usage.getInt("input_tokens") + usage.getInt("output_tokens"));
        assertThat(r.header("x-gatehouse-route")).isEqualTo("sandbox");
        String rid = r.header("x-request-id");
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*), max(details->>'endpoint'), max(details->>'operation'),"
                                        + " max(tenant_id::text), max(input_tokens), max(output_tokens),"
                                        + " max(status_code), bool_or(streamed) FROM audit_events"
                                        + " WHERE request_id = ? AND action = 'gateway.request'")) {
            ps.setString(1, rid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo("/v1/responses");
                assertThat(rs.getString(3)).isEqualTo("chat");
                assertThat(rs.getString(4)).isEqualTo(TestTenant.demo().id());
                assertThat(rs.getLong(5)).isEqualTo(usage.getInt("input_tokens"));
                assertThat(rs.getLong(6)).isEqualTo(usage.getInt("output_tokens"));
                assertThat(rs.getInt(7)).isEqualTo(200);
                assertThat(rs.getBoolean(8)).isFalse();
            }
        }
    }

    @Test
    void anOpenAiCompatibleProviderGetsTheTranslatedRequestAndItsToolCallsComeBackAsItems()
            throws Exception {
        TestTenant t = tenantWithStandIn("tr", "agent");
        answerWith(
                "tr",
                "{\"id\":\"c2\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m-2025\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"Let me look.\",\"tool_calls\":[{\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                        + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":7,\"total_tokens\":37}}");
        Http.Response r =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"instructions\":\"Be precise\",\"input\":["
                                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Weather in Rome?\"}]},"
                                + "{\"type\":\"function_call\",\"call_id\":\"call_0\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Rome\\\"}\"},"
                                + "{\"type\":\"function_call_output\",\"call_id\":\"call_0\",\"output\":\"sunny\"},"
                                + "{\"role\":\"user\",\"content\":\"And Paris?\"}],"
                                + "\"tools\":["
                                + TOOL
                                + "],\"tool_choice\":\"required\",\"text\":{\"format\":{\"type\":\"json_object\"}},"
                                + "\"max_output_tokens\":64,\"temperature\":0.3,\"reasoning\":{\"effort\":\"low\"}}",
                        t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject resp = r.json();
        JsonArray output = resp.getJsonArray("output");
        assertThat(output).hasSize(2);
        assertThat(output.getJsonObject(0).getString("type")).isEqualTo("message");
        assertThat(outputText(resp)).isEqualTo("Let me look.");
        JsonObject call = output.getJsonObject(1);
        assertThat(call.getString("type")).isEqualTo("function_call");
        assertThat(call.getString("id")).startsWith("fc_");
        assertThat(call.getString("call_id")).isEqualTo("call_1");
        assertThat(call.getString("name")).isEqualTo("get_weather");
        assertThat(call.getString("arguments")).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(resp.getString("model")).isEqualTo("m-2025");
        assertThat(resp.getJsonObject("usage").getInt("input_tokens")).isEqualTo(30);
        assertThat(resp.getJsonObject("usage").getInt("output_tokens")).isEqualTo(7);
        assertThat(resp.getJsonObject("usage").getInt("total_tokens")).isEqualTo(37);
        assertThat(resp.getJsonArray("tools").getJsonObject(0).getString("name"))
                .isEqualTo("get_weather");
        assertThat(resp.getInt("max_output_tokens")).isEqualTo(64);
        assertThat(resp.getBoolean("store")).as("a tenant keeping no content").isFalse();

        List<JsonObject> sent = sentTo("tr");
        assertThat(sent).hasSize(1);
        JsonObject chat = sent.get(0);
        assertThat(chat.getString("model")).isEqualTo("m");
        assertThat(chat.containsKey("input")).isFalse();
        assertThat(chat.containsKey("instructions")).isFalse();
        JsonArray messages = chat.getJsonArray("messages");
        assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("system");
        assertThat(messages.getJsonObject(0).getString("content")).isEqualTo("Be precise");
        assertThat(messages.getJsonObject(1).getString("content")).isEqualTo("Weather in Rome?");
        assertThat(messages.getJsonObject(2).getString("role")).isEqualTo("assistant");
        assertThat(
                        messages.getJsonObject(2)
                                .getJsonArray("tool_calls")
                                .getJsonObject(0)
                                .getString("id"))
                .isEqualTo("call_0");
        assertThat(messages.getJsonObject(3).getString("role")).isEqualTo("tool");
        assertThat(messages.getJsonObject(3).getString("tool_call_id")).isEqualTo("call_0");
        assertThat(messages.getJsonObject(3).getString("content")).isEqualTo("sunny");
        assertThat(messages.getJsonObject(4).getString("content")).isEqualTo("And Paris?");
        assertThat(
                        chat.getJsonArray("tools")
                                .getJsonObject(0)
                                .getJsonObject("function")
                                .getString("name"))
                .isEqualTo("get_weather");
        assertThat(chat.getString("tool_choice")).isEqualTo("required");
        assertThat(chat.getJsonObject("response_format").getString("type"))
                .isEqualTo("json_object");
        assertThat(chat.getInt("max_completion_tokens")).isEqualTo(64);
        assertThat(chat.getJsonNumber("temperature").doubleValue()).isEqualTo(0.3);
        assertThat(chat.getString("reasoning_effort")).isEqualTo("low");
    }

    @Test
    void theOfficialSdkCreatesAndStreamsResponsesUnchanged() {
        OpenAIClient client = GatewayIT.sdk(TestTenant.DEMO_API_KEY);
        Response r =
                client.responses()
                        .create(
                                ResponseCreateParams.builder()
                                        .model("sandbox")
                                        .instructions("Answer briefly")
                                        .input("Hello from the SDK's Responses API")
                                        .build());
        assertThat(r.id()).matches("resp_[0-9a-f]{32}");
        assertThat(r.output().get(0).message().get().content().get(0).asOutputText().text())
                .contains("Hello from the SDK's Responses API");
        assertThat(r.usage().get().totalTokens()).isPositive();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s =
                client.responses()
                        .createStreaming(
                                ResponseCreateParams.builder()
                                        .model("sandbox")
                                        .input("stream from the SDK please")
                                        .build())) {
            s.stream().forEach(events::add);
        }
        StringBuilder text = new StringBuilder();
        events.forEach(e -> e.outputTextDelta().ifPresent(d -> text.append(d.delta())));
        assertThat(text.toString()).contains("stream from the SDK please");
        assertThat(events.get(0).isCreated()).isTrue();
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isCompleted()).isTrue();
        assertThat(last.asCompleted().response().usage().get().totalTokens()).isPositive();
    }

    // ------------------------------------------------------------ 401, 403, 400

    @Test
    void withoutAValidKeyBothEndpointsAre401() {
        Http.Response none = HTTP.post("/v1/responses", "{\"model\":\"sandbox\",\"input\":\"x\"}");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().getJsonObject("error").getString("code"))
                .isEqualTo("invalid_api_key");
        Http.Response bad =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"sandbox\",\"input\":\"x\"}",
                        "Authorization",
                        "Bearer gh_bad_not_a_real_key_0000000000000000");
        assertThat(bad.status()).isEqualTo(401);
        Http.Response get = HTTP.get("/v1/responses/resp_" + "0".repeat(32));
        assertThat(get.status()).isEqualTo(401);
        assertThat(get.json().containsKey("error")).isTrue();
    }

    @Test
    void aKeyScopedToOtherRoutesGets403() {
        String key =
                HTTP.post(
                                "/api/v1/keys",
                                "{\"name\":\"embed only (responses)\",\"allowedRoutes\":[\"sandbox-embed\"]}",
                                TestTenant.demo().auth("admin"))
                        .json()
                        .getString("key");
        Http.Response r =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"sandbox\",\"input\":\"x\"}",
                        "Authorization",
                        "Bearer " + key);
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json().getJsonObject("error").getString("code"))
                .isEqualTo("model_not_allowed");
    }

    @Test
    void badInputIs400NamingTheParamInResponsesTermsAndIsAudited() throws Exception {
        String[][] cases = {
            {"{\"model\":\"sandbox\"}", "input"},
            {"{\"input\":\"x\"}", "model"},
            {"{\"model\":\"sandbox\",\"input\":[]}", "input"},
            {
                "{\"model\":\"sandbox\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
                "input[0].role"
            },
            {
                "{\"model\":\"sandbox\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}",
                "input[0].content[0].type"
            },
            {
                "{\"model\":\"sandbox\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}",
                "input[0].type"
            },
            {
                "{\"model\":\"sandbox\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}",
                "tools[0].type"
            },
            {
                "{\"model\":\"sandbox\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"xml\"}}}",
                "text.format.type"
            },
            {
                "{\"model\":\"sandbox\",\"input\":\"x\",\"max_output_tokens\":0}",
                "max_output_tokens"
            },
            {
                "{\"model\":\"sandbox\",\"input\":\"x\",\"tool_choice\":\"sometimes\"}",
                "tool_choice"
            },
            {"{\"model\":\"sandbox\",\"input\":\"x\",\"background\":true}", "background"},
            // checked by the chat pipeline, named as the client sent it
            {"{\"model\":\"sandbox\",\"input\":\"x\",\"temperature\":5}", "temperature"},
        };
        String lastRequestId = null;
        for (String[] c : cases) {
            Http.Response r =
                    HTTP.post(
                            "/v1/responses",
                            c[0],
                            "Authorization",
                            "Bearer " + TestTenant.DEMO_API_KEY);
            assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(400);
            JsonObject error = r.json().getJsonObject("error");
            assertThat(error.getString("param")).as(c[0]).isEqualTo(c[1]);
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
            lastRequestId = r.header("x-request-id");
        }
        Http.Response notJson =
                HTTP.post(
                        "/v1/responses",
                        "{not json",
                        "Authorization",
                        "Bearer " + TestTenant.DEMO_API_KEY);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().getJsonObject("error").getString("code"))
                .isEqualTo("invalid_json");
        // a refusal is one audit event like any gateway request, naming the endpoint
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE request_id = ? AND action = 'gateway.request'"
                                            + " AND status_code = 400 AND details->>'endpoint' = '/v1/responses'",
                                    lastRequestId))
                    .isEqualTo(1);
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE request_id = ? AND action = 'gateway.request'"
                                            + " AND status_code = 400 AND details->>'endpoint' = '/v1/responses'",
                                    notJson.header("x-request-id")))
                    .isEqualTo(1);
        }
    }

    // ------------------------------------------------------------ streams

    @Test
    void aStreamIsOpenAisTypedEventsEventByEventAndAudited() throws Exception {
        TestTenant t = tenantWithStandIn("st", "agent");
        standIn.answerStream(
                "/st/v1/chat/completions",
                ResponsesStreams.resource("chat-text-then-tool-call.sse"));
        Http.Response r =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"stream\":true,\"input\":\"Weather in Paris?\",\"tools\":["
                                + TOOL
                                + "]}",
                        t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        List<JsonObject> expected =
                ResponsesStreams.essences(
                        ResponsesStreams.resource("openai-text-then-function-call.sse"));
        List<JsonObject> actual = ResponsesStreams.essences(r.body());
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as("event " + i).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(r.body()).doesNotContain("[DONE]").doesNotContain("chat.completion.chunk");
        // the provider was asked for usage, which response.completed carries
        assertThat(sentTo("st").get(0).getJsonObject("stream_options").getBoolean("include_usage"))
                .isTrue();
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE request_id = ? AND action = 'gateway.request'"
                                            + " AND streamed AND status_code = 200 AND input_tokens = 12 AND output_tokens = 9"
                                            + " AND details->>'endpoint' = '/v1/responses' AND tenant_id = ?::uuid",
                                    r.header("x-request-id"),
                                    t.id()))
                    .isEqualTo(1);
        }
    }

    @Test
    void theSandboxStreamsNumberedEventsEndingInResponseCompleted() {
        Http.Response r =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"sandbox\",\"stream\":true,\"input\":\"stream these words please\"}",
                        "Authorization",
                        "Bearer " + TestTenant.DEMO_API_KEY);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonObject> events = ResponsesStreams.events(r.body());
        List<String> types = events.stream().map(e -> e.getString("type")).toList();
        assertThat(types.subList(0, 4))
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added");
        assertThat(types.subList(types.size() - 4, types.size()))
                .containsExactly(
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).getInt("sequence_number")).isEqualTo(i);
            if (types.get(i).equals("response.output_text.delta")) {
                deltas.append(events.get(i).getString("delta"));
            }
        }
        // the demo's output policy may hold text back and release it in larger pieces
        assertThat(types.stream().filter(x -> x.equals("response.output_text.delta")).count())
                .isPositive();
        String done = events.get(types.size() - 4).getString("text");
        assertThat(done).isEqualTo(deltas.toString()).contains("stream these words please");
        JsonObject completed = events.get(types.size() - 1).getJsonObject("response");
        assertThat(completed.getString("status")).isEqualTo("completed");
        assertThat(completed.getJsonObject("usage").getInt("total_tokens")).isPositive();
        assertThat(outputText(completed)).isEqualTo(done);
    }

    @Test
    void aStreamCutMidWayEndsWithResponseFailed() throws Exception {
        TestTenant t = tenantWithStandIn("cut", "agent");
        String chunk =
                "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{\"content\":\"part\"},\"finish_reason\":null}]}";
        standIn.answerStream(
                "/cut/v1/chat/completions", "data: " + chunk + "\n\ndata: " + chunk + "\n\n");
        Http.Response r =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"stream\":true,\"input\":\"x\"}",
                        t.keyAuth());
        assertThat(r.status()).isEqualTo(200);
        List<JsonObject> events = ResponsesStreams.events(r.body());
        JsonObject last = events.get(events.size() - 1);
        assertThat(last.getString("type")).isEqualTo("response.failed");
        assertThat(last.getJsonObject("response").getString("status")).isEqualTo("failed");
        assertThat(last.getJsonObject("response").getJsonObject("error").getString("code"))
                .isEqualTo("upstream_stream_error");
        assertThat(events.stream().map(e -> e.getString("type")))
                .doesNotContain("response.completed");
    }

    // ------------------------------------------------------------ stored responses

    @Test
    void aTenantThatKeepsNoContentStoresNothingAndIsRefusedStoreAndPreviousResponseId()
            throws Exception {
        TestTenant t = TestTenant.fresh(); // default retention: hashed, no readable content
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat,streaming");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        Http.Response omitted =
                HTTP.post("/v1/responses", "{\"model\":\"sandbox\",\"input\":\"x\"}", t.keyAuth());
        assertThat(omitted.status()).as(omitted.body()).isEqualTo(200);
        assertThat(omitted.json().getBoolean("store")).isFalse();
        assertThat(
                        HTTP.get("/v1/responses/" + omitted.json().getString("id"), t.keyAuth())
                                .status())
                .isEqualTo(404);
        Http.Response streamed =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"sandbox\",\"input\":\"x\",\"stream\":true}",
                        t.keyAuth());
        assertThat(streamed.status()).isEqualTo(200);
        for (String body :
                List.of(
                        "{\"model\":\"sandbox\",\"input\":\"x\",\"store\":true}",
                        "{\"model\":\"sandbox\",\"input\":\"x\",\"stream\":true,\"store\":true}",
                        "{\"model\":\"sandbox\",\"input\":\"x\",\"previous_response_id\":\""
                                + omitted.json().getString("id")
                                + "\"}")) {
            Http.Response r = HTTP.post("/v1/responses", body, t.keyAuth());
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().getJsonObject("error").getString("param")).isEqualTo("store");
        }
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM routing_stored_responses WHERE tenant_id = ?::uuid",
                                    t.id()))
                    .isZero();
        }
    }

    @Test
    void storedResponsesAreTheTenantsOwnAndContinueAConversation() throws Exception {
        TestTenant a = tenantWithStandIn("sa", "agent");
        TestTenant b = tenantWithStandIn("sb", "agent");
        keepContentInFull(a);
        keepContentInFull(b);
        answerWith("sa", completion("Hello Ada"));
        answerWith("sb", completion("Hello Bob"));
        Http.Response first =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"instructions\":\"Be kind\",\"input\":\"My name is Ada\"}",
                        a.keyAuth());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String id = first.json().getString("id");
        assertThat(first.json().getBoolean("store"))
                .as("full retention: stored by default")
                .isTrue();

        Http.Response got = HTTP.get("/v1/responses/" + id, a.keyAuth());
        assertThat(got.status()).as(got.body()).isEqualTo(200);
        assertThat(got.json()).isEqualTo(first.json());

        // another tenant: neither readable nor continuable, indistinguishable from absent
        Http.Response foreign = HTTP.get("/v1/responses/" + id, b.keyAuth());
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.json().getJsonObject("error").getString("code"))
                .isEqualTo("response_not_found");
        Http.Response absent = HTTP.get("/v1/responses/resp_" + "a".repeat(32), b.keyAuth());
        assertThat(absent.status()).isEqualTo(404);
        assertThat(absent.json().getJsonObject("error").getString("message"))
                .isEqualTo(
                        foreign.json()
                                .getJsonObject("error")
                                .getString("message")
                                .replace(id, "resp_" + "a".repeat(32)));
        Http.Response continued =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"input\":\"What is my name?\",\"previous_response_id\":\""
                                + id
                                + "\"}",
                        b.keyAuth());
        assertThat(continued.status()).as(continued.body()).isEqualTo(404);
        assertThat(continued.json().getJsonObject("error").getString("param"))
                .isEqualTo("previous_response_id");
        assertThat(sentTo("sb")).as("nothing of A reached B's provider").isEmpty();

        Http.Response second =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"instructions\":\"Be brief\",\"input\":\"What is my name?\","
                                + "\"previous_response_id\":\""
                                + id
                                + "\"}",
                        a.keyAuth());
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().getString("previous_response_id")).isEqualTo(id);
        List<JsonObject> sent = sentTo("sa");
        JsonArray messages = sent.get(sent.size() - 1).getJsonArray("messages");
        // the new instructions, then the stored conversation (not its instructions), then the input
        assertThat(messages.toString())
                .isEqualTo(
                        "[{\"role\":\"system\",\"content\":\"Be brief\"},"
                                + "{\"role\":\"user\",\"content\":\"My name is Ada\"},"
                                + "{\"role\":\"assistant\",\"content\":\"Hello Ada\"},"
                                + "{\"role\":\"user\",\"content\":\"What is my name?\"}]");
        Http.Response unstored =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"input\":\"x\",\"store\":false}",
                        a.keyAuth());
        assertThat(unstored.status()).as(unstored.body()).isEqualTo(200);
        assertThat(unstored.json().getBoolean("store")).isFalse();
        assertThat(
                        HTTP.get("/v1/responses/" + unstored.json().getString("id"), a.keyAuth())
                                .status())
                .isEqualTo(404);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM routing_stored_responses WHERE tenant_id = ?::uuid",
                                    a.id()))
                    .as("store: false keeps nothing")
                    .isEqualTo(2);
        }
    }

    @Test
    void retentionDeletionReachesStoredResponses() throws Exception {
        TestTenant t = tenantWithStandIn("rt", "agent");
        keepContentInFull(t);
        answerWith("rt", completion("kept for a while"));
        Http.Response r =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"input\":\"remember me\"}",
                        t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String id = r.json().getString("id");
        assertThat(HTTP.get("/v1/responses/" + id, t.keyAuth()).status()).isEqualTo(200);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM routing_stored_responses WHERE id = ?"
                                            + " AND expires_at > now() + interval '29 days'",
                                    id))
                    .as("kept for the tenant's 30 days")
                    .isEqualTo(1);
        }
        // the retention period ends (moved into the past: the test cannot wait 30 days)
        try (Connection c = Db.asOwner();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE routing_stored_responses SET expires_at = now() - interval '1 minute' WHERE id = ?")) {
            ps.setString(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(HTTP.get("/v1/responses/" + id, t.keyAuth()).status())
                .as("an expired response is never served")
                .isEqualTo(404);
        Http.Response purge =
                HTTP.post(
                        "/api/v1/audit/retention/purge",
                        "",
                        "Authorization",
                        "Bearer "
                                + TestTenant.login(
                                        TestTenant.PLATFORM_ADMIN,
                                        TestTenant.PLATFORM_ADMIN_PASSWORD));
        assertThat(purge.status()).as(purge.body()).isEqualTo(200);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM routing_stored_responses WHERE id = ?",
                                    id))
                    .as("the purge deleted it")
                    .isZero();
        }
    }

    static String secondKey(TestTenant t) {
        Http.Response k = HTTP.post("/api/v1/keys", "{\"name\":\"second key\"}", t.auth("admin"));
        assertThat(k.status()).as(k.body()).isIn(200, 201);
        return k.json().getString("key");
    }

    static void setRetention(TestTenant t, String mode, int days) {
        Http.Response r =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"" + mode + "\",\"retentionDays\":" + days + "}",
                        t.auth("admin"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static String storeOne(TestTenant t, String path) {
        Http.Response r =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"input\":\"remember me\"}",
                        t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().getBoolean("store")).isTrue();
        return r.json().getString("id");
    }

    @Test
    void anotherKeyOfTheSameTenantCanNeitherReadNorContinueAStoredResponse() throws Exception {
        TestTenant t = tenantWithStandIn("sk", "agent");
        keepContentInFull(t);
        answerWith("sk", completion("Hello Ada"));
        String id = storeOne(t, "sk");
        String other = secondKey(t);
        String[] otherAuth = {"Authorization", "Bearer " + other};

        Http.Response foreign = HTTP.get("/v1/responses/" + id, otherAuth);
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(404);
        assertThat(foreign.json().getJsonObject("error").getString("code"))
                .isEqualTo("response_not_found");
        int before = sentTo("sk").size();
        Http.Response continued =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"input\":\"What is my name?\",\"previous_response_id\":\""
                                + id
                                + "\"}",
                        otherAuth);
        assertThat(continued.status()).as(continued.body()).isEqualTo(404);
        assertThat(continued.json().getJsonObject("error").getString("param"))
                .isEqualTo("previous_response_id");
        assertThat(sentTo("sk")).as("nothing was sent for the other key").hasSize(before);

        // the storing key still reads it, and each read of stored content is audited
        Http.Response own = HTTP.get("/v1/responses/" + id, t.keyAuth());
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE action = 'responses.stored.read'"
                                            + " AND target_id = ? AND tenant_id = ?::uuid",
                                    id,
                                    t.id()))
                    .as("one audited read (the refused ones read nothing)")
                    .isEqualTo(1);
        }
    }

    @Test
    void theTenantsCurrentRetentionSettingGovernsStoredResponses() throws Exception {
        TestTenant t = tenantWithStandIn("cr", "agent");
        keepContentInFull(t);
        answerWith("cr", completion("kept for a while"));
        String id = storeOne(t, "cr");
        assertThat(HTTP.get("/v1/responses/" + id, t.keyAuth()).status()).isEqualTo(200);

        // the tenant stops keeping content: nothing stored is served any more, nor continued
        setRetention(t, "hashed", 30);
        Http.Response got = HTTP.get("/v1/responses/" + id, t.keyAuth());
        assertThat(got.status()).as(got.body()).isEqualTo(404);
        assertThat(got.json().getJsonObject("error").getString("code"))
                .isEqualTo("response_not_found");

        // back to full, but with a period shorter than the response's age
        setRetention(t, "full", 30);
        assertThat(HTTP.get("/v1/responses/" + id, t.keyAuth()).status())
                .as("within the current period again")
                .isEqualTo(200);
        try (Connection c = Db.asOwner();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE routing_stored_responses SET created_at = now() - interval '10 days'"
                                        + " WHERE id = ?")) {
            ps.setString(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(HTTP.get("/v1/responses/" + id, t.keyAuth()).status()).isEqualTo(200);
        setRetention(t, "full", 5);
        assertThat(HTTP.get("/v1/responses/" + id, t.keyAuth()).status())
                .as("older than the current 5 days (expires_at still says 30)")
                .isEqualTo(404);
        Http.Response continued =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"input\":\"x\",\"previous_response_id\":\""
                                + id
                                + "\"}",
                        t.keyAuth());
        assertThat(continued.status()).as(continued.body()).isEqualTo(404);

        // a response stored now, then the tenant stops keeping content: the purge deletes both
        String fresh = storeOne(t, "cr");
        setRetention(t, "none", 5);
        Http.Response purge =
                HTTP.post(
                        "/api/v1/audit/retention/purge",
                        "",
                        "Authorization",
                        "Bearer "
                                + TestTenant.login(
                                        TestTenant.PLATFORM_ADMIN,
                                        TestTenant.PLATFORM_ADMIN_PASSWORD));
        assertThat(purge.status()).as(purge.body()).isEqualTo(200);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM routing_stored_responses WHERE id IN (?, ?)",
                                    id,
                                    fresh))
                    .as("the purge follows the current setting, not expires_at")
                    .isZero();
        }
    }

    // ------------------------------------------------------------ DELETE

    static Http.Response delete(String id, String... auth) {
        return HTTP.method("DELETE", "/v1/responses/" + id, null, auth);
    }

    static long storedRows(TestTenant t) throws Exception {
        try (Connection c = Db.asApp()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM routing_stored_responses WHERE tenant_id = ?::uuid",
                    t.id());
        }
    }

    /**
     * DELETE /v1/responses/{id} in OpenAI's shape: only the key that stored it (another key of the
     * tenant and another tenant get 404, and the response stays), 401 without a key, 403 while the
     * tenant is under a legal hold, and each deletion audited.
     */
    @Test
    void onlyTheStoringKeyDeletesAStoredResponseAndTheDeletionIsAudited() throws Exception {
        TestTenant t = tenantWithStandIn("del", "agent");
        keepContentInFull(t);
        answerWith("del", completion("to be deleted"));
        String id = storeOne(t, "del");
        TestTenant other = tenantWithStandIn("del2", "agent");

        assertThat(delete(id).status()).as("no key").isEqualTo(401);
        Http.Response sameTenant = delete(id, "Authorization", "Bearer " + secondKey(t));
        assertThat(sameTenant.status()).as(sameTenant.body()).isEqualTo(404);
        assertThat(sameTenant.json().getJsonObject("error").getString("code"))
                .isEqualTo("response_not_found");
        assertThat(delete(id, other.keyAuth()).status()).as("another tenant").isEqualTo(404);
        assertThat(delete("resp_" + "0".repeat(32), t.keyAuth()).status()).isEqualTo(404);
        assertThat(delete("not-an-id", t.keyAuth()).status()).isEqualTo(404);
        assertThat(HTTP.get("/v1/responses/" + id, t.keyAuth()).status())
                .as("still there")
                .isEqualTo(200);

        Http.Response deleted = delete(id, t.keyAuth());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json())
                .isEqualTo(
                        json(
                                "{\"id\":\""
                                        + id
                                        + "\",\"object\":\"response.deleted\",\"deleted\":true}"));
        assertThat(HTTP.get("/v1/responses/" + id, t.keyAuth()).status()).isEqualTo(404);
        assertThat(delete(id, t.keyAuth()).status()).as("gone").isEqualTo(404);
        assertThat(storedRows(t)).isZero();
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE action = 'responses.stored.delete'"
                                            + " AND target_id = ? AND tenant_id = ?::uuid",
                                    id,
                                    t.id()))
                    .as("one audited deletion (the refused ones deleted nothing)")
                    .isEqualTo(1);
        }

        // under a legal hold stored content stays
        String kept = storeOne(t, "del");
        Http.Response hold =
                HTTP.post(
                        "/api/v1/audit/retention/holds",
                        "{\"reason\":\"litigation 17\"}",
                        t.auth("admin"));
        assertThat(hold.status()).as(hold.body()).isEqualTo(201);
        Http.Response held = delete(kept, t.keyAuth());
        assertThat(held.status()).as(held.body()).isEqualTo(403);
        assertThat(held.json().getJsonObject("error").getString("code")).isEqualTo("legal_hold");
        assertThat(HTTP.get("/v1/responses/" + kept, t.keyAuth()).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------ usage, store failures

    /**
     * A provider that reports no usage: the response's usage is null (not the gateway's estimate
     * passed off as the provider's count), in a JSON answer and at the end of a stream; the audit
     * event holds the estimate, flagged.
     */
    @Test
    void aResponseWithoutTheProvidersUsageHasNullUsage() throws Exception {
        TestTenant t = tenantWithStandIn("nu", "agent");
        answerWith(
                "nu",
                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"no usage here\"},\"finish_reason\":\"stop\"}]}");
        Http.Response r =
                HTTP.post("/v1/responses", "{\"model\":\"agent\",\"input\":\"hi\"}", t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().isNull("usage")).as(r.body()).isTrue();

        TestTenant s = tenantWithStandIn("nus", "agent");
        standIn.answerStream(
                "/nus/v1/chat/completions",
                "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{\"content\":\"no usage\"},\"finish_reason\":null}]}\n\n"
                        + "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        Http.Response streamed =
                HTTP.post(
                        "/v1/responses",
                        "{\"model\":\"agent\",\"stream\":true,\"input\":\"hi\"}",
                        s.keyAuth());
        assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
        List<JsonObject> events = ResponsesStreams.events(streamed.body());
        JsonObject completed = events.get(events.size() - 1);
        assertThat(completed.getString("type")).isEqualTo("response.completed");
        assertThat(completed.getJsonObject("response").isNull("usage"))
                .as("the estimate is not the provider's count")
                .isTrue();
        try (Connection c = Db.asApp()) {
            for (Http.Response x : List.of(r, streamed)) {
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM audit_events WHERE request_id = ?"
                                                + " AND action = 'gateway.request' AND tokens_estimated"
                                                + " AND input_tokens > 0",
                                        x.header("x-request-id")))
                        .isEqualTo(1);
            }
        }
    }

    /** Runs {@code body} while inserts into the stored responses of {@code t} fail. */
    static void withFailingStores(TestTenant t, Runnable body) throws Exception {
        String fn = "it_refuse_store_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE FUNCTION "
                            + fn
                            + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW.tenant_id = '"
                            + t.id()
                            + "'::uuid THEN RAISE EXCEPTION 'test: this store fails'; END IF;"
                            + " RETURN NEW; END $$");
            st.execute(
                    "CREATE TRIGGER "
                            + fn
                            + " BEFORE INSERT ON routing_stored_responses FOR EACH ROW EXECUTE FUNCTION "
                            + fn
                            + "()");
        }
        try {
            body.run();
        } finally {
            try (Connection c = Db.asOwner();
                    Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER IF EXISTS " + fn + " ON routing_stored_responses");
                st.execute("DROP FUNCTION IF EXISTS " + fn + "()");
            }
        }
    }

    /**
     * A JSON answer whose storing fails: the call was made, recorded and charged, so it is answered
     * all the same, saying store: false; nothing is half-stored and the id is not readable.
     */
    @Test
    void aJsonAnswerThatCannotBeStoredSaysStoreFalseAndNothingIsStored() throws Exception {
        TestTenant t = tenantWithStandIn("sf", "agent");
        keepContentInFull(t);
        answerWith("sf", completion("answered anyway"));
        withFailingStores(
                t,
                () -> {
                    Http.Response r =
                            HTTP.post(
                                    "/v1/responses",
                                    "{\"model\":\"agent\",\"input\":\"store me\"}",
                                    t.keyAuth());
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    assertThat(r.json().getBoolean("store")).isFalse();
                    assertThat(outputText(r.json())).isEqualTo("answered anyway");
                    assertThat(
                                    HTTP.get(
                                                    "/v1/responses/" + r.json().getString("id"),
                                                    t.keyAuth())
                                            .status())
                            .isEqualTo(404);
                    try (Connection c = Db.asApp()) {
                        assertThat(
                                        Db.count(
                                                c,
                                                "SELECT count(*) FROM audit_events WHERE request_id = ?"
                                                        + " AND action = 'gateway.request' AND status_code = 200",
                                                r.header("x-request-id")))
                                .isEqualTo(1);
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertThat(storedRows(t)).isZero();
    }
}
