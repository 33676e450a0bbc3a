package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.gatehouse.routing.MessagesIT.assertAnthropicError;
import static io.gatehouse.routing.MessagesIT.auditEvent;
import static io.gatehouse.routing.MessagesIT.messages;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.routing.AnthropicStreams.Event;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.StringReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/messages} to Anthropic providers natively (issue 17): the client's body goes
 * upstream as sent (model swapped) or re-rendered when a stage changed it, the answer and the
 * stream come back as Anthropic sent them (thinking blocks and signatures intact), and a
 * conversation with thinking never fails over to a provider of another kind. Stand-in provider
 * answers are shaped as Anthropic's extended-thinking examples.
 */
class MessagesNativeIT {
    static WireMockServer provider;

    @BeforeAll
    static void start() {
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
    }

    @AfterAll
    static void stop() {
        provider.stop();
    }

    static final String THINKING_BLOCK =
            "{\"type\":\"thinking\",\"thinking\":\"The user asks for 27 * 453. 453 = 400 + 50 + 3.\","
                    + "\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYdsd+JuqQ0gNfQ2W1qXVmQ==\"}";

    /**
     * A second turn of an extended-thinking conversation: the earlier thinking goes back signed.
     */
    static String thinkingBody(String model, boolean stream, String userText) {
        return "{\"model\":\""
                + model
                + "\", \"max_tokens\": 4096,"
                + (stream ? "\"stream\":true," : "")
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 27 * 453?\"},"
                + "{\"role\":\"assistant\",\"content\":["
                + THINKING_BLOCK
                + ",{\"type\":\"text\",\"text\":\"27 * 453 = 12,231\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\""
                + userText
                + "\"}]}]}";
    }

    /** Anthropic's non-streamed answer with a thinking block, as the API sends it. */
    static String answer(String text) {
        return "{\"id\":\"msg_01AgfN6kXkoeC8Y8cVoPSYuC\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":\"Check the product again: 12,231.\","
                + "\"signature\":\"ErUBCkYIBRgCIkDa+g7wOl6V3k3k0hPz/yB6t2p8Gn5VfHwB1nQ==\"},"
                + "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP\"},"
                + "{\"type\":\"text\",\"text\":\""
                + text
                + "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":312,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
                + "\"output_tokens\":97,\"service_tier\":\"standard\"}}";
    }

    /** Anthropic's streamed answer with extended thinking: thinking, signature, then text. */
    static final String THINKING_STREAM =
            """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_01Ht6kBt8sZs5xW4NbqNfbWR","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":318,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":3}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me solve this step by step:\\n\\n1. First break down 27 * 453"}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"\\n2. 453 = 400 + 50 + 3"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds/vL8xQ=="}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"27 * 453 = 12,231"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":121}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    static void anthropic(TestTenant t, String name, String path) throws Exception {
        CatalogFixture.provider(
                t.id(),
                name,
                "anthropic",
                "http://localhost:" + provider.port() + path,
                "{}",
                "claude-sonnet-4-5",
                "chat,streaming,tools");
    }

    static List<String> sentTo(String url) {
        return provider.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(url))
                .map(e -> e.getRequest().getBodyAsString())
                .toList();
    }

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    @Test
    void aMessageWithThinkingGoesAsSentAndItsAnswerComesBackByteForByte() throws Exception {
        String answer = answer("Yes: 27 * 453 = 12,231.");
        provider.stubFor(
                post(urlEqualTo("/nat1/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(answer)));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat1");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        String body = thinkingBody("claude", false, "Are you sure?");
        Http.Response r = messages(body, "x-api-key", t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.body()).isEqualTo(answer);
        // the client's own bytes, only the model swapped: the earlier thinking and its signature
        // reach the provider exactly as Anthropic issued them
        assertThat(sentTo("/nat1/v1/messages"))
                .containsExactly(body.replace("\"claude\"", "\"claude-sonnet-4-5\""));
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isTrue();
        assertThat(audit.getJsonObject("details").getString("endpoint")).isEqualTo("/v1/messages");
        assertThat(audit.getJsonNumber("input").longValue()).isEqualTo(312);
        assertThat(audit.getJsonNumber("output").longValue()).isEqualTo(97);
    }

    @Test
    void aStreamWithThinkingIsRelayedEventByEventAsAnthropicSentIt() throws Exception {
        provider.stubFor(
                post(urlEqualTo("/nat2/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(THINKING_STREAM)));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat2");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        String body = thinkingBody("claude", true, "Are you sure?");
        Http.Response r = messages(body, "x-api-key", t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        // event by event, and byte for byte: thinking deltas, the signature, the ping
        List<Event> got = AnthropicStreams.parse(r.body());
        List<Event> recorded = AnthropicStreams.parse(THINKING_STREAM);
        assertThat(got).containsExactlyElementsOf(recorded);
        assertThat(r.body()).isEqualTo(THINKING_STREAM);
        assertThat(sentTo("/nat2/v1/messages"))
                .containsExactly(body.replace("\"claude\"", "\"claude-sonnet-4-5\""));
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isTrue();
        assertThat(audit.getJsonObject("details").get("stream").toString()).isEqualTo("true");
        // usage read from message_start and message_delta
        assertThat(audit.getJsonNumber("input").longValue()).isEqualTo(318);
        assertThat(audit.getJsonNumber("output").longValue()).isEqualTo(121);
        assertThat(audit.getInt("status")).isEqualTo(200);
    }

    /**
     * A route of an Anthropic target before an OpenAI-compatible one: a plain message fails over
     * (translated), one whose conversation carries thinking is never sent to the other kind and
     * gets Anthropic's error shape; a route with no Anthropic target refuses thinking with 400.
     */
    @Test
    void aConversationWithThinkingNeverFailsOverToAnotherProviderKind() throws Exception {
        provider.stubFor(
                post(urlEqualTo("/nat3/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withStatus(500)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}")));
        provider.stubFor(
                post(urlEqualTo("/nat3oa/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mx\","
                                                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"12,231\"},"
                                                        + "\"finish_reason\":\"stop\"}],"
                                                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}")));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat3");
        CatalogFixture.provider(
                t.id(),
                "oa",
                "openai",
                "http://localhost:" + provider.port() + "/nat3oa/v1",
                "{}",
                "mx",
                "chat,streaming,tools");
        CatalogFixture.route(
                t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5", "oa/mx");
        CatalogFixture.route(t.id(), "gpt", "chat", "priority", 0, "oa/mx");

        for (boolean stream : new boolean[] {false, true}) {
            int before = sentTo("/nat3oa/v1/chat/completions").size();
            Http.Response thinking =
                    messages(thinkingBody("claude", stream, "Sure?"), "x-api-key", t.apiKey());
            assertAnthropicError(thinking, 502, "api_error");
            assertThat(sentTo("/nat3oa/v1/chat/completions"))
                    .as("never sent to the OpenAI-compatible target")
                    .hasSize(before);
            JsonObject audit = auditEvent(thinking.header("x-request-id"));
            assertThat(audit.getJsonObject("details").getJsonArray("attempts")).hasSize(1);
        }

        // without thinking the same route fails over, translated
        Http.Response plain =
                messages(MessagesIT.body("claude", "What is 27 * 453?"), "x-api-key", t.apiKey());
        assertThat(plain.status()).as(plain.toString()).isEqualTo(200);
        assertThat(plain.json().getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("12,231");
        JsonObject audit = auditEvent(plain.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isFalse();
        assertThat(audit.getJsonObject("details").getJsonArray("attempts")).hasSize(2);

        // no Anthropic target at all: refused before any provider is called, saying why
        int before = sentTo("/nat3oa/v1/chat/completions").size();
        Http.Response refused =
                messages(thinkingBody("gpt", false, "Sure?"), "x-api-key", t.apiKey());
        assertAnthropicError(refused, 400, "invalid_request_error");
        assertThat(refused.json().getJsonObject("error").getString("message"))
                .contains("extended thinking")
                .contains("anthropic");
        assertThat(refused.header("x-gatehouse-error-code")).isEqualTo("native_provider_required");
        assertThat(sentTo("/nat3oa/v1/chat/completions")).hasSize(before);
        assertThat(auditEvent(refused.header("x-request-id")).getInt("status")).isEqualTo(400);

        // the thinking budget is checked in Anthropic's terms
        Http.Response budget =
                messages(
                        thinkingBody("claude", false, "Sure?")
                                .replace("\"budget_tokens\":2048", "\"budget_tokens\":100"),
                        "x-api-key",
                        t.apiKey());
        assertAnthropicError(budget, 400, "invalid_request_error");
        assertThat(budget.json().getJsonObject("error").getString("message"))
                .startsWith("thinking.budget_tokens:");
    }

    static JsonObject redactMail() {
        return Json.createObjectBuilder()
                .add("mode", "enforce")
                .add(
                        "rules",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("id", "redact-mail")
                                                .add("condition", "entities.email.count > 0")
                                                .add("action", "redact")
                                                .add(
                                                        "entities",
                                                        Json.createArrayBuilder().add("email"))
                                                .add("stage", "both")))
                .build();
    }

    /**
     * Policy acts on a native request: a redacted prompt is re-rendered (never the client's raw
     * bytes) with its thinking put back as sent, and the answer's text is redacted while its
     * thinking blocks stay as signed; in a stream the text deltas pass the output filter.
     */
    @Test
    void policyRedactsANativeRequestByReRenderingItAndFiltersTheAnswersText() throws Exception {
        provider.stubFor(
                post(urlEqualTo("/nat4/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(answer("Write to bob@example.com today."))));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat4");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        Changes.publishPolicy(t, "redact-mail", redactMail());
        Http.Response r =
                messages(
                        thinkingBody("claude", false, "Mail ann@example.com the result"),
                        "x-api-key",
                        t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> sent = sentTo("/nat4/v1/messages");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).doesNotContain("ann@example.com").contains("[EMAIL]");
        JsonObject upstream = json(sent.get(0));
        assertThat(upstream.getString("model")).isEqualTo("claude-sonnet-4-5");
        assertThat(upstream.getJsonObject("thinking"))
                .isEqualTo(json("{\"type\":\"enabled\",\"budget_tokens\":2048}"));
        JsonArray assistant =
                upstream.getJsonArray("messages").getJsonObject(1).getJsonArray("content");
        assertThat(assistant.getJsonObject(0)).isEqualTo(json(THINKING_BLOCK));
        JsonArray content = r.json().getJsonArray("content");
        JsonArray provided = json(answer("x")).getJsonArray("content");
        assertThat(content.getJsonObject(0)).isEqualTo(provided.getJsonObject(0));
        assertThat(content.getJsonObject(1)).isEqualTo(provided.getJsonObject(1));
        assertThat(content.getJsonObject(2).getString("text")).isEqualTo("Write to [EMAIL] today.");
        assertThat(r.body()).doesNotContain("bob@example.com");
        assertThat(
                        auditEvent(r.header("x-request-id"))
                                .getJsonObject("details")
                                .getBoolean("passthrough"))
                .isTrue();

        // streamed: the text deltas through the output filter, thinking and signature as sent
        provider.stubFor(
                post(urlEqualTo("/nat5/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(
                                                THINKING_STREAM.replace(
                                                        "\"text\":\"27 * 453 = 12,231\"",
                                                        "\"text\":\"Write to bob@exa\"}}\n\n"
                                                                + "event: content_block_delta\n"
                                                                + "data: {\"type\":\"content_block_delta\",\"index\":1,"
                                                                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"mple.com today.\""))));
        TestTenant t2 = TestTenant.fresh();
        anthropic(t2, "an", "/nat5");
        CatalogFixture.route(t2.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        Changes.publishPolicy(t2, "redact-mail", redactMail());
        Http.Response s =
                messages(
                        thinkingBody("claude", true, "Mail ann@example.com the result"),
                        "x-api-key",
                        t2.apiKey());
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        assertThat(sentTo("/nat5/v1/messages").get(0)).doesNotContain("ann@example.com");
        List<Event> events = AnthropicStreams.parse(s.body());
        StringBuilder text = new StringBuilder();
        for (Event e : events) {
            if (e.name().equals("content_block_delta") && e.data().getInt("index") == 1) {
                text.append(e.data().getJsonObject("delta").getString("text"));
            }
        }
        assertThat(text.toString()).isEqualTo("Write to [EMAIL] today.");
        assertThat(s.body()).doesNotContain("bob@");
        // the thinking block's events byte for byte, the stream's order Anthropic's
        for (String line : THINKING_STREAM.split("\n")) {
            if (line.contains("\"index\":0")) {
                assertThat(s.body()).contains(line);
            }
        }
        assertThat(events.stream().map(Event::name).toList())
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "ping",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
    }

    /**
     * Thinking goes back as signed, so the output policy scans it without changing it: a match of a
     * redacting rule ends the answer with the policy's error, never the thinking's text (review
     * finding 1). Streamed, an entity split across two thinking deltas is seen whole before either
     * goes out.
     */
    @Test
    void theOutputPolicyScansThinkingAndAMatchEndsTheAnswer() throws Exception {
        provider.stubFor(
                post(urlEqualTo("/nat6/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                answer("Done.")
                                                        .replace(
                                                                "Check the product again: 12,231.",
                                                                "Mail bob@example.com the product."))));
        provider.stubFor(
                post(urlEqualTo("/nat7/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(
                                                THINKING_STREAM
                                                        .replace(
                                                                "1. First break down 27 * 453",
                                                                "1. Mail bob@exa")
                                                        .replace(
                                                                "\\n2. 453 = 400 + 50 + 3",
                                                                "mple.com the product"))));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat6");
        anthropic(t, "ans", "/nat7");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        CatalogFixture.route(t.id(), "claudes", "chat", "priority", 0, "ans/claude-sonnet-4-5");
        Changes.publishPolicy(t, "redact-mail", redactMail());

        Http.Response r = messages(thinkingBody("claude", false, "Sure?"), "x-api-key", t.apiKey());
        assertAnthropicError(r, 403, "permission_error");
        assertThat(r.header("x-gatehouse-error-code")).isEqualTo("thinking_policy_match");
        assertThat(r.body()).doesNotContain("bob@");
        assertThat(auditEvent(r.header("x-request-id")).getInt("status")).isEqualTo(403);

        Http.Response s = messages(thinkingBody("claudes", true, "Sure?"), "x-api-key", t.apiKey());
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        assertThat(s.body()).doesNotContain("bob@").doesNotContain("mple.com");
        List<Event> events = AnthropicStreams.parse(s.body());
        assertThat(events.get(events.size() - 1).name()).isEqualTo("error");
        assertThat(events.get(events.size() - 1).data().getJsonObject("error").getString("type"))
                .isEqualTo("permission_error");
        JsonObject audit = auditEvent(s.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(403);
        assertThat(audit.getJsonObject("details").getString("error"))
                .isEqualTo("thinking_policy_match");
    }

    /**
     * One output filter chain per message: an entity-count rule counts the entities of all its text
     * blocks, not of each block alone (review finding 3).
     */
    /**
     * A native stream relays tool_use input as Anthropic sent it: a stream that offers tools (and
     * carries no thinking) goes the translated way, so a tool-scoped output rule sees the call and
     * ends the stream before any of its input reaches the client (tool review, finding 1).
     */
    @Test
    void aStreamOfferingToolsGoesTranslatedSoTheOutputPolicySeesItsToolCalls() throws Exception {
        String toolStream =
                """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_01ToolUse","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":40,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_01A","name":"run_shell","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\\"cmd\\\": \\\"rm -rf"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":" /tmp/x\\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":20}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        provider.stubFor(
                post(urlEqualTo("/nat9/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(toolStream)));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat9");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        Changes.publishPolicy(
                t,
                "no-shell",
                json(
                        "{\"mode\":\"enforce\",\"rules\":[{\"id\":\"no-shell\","
                                + "\"tools\":[\"run_shell\"],\"action\":\"deny\","
                                + "\"code\":\"forbidden_tool\","
                                + "\"message\":\"run_shell may not be called\","
                                + "\"stage\":\"output\"}]}"));
        String body =
                "{\"model\":\"claude\",\"max_tokens\":256,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Clean up\"}],"
                        + "\"tools\":[{\"name\":\"run_shell\",\"input_schema\":{\"type\":\"object\"}}]}";
        Http.Response s = messages(body, "x-api-key", t.apiKey());
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        assertThat(s.body()).doesNotContain("rm -rf");
        List<Event> events = AnthropicStreams.parse(s.body());
        assertThat(events.get(events.size() - 1).name()).isEqualTo("error");
        JsonObject audit = auditEvent(s.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(403);
        assertThat(audit.getJsonObject("details").getString("error")).isEqualTo("forbidden_tool");
    }

    @Test
    void theOutputPolicyCountsEntitiesOverAllTextBlocksOfAStreamedMessage() throws Exception {
        String twoBlocks =
                THINKING_STREAM
                        .replace(
                                "event: message_delta\n",
                                """
                        event: content_block_start
                        data: {"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}

                        event: content_block_delta
                        data: {"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Or write to carl@example.com."}}

                        event: content_block_stop
                        data: {"type":"content_block_stop","index":2}

                        event: message_delta
                        """)
                        .replace("27 * 453 = 12,231", "Write to ann@example.com.");
        provider.stubFor(
                post(urlEqualTo("/nat8/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(twoBlocks)));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat8");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        JsonObject twoMails =
                Json.createObjectBuilder()
                        .add("mode", "enforce")
                        .add(
                                "rules",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "two-mails")
                                                        .add(
                                                                "condition",
                                                                "entities.email.count > 1")
                                                        .add("action", "deny")
                                                        .add("code", "too_many_mails")
                                                        .add("message", "Too many addresses")
                                                        .add("stage", "output")))
                        .build();
        Changes.publishPolicy(t, "two-mails", twoMails);
        Http.Response s = messages(thinkingBody("claude", true, "Sure?"), "x-api-key", t.apiKey());
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        assertThat(s.body()).doesNotContain("carl@");
        List<Event> events = AnthropicStreams.parse(s.body());
        assertThat(events.get(events.size() - 1).name()).isEqualTo("error");
        JsonObject audit = auditEvent(s.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(403);
        assertThat(audit.getJsonObject("details").getString("error")).isEqualTo("too_many_mails");
    }

    /**
     * A client that leaves during a long thinking phase whose provider stream then breaks off too
     * (whichever the relay sees first): the record holds message_start's input tokens and the
     * output of every delta so far, not an estimate of relayed text alone (review finding 2).
     * Liberty may notice the client's reset only late, so the provider's stream never ends either.
     */
    @Test
    void aStreamBrokenOffDuringThinkingIsRecordedWithTheTokensUsed() throws Exception {
        StringBuilder sse = new StringBuilder();
        String[] lines = THINKING_STREAM.split("\n\n");
        sse.append(lines[0]).append("\n\n").append(lines[1]).append("\n\n");
        String step = "Consider the next partial product and carry it over to the sum. ".repeat(5);
        for (int i = 0; i < 80; i++) {
            sse.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",")
                    .append("\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"")
                    .append(step)
                    .append("\"}}\n\n");
        }
        // cut: no content_block_stop, message_delta or message_stop
        provider.stubFor(
                post(urlEqualTo("/nat9/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(sse.toString())
                                        .withChunkedDribbleDelay(80, 8_000)));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat9");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        String marker = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] b = thinkingBody("claude", true, "Sure?").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("localhost", TestEnv.httpPort())) {
            String head =
                    "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: "
                            + t.apiKey()
                            + "\r\nContent-Type: application/json\r\nX-Request-Id: "
                            + marker
                            + "\r\nContent-Length: "
                            + b.length
                            + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
            // read well into the thinking, then leave with a reset
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            long read = 0;
            while (read < 6000) {
                int n = in.read(buf);
                assertThat(n).as("the stream ended before the client left").isPositive();
                read += n;
            }
            socket.setSoLinger(true, 0);
        }
        long[] recorded = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (recorded == null && System.currentTimeMillis() < deadline) {
            try (Connection c = Db.asApp();
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT status_code, input_tokens, output_tokens FROM audit_events"
                                            + " WHERE action = 'gateway.request'"
                                            + " AND details->>'client.request_id' = ?")) {
                ps.setString(1, marker);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        recorded = new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
                    }
                }
            }
            if (recorded == null) {
                Thread.sleep(200);
            }
        }
        assertThat(recorded).as("the abandoned stream's audit event").isNotNull();
        assertThat(recorded[0]).as("client gone or provider cut").isIn(499L, 502L);
        assertThat(recorded[1]).as("message_start's input tokens").isEqualTo(318);
        // more than 6,000 bytes of thinking reached the client: well over 500 tokens' worth
        assertThat(recorded[2]).as("output tokens of the thinking so far").isGreaterThan(500);
    }

    /**
     * Anthropic's stream of extended thinking with tool use (its documented interleaving: thinking
     * with its signature, a text block, then the tool_use block whose input arrives in
     * input_json_delta fragments), the address split across two fragments.
     */
    static final String THINKING_TOOL_STREAM =
            """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_01ThinkTool","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":412,"output_tokens":4}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user wants the report sent. I should call the mail tool."}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIMtoolThinkSignatureA1b2C3d4E5f6G7h8=="}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"I'll send the report now."}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: content_block_start
            data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01MailTool","name":"send_mail","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"to\\": \\"bob@exa"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"mple.com\\", \\"body\\": \\"report\\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":2}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":88}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    static String thinkingToolBody(String model) {
        return thinkingBody(model, true, "Send the report")
                .replace(
                        "\"messages\":[",
                        "\"tools\":[{\"name\":\"send_mail\",\"input_schema\":{\"type\":\"object\"}}],"
                                + "\"messages\":[");
    }

    /**
     * A native stream with thinking AND tools (thinking forces the native way): while output rules
     * check tool calls, each tool_use block is held until its stop and its input checked whole,
     * like chat's held calls. A tool-scoped redaction re-emits the block's input as one
     * input_json_delta with the masked JSON; a tool the output rules forbid ends the stream with
     * {@code event: error} and nothing of its input; the thinking block and its signature go out
     * byte for byte, the events in Anthropic's order.
     */
    @Test
    void aThinkingStreamsToolInputIsHeldAndCheckedByTheOutputRules() throws Exception {
        provider.stubFor(
                post(urlEqualTo("/nat21/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(THINKING_TOOL_STREAM)));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat21");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        Changes.publishPolicy(
                t,
                "mail-to",
                json(
                        "{\"mode\":\"enforce\",\"rules\":[{\"id\":\"mail-to\","
                                + "\"tools\":[\"send_mail\"],\"action\":\"redact\","
                                + "\"entities\":[\"email\"],\"stage\":\"output\"}]}"));
        Http.Response s = messages(thinkingToolBody("claude"), "x-api-key", t.apiKey());
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        assertThat(s.body()).doesNotContain("bob@").doesNotContain("mple.com");
        List<Event> events = AnthropicStreams.parse(s.body());
        assertThat(events.stream().map(Event::name).toList())
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        // the thinking block's events byte for byte
        for (String line : THINKING_TOOL_STREAM.split("\n")) {
            if (line.contains("\"index\":0")) {
                assertThat(s.body()).contains(line);
            }
        }
        JsonObject start = events.get(8).data();
        assertThat(start.getInt("index")).isEqualTo(2);
        assertThat(start.getJsonObject("content_block"))
                .isEqualTo(
                        json(
                                "{\"type\":\"tool_use\",\"id\":\"toolu_01MailTool\","
                                        + "\"name\":\"send_mail\",\"input\":{}}"));
        JsonObject delta = events.get(9).data().getJsonObject("delta");
        assertThat(events.get(9).data().getInt("index")).isEqualTo(2);
        assertThat(delta.getString("type")).isEqualTo("input_json_delta");
        assertThat(json(delta.getString("partial_json")))
                .isEqualTo(json("{\"to\":\"[EMAIL]\",\"body\":\"report\"}"));
        assertThat(events.get(10).data().getInt("index")).isEqualTo(2);
        JsonObject audit = auditEvent(s.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(200);
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isTrue();

        // a tool the output rules forbid: the stream ends with event: error, no input out
        TestTenant t2 = TestTenant.fresh();
        anthropic(t2, "an", "/nat21");
        CatalogFixture.route(t2.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        Changes.publishPolicy(
                t2,
                "no-mail",
                json(
                        "{\"mode\":\"enforce\",\"rules\":[{\"id\":\"no-mail\","
                                + "\"tools\":[\"send_mail\"],\"action\":\"deny\","
                                + "\"code\":\"forbidden_tool\","
                                + "\"message\":\"send_mail may not be called\","
                                + "\"stage\":\"output\"}]}"));
        Http.Response d = messages(thinkingToolBody("claude"), "x-api-key", t2.apiKey());
        assertThat(d.status()).as(d.toString()).isEqualTo(200);
        assertThat(d.body()).doesNotContain("bob@").doesNotContain("toolu_01MailTool");
        List<Event> denied = AnthropicStreams.parse(d.body());
        Event error = denied.get(denied.size() - 1);
        assertThat(error.name()).isEqualTo("error");
        // Anthropic's error shape, with the rule's message
        assertThat(error.data().getString("type")).isEqualTo("error");
        assertThat(error.data().getJsonObject("error").getString("type"))
                .isEqualTo("permission_error");
        assertThat(error.data().getJsonObject("error").getString("message"))
                .isEqualTo("send_mail may not be called");
        assertThat(denied)
                .as("nothing of the denied block (index 2) was written")
                .noneMatch(e -> e.data().getInt("index", -1) == 2);
        JsonObject deniedAudit = auditEvent(d.header("x-request-id"));
        assertThat(deniedAudit.getInt("status")).isEqualTo(403);
        assertThat(deniedAudit.getJsonObject("details").getString("error"))
                .isEqualTo("forbidden_tool");
    }

    /**
     * While output rules check tool calls, a block the gateway cannot check (a server_tool_use
     * block streams its input as input_json_delta, which the relay does not hold) ends the stream
     * with {@code event: error} (502, {@code api_error}) before any of it is written: it would
     * otherwise carry the address past the rules (review of issue 17).
     */
    @Test
    void aServerToolBlockUnderToolChecksEndsTheStreamUnwritten() throws Exception {
        String stream =
                THINKING_TOOL_STREAM
                        .replace("\"type\":\"tool_use\"", "\"type\":\"server_tool_use\"")
                        .replace("toolu_01MailTool", "srvtoolu_01Search");
        assertThat(stream).contains("server_tool_use");
        provider.stubFor(
                post(urlEqualTo("/nat23/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(stream)));
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat23");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        Changes.publishPolicy(
                t,
                "mail-to",
                json(
                        "{\"mode\":\"enforce\",\"rules\":[{\"id\":\"mail-to\","
                                + "\"tools\":[\"send_mail\"],\"action\":\"redact\","
                                + "\"entities\":[\"email\"],\"stage\":\"output\"}]}"));
        Http.Response r = messages(thinkingToolBody("claude"), "x-api-key", t.apiKey());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("bob@").doesNotContain("srvtoolu_01Search");
        List<Event> events = AnthropicStreams.parse(r.body());
        Event error = events.get(events.size() - 1);
        assertThat(error.name()).isEqualTo("error");
        assertThat(error.data().getJsonObject("error").getString("type")).isEqualTo("api_error");
        assertThat(events).noneMatch(e -> e.data().getInt("index", -1) == 2);
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(502);
        assertThat(audit.getJsonObject("details").getString("error"))
                .isEqualTo("unchecked_stream_event");
    }

    /**
     * The input policy reads earlier turns' thinking, which only the native body carries: a deny
     * holds, and a redaction (which would break the block's signature) refuses the request with 400
     * {@code unredactable_thinking}; the provider is never called either way.
     */
    @Test
    void theInputPolicyReadsEarlierThinkingAndCannotRedactIt() throws Exception {
        provider.stubFor(
                post(urlEqualTo("/nat22/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(answer("fine"))));
        String leaky =
                thinkingBody("claude", false, "And now?")
                        .replace("453 = 400 + 50 + 3.", "Mail ann@example.com the result.");
        TestTenant t = TestTenant.fresh();
        anthropic(t, "an", "/nat22");
        CatalogFixture.route(t.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        Changes.publishPolicy(t, "redact-mail", redactMail());
        Http.Response r = messages(leaky, "x-api-key", t.apiKey());
        assertAnthropicError(r, 400, "invalid_request_error");
        assertThat(r.header("x-gatehouse-error-code")).isEqualTo("unredactable_thinking");
        assertThat(auditEvent(r.header("x-request-id")).getInt("status")).isEqualTo(400);

        TestTenant t2 = TestTenant.fresh();
        anthropic(t2, "an", "/nat22");
        CatalogFixture.route(t2.id(), "claude", "chat", "priority", 0, "an/claude-sonnet-4-5");
        Changes.publishPolicy(
                t2,
                "no-mail",
                json(
                        "{\"mode\":\"enforce\",\"rules\":[{\"id\":\"no-mail\","
                                + "\"condition\":\"entities.email.count > 0\",\"action\":\"deny\","
                                + "\"code\":\"mail_in_input\",\"message\":\"no addresses\","
                                + "\"stage\":\"input\"}]}"));
        Http.Response d = messages(leaky, "x-api-key", t2.apiKey());
        assertAnthropicError(d, 403, "permission_error");
        assertThat(d.header("x-gatehouse-error-code")).isEqualTo("mail_in_input");
        assertThat(sentTo("/nat22/v1/messages")).as("never sent upstream").isEmpty();

        // the same conversation without the address in its thinking goes through
        Http.Response ok =
                messages(thinkingBody("claude", false, "And now?"), "x-api-key", t2.apiKey());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(sentTo("/nat22/v1/messages")).hasSize(1);
    }
}
