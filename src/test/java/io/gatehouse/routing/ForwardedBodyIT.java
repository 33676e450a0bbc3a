package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an OpenAI-compatible provider receives (issue 16): the client's exact bytes with only the
 * model value swapped when no stage changed the request and every field is on the allow-list; a
 * rendering of the typed request otherwise, e.g. for a body that repeats a key (the provider must
 * read the value the gateway checked, never the other one).
 */
class ForwardedBodyIT {
    static StandInProvider standIn;

    static final String ANSWER =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mx\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";

    /** Every field the gateway passes upstream, spaced and numbered as a client might. */
    static final String EVERY_FIELD =
            """
            {"model" : "fw",   "messages":[
              {"role":"system","content":"Be brief.","name":"sys"},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"-3C"},
              {"role":"user","content":"And tomorrow? \\u00e9"}],
             "temperature":0.70,"top_p":1e-1,"n":1,"stop":["END"],"max_tokens":100,
             "presence_penalty":-0.5,"frequency_penalty":0.25,"logit_bias":{"50256":-100},
             "logprobs":true,"top_logprobs":2,"user":"u1","seed":7,
             "tools":[{"type":"function","function":{"name":"weather","description":"d",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"auto","parallel_tool_calls":false,
             "response_format":{"type":"json_object"},"stream":false}""";

    @BeforeAll
    static void start() {
        standIn = StandInProvider.start();
    }

    @AfterAll
    static void stop() {
        standIn.stop();
    }

    /** A fresh tenant whose route {@code fw} goes to the stand-in's model {@code mx}. */
    static TestTenant tenant(String path) throws Exception {
        return standIn.tenant("openai", path, "pw", "mx", "chat,streaming,tools,vision,json", "fw");
    }

    static String received(String path) {
        List<String> bodies = standIn.received(path + "/chat/completions");
        assertThat(bodies).hasSize(1);
        return bodies.get(0);
    }

    @Test
    void theProviderGetsTheClientsBytesWithOnlyTheModelSwapped() throws Exception {
        String path = "/fw1/v1";
        standIn.answerJson(path + "/chat/completions", ANSWER);
        TestTenant t = tenant(path);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                EVERY_FIELD,
                                "Authorization",
                                "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(received(path))
                .isEqualTo(EVERY_FIELD.replace("\"model\" : \"fw\"", "\"model\" : \"mx\""));
    }

    @Test
    void aStreamIsForwardedWithTheGatewaysUsageRequestFirst() throws Exception {
        String path = "/fw2/v1";
        standIn.answerStream(
                path + "/chat/completions",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"mx\",\"choices\":[{\"index\":0,\"delta\":"
                        + "{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n");
        TestTenant t = tenant(path);
        String body =
                "{\"model\":\"fw\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                body,
                                "Authorization",
                                "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("data: [DONE]");
        assertThat(received(path))
                .isEqualTo(
                        "{\"stream_options\":{\"include_usage\":true},\"model\":\"mx\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    }

    @Test
    void aBodyThatRepeatsAKeyIsRenderedWithTheValueTheGatewayRead() throws Exception {
        String path = "/fw3/v1";
        standIn.answerJson(path + "/chat/completions", ANSWER);
        TestTenant t = tenant(path);
        String body =
                "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":\"first-value\","
                        + "\"content\":\"second-value\"}],\"api_base\":\"http://evil.example\"}";
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                body,
                                "Authorization",
                                "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String sent = received(path);
        assertThat(sent).isNotEqualTo(body.replace("\"fw\"", "\"mx\"")).doesNotContain("evil");
        assertThat(sent.contains("first-value") ^ sent.contains("second-value"))
                .as("exactly one of the two values reaches the provider: " + sent)
                .isTrue();
        assertThat(sent.split("\"content\"", -1)).hasSize(2);
    }

    @Test
    void anAnswerNoStageChangesReachesTheClientAsTheProviderSentIt() throws Exception {
        String path = "/fw4/v1";
        String answer =
                "{ \"id\" : \"c9\", \"object\":\"chat.completion\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"weather\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15},"
                        + "\"system_fingerprint\":\"fp_1\" }";
        standIn.answerJson(path + "/chat/completions", answer);
        TestTenant t = tenant(path);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                "Authorization",
                                "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(answer);
    }

    static void stub(String path, String contentType, String body) {
        if (contentType.equals("text/event-stream")) {
            standIn.answerStream(path + "/chat/completions", body);
        } else {
            standIn.server()
                    .stubFor(
                            post(urlEqualTo(path + "/chat/completions"))
                                    .willReturn(
                                            aResponse()
                                                    .withHeader("Content-Type", contentType)
                                                    .withBody(body)));
        }
    }

    static List<String> allReceived(String path) {
        return standIn.received(path + "/chat/completions");
    }

    static Http.Response chat(TestTenant t, String body) {
        return Http.local()
                .post("/v1/chat/completions", body, "Authorization", "Bearer " + t.apiKey());
    }

    static final String USER_X =
            "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    /** An OpenAI error (not a stack trace) with the given status and code. */
    static void assertOpenAiError(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        JsonObject error = r.json().getJsonObject("error");
        assertThat(error).as(r.body()).isNotNull();
        assertThat(error.getString("message")).isNotBlank();
        if (code != null) {
            assertThat(error.getString("code")).isEqualTo(code);
        }
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    /**
     * Issue 16 review, item 1: Parsson's {@code readObject()} stops after the first object, so a
     * body with text after it parsed, was scanned past its end (a second {@code model} overwrote
     * the swap position) and was forwarded whole; a trailing {@code ]} or {@code "} was a 500.
     */
    @Test
    void textAfterTheJsonObjectIsRefusedWith400AndNothingReachesTheProvider() throws Exception {
        String path = "/fw5/v1";
        stub(path, "application/json", ANSWER);
        TestTenant t = tenant(path);
        String first =
                "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        for (String trailing :
                List.of(
                        "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":\"unchecked\"}]}",
                        "]",
                        "\"",
                        "{\"a\"")) {
            Http.Response r = chat(t, first + trailing);
            assertOpenAiError(r, 400, "invalid_json");
        }
        assertThat(allReceived(path)).as("nothing was forwarded").isEmpty();
        // the same object without the trailing text is served: the refusal is about the tail
        assertThat(chat(t, first + " \n").status()).isEqualTo(200);
        assertThat(allReceived(path)).hasSize(1);
    }

    /**
     * Item 2: a provider answer or a one-line stream event with a second object after the first:
     * output policy would check the first while the client got both. It is a malformed answer (502,
     * the provider's bytes never reach the client), not a 500.
     */
    @Test
    void anAnswerOrStreamEventWithTextAfterItsObjectIsMalformedAndNeverPassedOn() throws Exception {
        String ok =
                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                        + "\"finish_reason\":\"stop\"}]}";
        String pii = ok.replace("\"ok\"", "\"mail ann@example.com\"");
        for (String trailing : List.of(pii, "]", "\"")) {
            String path = "/fw6" + Math.abs(trailing.hashCode()) + "/v1";
            stub(path, "application/json", ok + trailing);
            Http.Response r = chat(tenant(path), USER_X);
            assertOpenAiError(r, 502, null);
            assertThat(r.body()).doesNotContain("ann@example.com").doesNotContain("\"ok\"");
        }
        String chunk =
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}";
        String path = "/fw7/v1";
        stub(
                path,
                "text/event-stream",
                "data: "
                        + chunk
                        + chunk.replace("\"hi\"", "\"ann@example.com\"")
                        + "\n\ndata: [DONE]\n\n");
        Http.Response r =
                chat(tenant(path), USER_X.replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertThat(r.body()).doesNotContain("ann@example.com");
        assertOpenAiError(r, 502, null);
    }

    /**
     * Stream events whose bytes may not be passed on, through the real OpenAI adapter: one that
     * repeats a key (the client might read the value no filter saw) and one split over several
     * {@code data:} lines are written from their parse, one line and one value each.
     */
    @Test
    void streamEventsWithARepeatedKeyOrSeveralDataLinesAreRewrittenNotPassedOn() throws Exception {
        String path = "/fw8/v1";
        String repeated =
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\",\"content\":\"two\"},"
                        + "\"finish_reason\":null}]}";
        String multiLine =
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\n"
                        + "data: \"created\":1,\"model\":\"mx\",\"choices\":[{\"index\":0,\n"
                        + "data: \"delta\":{\"content\":\"three\"},\"finish_reason\":\"stop\"}]}\n\n";
        stub(
                path,
                "text/event-stream",
                "data: " + repeated + "\n\n" + multiLine + "data: [DONE]\n\n");
        Http.Response r =
                chat(tenant(path), USER_X.replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> data =
                r.body()
                        .lines()
                        .filter(l -> l.startsWith("data: {"))
                        .map(l -> l.substring(6))
                        .toList();
        assertThat(data).hasSizeGreaterThanOrEqualTo(2);
        String first = data.get(0);
        assertThat(first).isNotEqualTo(repeated);
        assertThat(first.split("\"content\"", -1)).as(first).hasSize(2);
        assertThat(first.contains("\"one\"") ^ first.contains("\"two\"")).as(first).isTrue();
        String second = data.get(1);
        assertThat(second).contains("\"three\"").contains("\"created\":1");
        assertThat(r.body()).doesNotContain("data: \"created\"");
    }

    static TestTenant redacting;
    static final String REDACT_PATH = "/fwr/v1";

    /**
     * A tenant whose route goes to the stand-in, with a published policy that redacts e-mail
     * addresses in prompts and answers (as the demo policy does).
     */
    static synchronized TestTenant redactingTenant() throws Exception {
        if (redacting == null) {
            TestTenant t = tenant(REDACT_PATH);
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
            redacting = t;
        }
        return redacting;
    }

    /**
     * Item 3: the sandbox reads the typed request, so only a real wire proves that redaction
     * reaches the provider, and that a redacted answer is what the client gets (never the
     * provider's bytes).
     */
    @Test
    void redactionReachesTheWireBothWays() throws Exception {
        TestTenant t = redactingTenant();
        String answer =
                ANSWER.replace("\"content\":\"ok\"", "\"content\":\"write to bob@example.com\"");
        stub(REDACT_PATH, "application/json", answer);
        int before = allReceived(REDACT_PATH).size();
        String body =
                "{\"model\":\"fw\",\"temperature\":0.5,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":\"mail ann@example.com please\"}]}";
        Http.Response r = chat(t, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> got = allReceived(REDACT_PATH);
        assertThat(got).hasSize(before + 1);
        String sent = got.get(got.size() - 1);
        assertThat(sent).doesNotContain("ann@example.com").contains("[EMAIL]");
        JsonObject sentJson = parse(sent);
        assertThat(sentJson.getJsonArray("messages").getJsonObject(1).getString("content"))
                .isEqualTo("mail [EMAIL] please");
        assertThat(sentJson.getJsonArray("messages").getJsonObject(0).getString("content"))
                .as("only the redacted message changed")
                .isEqualTo("Be brief.");
        assertThat(sentJson.getJsonNumber("temperature").doubleValue()).isEqualTo(0.5);
        assertThat(sentJson.getString("model")).isEqualTo("mx");

        assertThat(r.body()).isNotEqualTo(answer).doesNotContain("bob@example.com");
        assertThat(
                        r.json()
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("message")
                                .getString("content"))
                .isEqualTo("write to [EMAIL]");

        // a streamed answer: the event with the address is rewritten, not passed on
        stub(
                REDACT_PATH,
                "text/event-stream",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"write to bob@example.com \"},"
                        + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        Http.Response s =
                chat(
                        t,
                        "{\"model\":\"fw\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        assertThat(s.body()).doesNotContain("bob@example.com").contains("[EMAIL]");
    }

    static JsonObject parse(String s) {
        try (var r = Json.createReader(new java.io.StringReader(s))) {
            return r.readObject();
        }
    }
}
