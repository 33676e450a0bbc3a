package io.gatehouse.policy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tool traffic under policy (issue 17), through chat, Responses and Messages against a stand-in
 * OpenAI-compatible provider: a secret in a tool call's arguments and in a tool result is masked
 * before the provider sees it (the stand-in's request body); a call of a forbidden tool in the
 * answer is refused, whole and streamed, and nothing of it reaches the client; a rule scoped to one
 * tool masks an address in that tool's arguments in the answer, also when the stream splits it; a
 * conversation that called a tool the input rules forbid never reaches the provider; the audit
 * event records the tools offered and called.
 */
class ToolPolicyIT {
    static final String SECRET = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
    static final String PATH = "/tools-policy/v1";
    static WireMockServer provider;
    static TestTenant tenant;

    static final String POLICY =
            "{\"mode\":\"enforce\",\"rules\":["
                    + "{\"id\":\"no-delete\",\"tools\":[\"delete_repo\"],\"action\":\"deny\","
                    + "\"code\":\"tool_denied\",\"message\":\"delete_repo may not be used\"},"
                    + "{\"id\":\"no-shell\",\"tools\":[\"run_shell\"],\"action\":\"deny\","
                    + "\"code\":\"forbidden_tool\",\"message\":\"run_shell may not be called\","
                    + "\"stage\":\"output\"},"
                    + "{\"id\":\"secrets\",\"condition\":\"entities.secret.count > 0\","
                    + "\"action\":\"redact\",\"entities\":[\"secret\"],\"stage\":\"both\"},"
                    + "{\"id\":\"mail-to\",\"tools\":[\"send_mail\"],\"action\":\"redact\","
                    + "\"entities\":[\"email\"],\"stage\":\"output\"}]}";

    @BeforeAll
    static void start() throws Exception {
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
        tenant = TestTenant.fresh();
        CatalogFixture.provider(
                tenant.id(),
                "tp",
                "openai",
                "http://localhost:" + provider.port() + PATH,
                "{}",
                "m",
                "chat,streaming,tools");
        CatalogFixture.route(tenant.id(), "tl", "chat", "priority", 0, "tp/m");
        Changes.publishPolicy(tenant, "tools", json(POLICY));
        answer("case-plain", completion("{\"role\":\"assistant\",\"content\":\"ok\"}", "stop"));
        String shell = "{\"cmd\":\"rm -rf /srv\"}";
        answer("case-shell", completion(callMessage("call_9", "run_shell", shell), "tool_calls"));
        stream("case-shell", "call_9", "run_shell", "{\"cmd\":\"rm -rf", " /srv\"}");
        String mail = "{\"to\":\"bob@example.com\",\"body\":\"hi\"}";
        answer("case-mail", completion(callMessage("call_7", "send_mail", mail), "tool_calls"));
        stream(
                "case-mail",
                "call_7",
                "send_mail",
                "{\"to\":\"bob@exa",
                "mple.com\",\"body\":\"hi\"}");
    }

    @AfterAll
    static void stop() {
        provider.stop();
    }

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    static String q(String s) {
        return Json.createValue(s).toString();
    }

    static String callMessage(String id, String name, String args) {
        return "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\""
                + id
                + "\",\"type\":\"function\",\"function\":{\"name\":\""
                + name
                + "\",\"arguments\":"
                + q(args)
                + "}}]}";
    }

    static String completion(String message, String finish) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":"
                + message
                + ",\"finish_reason\":\""
                + finish
                + "\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
    }

    static void answer(String marker, String body) {
        provider.stubFor(
                post(urlEqualTo(PATH + "/chat/completions"))
                        .atPriority(5)
                        .withRequestBody(containing(marker))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(body)));
    }

    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":"
                + delta
                + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"")
                + "}]}\n\n";
    }

    /** A streamed call whose arguments arrive in two fragments. */
    static void stream(String marker, String id, String name, String args1, String args2) {
        String sse =
                chunk("{\"role\":\"assistant\",\"content\":null}", null)
                        + chunk(
                                "{\"tool_calls\":[{\"index\":0,\"id\":\""
                                        + id
                                        + "\",\"type\":\"function\",\"function\":{\"name\":\""
                                        + name
                                        + "\",\"arguments\":\"\"}}]}",
                                null)
                        + chunk(
                                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                                        + q(args1)
                                        + "}}]}",
                                null)
                        + chunk(
                                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                                        + q(args2)
                                        + "}}]}",
                                null)
                        + chunk("{}", "tool_calls")
                        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,"
                        + "\"completion_tokens\":7,\"total_tokens\":17}}\n\n"
                        + "data: [DONE]\n\n";
        provider.stubFor(
                post(urlEqualTo(PATH + "/chat/completions"))
                        .atPriority(1)
                        .withRequestBody(containing(marker))
                        .withRequestBody(containing("\"stream\":true"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(sse)));
    }

    static List<String> sent(String marker) {
        return provider.getAllServeEvents().stream()
                .map(e -> e.getRequest().getBodyAsString())
                .filter(b -> b.contains(marker))
                .toList();
    }

    static Http.Response call(String endpoint, String body) {
        return Http.local().post(endpoint, body, "Authorization", "Bearer " + tenant.apiKey());
    }

    static JsonObject audit(Http.Response r) throws Exception {
        String requestId = r.header("x-request-id");
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT details::text, status_code FROM audit_events"
                                        + " WHERE request_id = ? AND action = 'gateway.request'")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("an audit event for " + requestId).isTrue();
                JsonObject details = json(rs.getString(1));
                assertThat(rs.next()).as("exactly one").isFalse();
                return details;
            }
        }
    }

    /** {@code details."tools.offered"} and {@code ."tools.called"}: one tool, called once. */
    static void assertTools(JsonObject details, String tool) {
        assertThat(details.getJsonArray("tools.offered").toString())
                .isEqualTo("[\"" + tool + "\"]");
        assertThat(details.getJsonObject("tools.called").toString())
                .isEqualTo("{\"" + tool + "\":1}");
    }

    static int count(String haystack, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(haystack);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static final String FETCH_TOOL_CHAT =
            "{\"type\":\"function\",\"function\":{\"name\":\"fetch\",\"description\":\"Fetches a URL\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"token\":{\"type\":\"string\"}}}}}";

    static String chatConversation(String marker) {
        return "{\"model\":\"tl\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + marker
                + "\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"fetch\",\"arguments\":"
                + q("{\"token\":\"" + SECRET + "\"}")
                + "}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"result "
                + SECRET
                + "\"}],\"tools\":["
                + FETCH_TOOL_CHAT
                + "]}";
    }

    static String responsesConversation(String marker) {
        return "{\"model\":\"tl\",\"input\":[{\"role\":\"user\",\"content\":\""
                + marker
                + "\"},{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"fetch\","
                + "\"arguments\":"
                + q("{\"token\":\"" + SECRET + "\"}")
                + "},{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"result "
                + SECRET
                + "\"}],\"tools\":[{\"type\":\"function\",\"name\":\"fetch\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}]}";
    }

    static String messagesConversation(String marker) {
        return "{\"model\":\"tl\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\""
                + marker
                + "\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\","
                + "\"name\":\"fetch\",\"input\":{\"token\":\""
                + SECRET
                + "\"}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"toolu_1\",\"content\":\"result "
                + SECRET
                + "\"}]}],\"tools\":[{\"name\":\"fetch\",\"input_schema\":{\"type\":\"object\"}}]}";
    }

    @Test
    void aSecretInToolArgumentsAndResultsIsMaskedBeforeTheProviderInEveryDialect()
            throws Exception {
        String[][] cases = {
            {"/v1/chat/completions", chatConversation("case-plain-chat")},
            {"/v1/responses", responsesConversation("case-plain-responses")},
            {"/v1/messages", messagesConversation("case-plain-messages")}
        };
        for (String[] c : cases) {
            Http.Response r = call(c[0], c[1]);
            assertThat(r.status()).as(c[0] + " " + r.body()).isEqualTo(200);
            String marker = c[1].substring(c[1].indexOf("case-plain-"), c[1].indexOf("\"},"));
            List<String> sent = sent(marker);
            assertThat(sent).as(c[0]).hasSize(1);
            assertThat(sent.get(0)).as(c[0]).doesNotContain(SECRET);
            assertThat(count(sent.get(0), "[SECRET]"))
                    .as(c[0] + ": the call's arguments and the tool's result: " + sent.get(0))
                    .isEqualTo(2);
            JsonObject details = audit(r);
            assertThat(details.getJsonArray("tools.offered").toString())
                    .as(c[0])
                    .isEqualTo("[\"fetch\"]");
            assertThat(details.getJsonObject("policy").getJsonObject("input").toString())
                    .as(c[0])
                    .contains("tools@v1/secrets:redact");
            assertThat(details.toString())
                    .as("no content in the audit event")
                    .doesNotContain(SECRET);
        }
    }

    static String chatWithCallArguments(String marker, String args, String tool) {
        return "{\"model\":\"tl\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + marker
                + "\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"fetch\",\"arguments\":"
                + q(args)
                + "}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"done\"}],"
                + "\"tools\":["
                + tool
                + "]}";
    }

    @Test
    void argumentsWithTrailingTextDuplicateNamesOrASecretNameAreMaskedBeforeTheProvider()
            throws Exception {
        String escaped = SECRET.replace("ghp_", "gh\\u0070_");
        String[][] cases = {
            {"case-plain-trailing", "{\"q\":\"x\"} " + SECRET},
            {"case-plain-dupe", "{\"t\":\"" + SECRET + "\",\"t\":\"x\"}"},
            {"case-plain-dupe-escaped", "{\"t\":\"" + escaped + "\",\"t\":\"x\"}"},
            {"case-plain-name", "{\"" + SECRET + "\":1}"}
        };
        for (String[] c : cases) {
            Http.Response r =
                    call(
                            "/v1/chat/completions",
                            chatWithCallArguments(c[0], c[1], FETCH_TOOL_CHAT));
            assertThat(r.status()).as(c[0] + " " + r.body()).isEqualTo(200);
            List<String> sent = sent(c[0] + "\"");
            assertThat(sent).as(c[0]).hasSize(1);
            assertThat(sent.get(0)).as(c[0]).doesNotContain(SECRET.substring(4));
            assertThat(sent.get(0)).as(c[0]).contains("[SECRET]");
            assertThat(audit(r).getJsonObject("policy").getJsonObject("input").toString())
                    .as(c[0])
                    .contains("tools@v1/secrets:redact");
        }
    }

    @Test
    void aSecretInAToolDefinitionThatARuleWouldRedactRefusesTheRequest() throws Exception {
        String described =
                "{\"type\":\"function\",\"function\":{\"name\":\"fetch\",\"description\":\"token "
                        + SECRET
                        + "\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}";
        String named =
                "{\"type\":\"function\",\"function\":{\"name\":\"fetch\","
                        + "\"parameters\":{\"type\":\"object\",\"properties\":{\""
                        + SECRET
                        + "\":{\"type\":\"string\"}}}}}";
        String[][] cases = {{"case-plain-def-text", described}, {"case-plain-def-name", named}};
        for (String[] c : cases) {
            Http.Response r =
                    call(
                            "/v1/chat/completions",
                            chatWithCallArguments(c[0], "{\"q\":\"x\"}", c[1]));
            assertThat(r.status()).as(c[0] + " " + r.body()).isEqualTo(400);
            assertThat(r.json().getJsonObject("error").getString("code"))
                    .isEqualTo("unredactable_tool_definition");
            assertThat(r.body()).doesNotContain(SECRET);
            assertThat(sent(c[0] + "\"")).as("nothing reached the provider").isEmpty();
            JsonObject details = audit(r);
            assertThat(details.getJsonObject("policy").getString("refused"))
                    .isEqualTo("unredactable_tool_definition");
            assertThat(details.toString()).doesNotContain(SECRET);
        }
    }

    static final String SHELL_TOOL_CHAT =
            "{\"type\":\"function\",\"function\":{\"name\":\"run_shell\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"cmd\":{\"type\":\"string\"}}}}}";

    static String chatAsking(String marker, String tool, boolean stream) {
        return "{\"model\":\"tl\","
                + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\""
                + marker
                + "\"}],\"tools\":["
                + "{\"type\":\"function\",\"function\":{\"name\":\""
                + tool
                + "\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]}";
    }

    static String responsesAsking(String marker, String tool, boolean stream) {
        return "{\"model\":\"tl\","
                + (stream ? "\"stream\":true," : "")
                + "\"input\":\""
                + marker
                + "\",\"tools\":[{\"type\":\"function\",\"name\":\""
                + tool
                + "\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}]}";
    }

    static String messagesAsking(String marker, String tool, boolean stream) {
        return "{\"model\":\"tl\",\"max_tokens\":64,"
                + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\""
                + marker
                + "\"}],\"tools\":[{\"name\":\""
                + tool
                + "\",\"input_schema\":{\"type\":\"object\"}}]}";
    }

    @Test
    void aCallOfAForbiddenToolInTheAnswerIsRefusedWholeAndStreamedInEveryDialect()
            throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            Http.Response chat =
                    call("/v1/chat/completions", chatAsking("case-shell", "run_shell", stream));
            Http.Response resp =
                    call("/v1/responses", responsesAsking("case-shell", "run_shell", stream));
            Http.Response msgs =
                    call("/v1/messages", messagesAsking("case-shell", "run_shell", stream));
            for (Http.Response r : List.of(chat, resp, msgs)) {
                assertThat(r.body())
                        .as("nothing of the call: " + r.body())
                        .doesNotContain("rm -rf");
                assertThat(r.body()).doesNotContain("Exception").doesNotContain("[DONE]");
                JsonObject details = audit(r);
                assertTools(details, "run_shell");
                assertThat(
                                details.getJsonObject("policy")
                                        .getJsonObject("output")
                                        .getString("code"))
                        .isEqualTo("forbidden_tool");
            }
            if (!stream) {
                assertThat(chat.status()).isEqualTo(403);
                assertThat(chat.json().getJsonObject("error").getString("code"))
                        .isEqualTo("forbidden_tool");
                assertThat(resp.status()).isEqualTo(403);
                assertThat(resp.json().getJsonObject("error").getString("code"))
                        .isEqualTo("forbidden_tool");
                assertThat(msgs.status()).isEqualTo(403);
                assertThat(msgs.json().getJsonObject("error").getString("type"))
                        .isEqualTo("permission_error");
                assertThat(msgs.header("x-gatehouse-error-code")).isEqualTo("forbidden_tool");
            } else {
                assertThat(chat.body()).contains("\"code\":\"forbidden_tool\"");
                assertThat(resp.body()).contains("response.failed").contains("forbidden_tool");
                assertThat(msgs.body()).contains("event: error").contains("permission_error");
            }
        }
    }

    @Test
    void aRuleScopedToOneToolMasksItsArgumentsInTheAnswerWholeAndStreamed() throws Exception {
        // whole answers
        Http.Response chat =
                call("/v1/chat/completions", chatAsking("case-mail", "send_mail", false));
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        String chatArgs =
                chat.json()
                        .getJsonArray("choices")
                        .getJsonObject(0)
                        .getJsonObject("message")
                        .getJsonArray("tool_calls")
                        .getJsonObject(0)
                        .getJsonObject("function")
                        .getString("arguments");
        assertThat(json(chatArgs).getString("to")).isEqualTo("[EMAIL]");
        assertThat(json(chatArgs).getString("body")).isEqualTo("hi");

        Http.Response resp =
                call("/v1/responses", responsesAsking("case-mail", "send_mail", false));
        assertThat(resp.status()).as(resp.body()).isEqualTo(200);
        assertThat(resp.body()).doesNotContain("bob@example.com");
        JsonObject fc =
                resp.json().getJsonArray("output").getValuesAs(JsonObject.class).stream()
                        .filter(o -> o.getString("type").equals("function_call"))
                        .findFirst()
                        .orElseThrow();
        assertThat(fc.getString("name")).isEqualTo("send_mail");
        assertThat(json(fc.getString("arguments")).getString("to")).isEqualTo("[EMAIL]");

        Http.Response msgs = call("/v1/messages", messagesAsking("case-mail", "send_mail", false));
        assertThat(msgs.status()).as(msgs.body()).isEqualTo(200);
        JsonObject use =
                msgs.json().getJsonArray("content").getValuesAs(JsonObject.class).stream()
                        .filter(o -> o.getString("type").equals("tool_use"))
                        .findFirst()
                        .orElseThrow();
        assertThat(use.getJsonObject("input").getString("to")).isEqualTo("[EMAIL]");
        assertTools(audit(msgs), "send_mail");

        // streamed: the address arrives split over two fragments
        for (Http.Response r :
                List.of(
                        call("/v1/chat/completions", chatAsking("case-mail", "send_mail", true)),
                        call("/v1/responses", responsesAsking("case-mail", "send_mail", true)),
                        call("/v1/messages", messagesAsking("case-mail", "send_mail", true)))) {
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body())
                    .as(r.body())
                    .doesNotContain("bob@exa")
                    .doesNotContain("mple.com")
                    .contains("[EMAIL]");
            assertTools(audit(r), "send_mail");
        }
    }

    @Test
    void aConversationThatUsedAToolTheInputRulesForbidNeverReachesTheProvider() throws Exception {
        String body =
                "{\"model\":\"tl\",\"messages\":[{\"role\":\"user\",\"content\":\"case-delete\"},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c_d\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"delete_repo\","
                        + "\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c_d\","
                        + "\"content\":\"deleted\"}]}";
        Http.Response r = call("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("tool_denied");
        assertThat(sent("case-delete")).isEmpty();
        // the same conversation without the forbidden tool goes through
        Http.Response ok =
                call(
                        "/v1/chat/completions",
                        body.replace("delete_repo", "list_repos")
                                .replace("case-delete", "case-plain-list"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    /**
     * What chat forwards with the client's bytes must be what the input policy scanned (issue 17):
     * a call's arguments as an object, an extra key in a call or its function, another call type
     * are refused with 400 naming the field (OpenAI's error shape) and never reach the provider; a
     * secret in an earlier refusal part is seen by the rules (a redaction there refuses, 400 {@code
     * unredactable_refusal}); a rule names a tool in any case ({@code DELETE_REPO} is {@code
     * delete_repo}).
     */
    @Test
    void whatTheInputPolicyCannotScanIsRefusedAndToolNamesFoldCase() throws Exception {
        String asObject =
                "{\"model\":\"tl\",\"messages\":[{\"role\":\"user\",\"content\":\"case-strict-1\"},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"fetch\",\"arguments\":{\"token\":\""
                        + SECRET
                        + "\"}}}]},{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"done\"}]}";
        String extraKey =
                asObject.replace("case-strict-1", "case-strict-2")
                        .replace(
                                "\"arguments\":{\"token\":\"" + SECRET + "\"}",
                                "\"arguments\":\"{}\",\"note\":\"" + SECRET + "\"");
        String[][] refused = {
            {asObject, "messages[1].tool_calls[0].function.arguments"},
            {extraKey, "messages[1].tool_calls[0].function.note"}
        };
        for (String[] c : refused) {
            Http.Response r = call("/v1/chat/completions", c[0]);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            JsonObject error = r.json().getJsonObject("error");
            assertThat(error.getString("param")).isEqualTo(c[1]);
            assertThat(r.body()).doesNotContain("Exception");
        }
        assertThat(sent("case-strict-")).as("nothing reached the provider").isEmpty();

        String refusal =
                "{\"model\":\"tl\",\"messages\":[{\"role\":\"user\",\"content\":\"case-strict-3\"},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":"
                        + "\"I will not use "
                        + SECRET
                        + "\"}]},{\"role\":\"user\",\"content\":\"ok\"}]}";
        Http.Response r = call("/v1/chat/completions", refusal);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getJsonObject("error").getString("code"))
                .isEqualTo("unredactable_refusal");
        assertThat(sent("case-strict-3")).isEmpty();

        String upper =
                "{\"model\":\"tl\",\"messages\":[{\"role\":\"user\",\"content\":\"case-strict-4\"},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c_d\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"DELETE_REPO\","
                        + "\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c_d\","
                        + "\"content\":\"deleted\"}]}";
        Http.Response denied = call("/v1/chat/completions", upper);
        assertThat(denied.status()).as(denied.body()).isEqualTo(403);
        assertThat(denied.json().getJsonObject("error").getString("code")).isEqualTo("tool_denied");
        assertThat(sent("case-strict-4")).isEmpty();
    }
}
