package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.gatehouse.routing.MessagesIT.auditEvent;
import static io.gatehouse.routing.MessagesNativeIT.redactMail;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/responses} natively to OpenAI providers with the option {@code responsesApi}
 * (issue 17): the upstream's {@code /responses} gets the client's fields (model swapped, {@code
 * store: false}) or, after a stage changed the request or with {@code previous_response_id}, the
 * request re-rendered; the answer is the provider's {@code response} under the gateway's own id,
 * stored and resolvable by that id. The stand-in answers are shaped as OpenAI's Responses API
 * answers.
 */
class ResponsesNativeIT {
    static StandInProvider standIn;
    static final Http HTTP = Http.local();
    static final String UPSTREAM_ID = "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b";

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

    /** OpenAI's Responses answer: a reasoning item, then a message with one output_text. */
    static String upstreamAnswer(String text) {
        return "{\"id\":\""
                + UPSTREAM_ID
                + "\",\"object\":\"response\",\"created_at\":1741476542,"
                + "\"status\":\"completed\",\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
                + "\"max_output_tokens\":null,\"model\":\"gpt-4.1-2025-04-14\",\"output\":["
                + "{\"type\":\"reasoning\",\"id\":\"rs_67ccd2bf0d3c8190b2a3e5c6d7f8a9b0\",\"summary\":[]},"
                + "{\"type\":\"message\",\"id\":\"msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b\","
                + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\""
                + text
                + "\",\"annotations\":[]}]}],\"parallel_tool_calls\":true,\"previous_response_id\":null,"
                + "\"reasoning\":{\"effort\":null,\"summary\":null},\"store\":false,\"temperature\":1.0,"
                + "\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[],\"top_p\":1.0,"
                + "\"truncation\":\"disabled\",\"usage\":{\"input_tokens\":36,\"input_tokens_details\":"
                + "{\"cached_tokens\":0},\"output_tokens\":87,\"output_tokens_details\":{\"reasoning_tokens\":64},"
                + "\"total_tokens\":123},\"user\":null,\"metadata\":{}}";
    }

    /** A fresh tenant whose route {@code gpt} goes to an OpenAI stand-in at {@code /<path>/v1}. */
    static TestTenant tenant(String path, String options) throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "oa",
                "openai",
                standIn.baseUrl("/" + path + "/v1"),
                options,
                "gpt-4.1",
                "chat,streaming,tools,json");
        CatalogFixture.route(t.id(), "gpt", "chat", "priority", 0, "oa/gpt-4.1");
        return t;
    }

    static Http.Response responses(TestTenant t, String body) {
        return HTTP.post("/v1/responses", body, "Authorization", "Bearer " + t.apiKey());
    }

    static List<JsonObject> sent(String path, String endpoint) {
        return standIn.received("/" + path + "/v1/" + endpoint).stream()
                .map(ResponsesNativeIT::json)
                .toList();
    }

    static String outputText(JsonObject response) {
        return ResponsesIT.outputText(response);
    }

    @Test
    void aResponseGoesToTheProvidersResponsesApiAndComesBackUnderTheGatewaysId() throws Exception {
        standIn.answerJson("/rn1/v1/responses", upstreamAnswer("Paris."));
        TestTenant t = tenant("rn1", "{\"responsesApi\":true}");
        String body =
                "{\"model\":\"gpt\",\"instructions\":\"Answer briefly\",\"input\":[{\"role\":\"user\","
                        + "\"content\":[{\"type\":\"input_text\",\"text\":\"Capital of France?\"}]}],"
                        + "\"temperature\":0.2,\"max_output_tokens\":256,\"reasoning\":{\"effort\":\"low\"},"
                        + "\"metadata\":{\"trace\":\"x\"},\"prompt_variables\":{\"a\":\"b\"}}";
        Http.Response r = responses(t, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonObject resp = r.json();
        assertThat(resp.getString("id")).matches("resp_[0-9a-f]{32}");
        assertThat(r.body()).doesNotContain(UPSTREAM_ID);
        // the provider's output as it came: its reasoning item too
        assertThat(resp.getJsonArray("output"))
                .isEqualTo(json(upstreamAnswer("Paris.")).getJsonArray("output"));
        assertThat(resp.getString("model")).isEqualTo("gpt-4.1-2025-04-14");
        assertThat(resp.getString("instructions")).isEqualTo("Answer briefly");
        assertThat(resp.getBoolean("store")).isFalse();
        assertThat(resp.getJsonObject("usage").getInt("output_tokens")).isEqualTo(87);
        // the fields the gateway read, as sent; model swapped, store off, nothing unread
        assertThat(sent("rn1", "responses"))
                .containsExactly(
                        json(
                                "{\"model\":\"gpt-4.1\",\"instructions\":\"Answer briefly\",\"input\":[{\"role\":\"user\","
                                        + "\"content\":[{\"type\":\"input_text\",\"text\":\"Capital of France?\"}]}],"
                                        + "\"temperature\":0.2,\"max_output_tokens\":256,\"reasoning\":{\"effort\":\"low\"},"
                                        + "\"store\":false}"));
        assertThat(sent("rn1", "chat/completions")).isEmpty();
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isTrue();
        assertThat(audit.getJsonObject("details").getString("endpoint")).isEqualTo("/v1/responses");
        assertThat(audit.getJsonNumber("input").longValue()).isEqualTo(36);
        assertThat(audit.getJsonNumber("output").longValue()).isEqualTo(87);

        // without the option the same provider kind is translated to chat completions
        standIn.answerJson("/rn1b/v1/chat/completions", ResponsesIT.completion("Paris."));
        TestTenant plain = tenant("rn1b", "{}");
        Http.Response p = responses(plain, body);
        assertThat(p.status()).as(p.toString()).isEqualTo(200);
        assertThat(sent("rn1b", "responses")).isEmpty();
        assertThat(sent("rn1b", "chat/completions")).hasSize(1);
        assertThat(
                        auditEvent(p.header("x-request-id"))
                                .getJsonObject("details")
                                .getBoolean("passthrough"))
                .isFalse();

        // a stream is translated for now, also on a native provider
        standIn.answerStream(
                "/rn1/v1/chat/completions",
                MessagesIT.streamChunk("{\"content\":\"Paris.\"}", null)
                        + MessagesIT.streamChunk("{}", "stop")
                        + "data: [DONE]\n\n");
        Http.Response s = responses(t, body.replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        assertThat(s.body()).contains("response.completed").doesNotContain(UPSTREAM_ID);
        assertThat(sent("rn1", "responses")).hasSize(1);
        assertThat(sent("rn1", "chat/completions")).hasSize(1);
    }

    @Test
    void aStoredNativeResponseResolvesByTheGatewaysIdAndPreviousResponseIdIsReRendered()
            throws Exception {
        standIn.answerJson("/rn2/v1/responses", upstreamAnswer("Paris."));
        TestTenant t = tenant("rn2", "{\"responsesApi\":true}");
        ResponsesIT.keepContentInFull(t);
        Http.Response first =
                responses(
                        t,
                        "{\"model\":\"gpt\",\"instructions\":\"Answer briefly\",\"store\":true,"
                                + "\"input\":\"Capital of France?\"}");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        String id = first.json().getString("id");
        assertThat(id).matches("resp_[0-9a-f]{32}");
        assertThat(first.json().getBoolean("store")).isTrue();
        // upstream stores nothing: the gateway keeps the response
        assertThat(sent("rn2", "responses").get(0).getBoolean("store")).isFalse();

        Http.Response got =
                HTTP.get("/v1/responses/" + id, "Authorization", "Bearer " + t.apiKey());
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        assertThat(got.json().getString("id")).isEqualTo(id);
        assertThat(outputText(got.json())).isEqualTo("Paris.");
        assertThat(got.body()).doesNotContain(UPSTREAM_ID);
        // another tenant does not see it
        TestTenant other = tenant("rn2x", "{\"responsesApi\":true}");
        assertThat(
                        HTTP.get("/v1/responses/" + id, "Authorization", "Bearer " + other.apiKey())
                                .status())
                .isEqualTo(404);

        Http.Response second =
                responses(
                        t,
                        "{\"model\":\"gpt\",\"previous_response_id\":\""
                                + id
                                + "\",\"input\":\"And of Italy?\"}");
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.json().getString("previous_response_id")).isEqualTo(id);
        assertThat(second.json().getString("id")).isNotEqualTo(id).matches("resp_[0-9a-f]{32}");
        JsonObject upstream = sent("rn2", "responses").get(1);
        // the upstream never sees the gateway's id: the conversation is resolved into items
        assertThat(upstream.containsKey("previous_response_id")).isFalse();
        assertThat(upstream.getBoolean("store")).isFalse();
        assertThat(upstream.getString("model")).isEqualTo("gpt-4.1");
        JsonArray input = upstream.getJsonArray("input");
        assertThat(
                        input.getValuesAs(JsonObject.class).stream()
                                .map(i -> i.getString("role") + ":" + i.getString("content"))
                                .toList())
                .containsExactly(
                        "user:Capital of France?", "assistant:Paris.", "user:And of Italy?");
        assertThat(
                        auditEvent(second.header("x-request-id"))
                                .getJsonObject("details")
                                .getBoolean("passthrough"))
                .isTrue();
    }

    @Test
    void policyRedactionReRendersTheNativeRequestAndFiltersTheAnswer() throws Exception {
        standIn.answerJson("/rn3/v1/responses", upstreamAnswer("Write to bob@example.com today."));
        TestTenant t = tenant("rn3", "{\"responsesApi\":true}");
        Changes.publishPolicy(t, "redact-mail", redactMail());
        Http.Response r =
                responses(
                        t,
                        "{\"model\":\"gpt\",\"input\":[{\"role\":\"user\",\"content\":"
                                + "[{\"type\":\"input_text\",\"text\":\"Mail ann@example.com the result\"}]}],"
                                + "\"max_output_tokens\":64,\"tools\":[{\"type\":\"function\",\"name\":\"f\","
                                + "\"parameters\":{},\"unread\":\"u-x\"}],\"tool_choice\":\"auto\","
                                + "\"text\":{\"format\":{\"type\":\"json_object\"},\"verbosity\":\"v-x\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonObject> sent = sent("rn3", "responses");
        assertThat(sent).hasSize(1);
        // re-rendered: the settings too come from the request as the stages left it
        assertThat(sent.get(0).toString()).doesNotContain("u-x").doesNotContain("v-x");
        assertThat(sent.get(0).getJsonArray("tools"))
                .isEqualTo(
                        json("{\"a\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{}}]}")
                                .get("a"));
        assertThat(sent.get(0).getString("tool_choice")).isEqualTo("auto");
        assertThat(sent.get(0).getInt("max_output_tokens")).isEqualTo(64);
        assertThat(sent.get(0).getJsonObject("text"))
                .isEqualTo(json("{\"format\":{\"type\":\"json_object\"}}"));
        assertThat(sent.get(0).toString()).doesNotContain("ann@example.com").contains("[EMAIL]");
        assertThat(sent.get(0).getBoolean("store")).isFalse();
        assertThat(outputText(r.json())).isEqualTo("Write to [EMAIL] today.");
        assertThat(r.body()).doesNotContain("bob@example.com").doesNotContain(UPSTREAM_ID);
        // the reasoning item as it came
        assertThat(r.json().getJsonArray("output").getJsonObject(0))
                .isEqualTo(json(upstreamAnswer("x")).getJsonArray("output").getJsonObject(0));
    }

    /**
     * Review findings: a reasoning summary is never asked for and reasoning text never served or
     * stored (it does not pass the answer stages); a function_call_output with parts other than
     * input_text is re-rendered; the provider's own top-level fields stay with the gateway.
     */
    @Test
    void reasoningTextToolOutputPartsAndProviderFieldsDoNotBypassTheGateway() throws Exception {
        standIn.answerJson(
                "/rn5/v1/responses",
                upstreamAnswer("Done.")
                        .replace(
                                "\"summary\":[]}",
                                "\"summary\":[{\"type\":\"summary_text\",\"text\":\"sum bob@example.com\"}],"
                                        + "\"content\":[{\"type\":\"reasoning_text\",\"text\":\"raw carol@example.com\"}],"
                                        + "\"encrypted_content\":\"enc-x\"}")
                        .replace(
                                "\"metadata\":{}",
                                "\"metadata\":{\"k\":\"meta-x\"},\"billing\":{\"payer\":\"billing-x\"},"
                                        + "\"service_tier\":\"tier-x\""));
        TestTenant t = tenant("rn5", "{\"responsesApi\":true}");
        ResponsesIT.keepContentInFull(t);
        Http.Response r =
                responses(
                        t,
                        "{\"model\":\"gpt\",\"store\":true,\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"},"
                                + "\"input\":[{\"role\":\"user\",\"content\":\"Call f\"},"
                                + "{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"},"
                                + "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":["
                                + "{\"type\":\"input_text\",\"text\":\"ok\"},"
                                + "{\"type\":\"input_file\",\"file_data\":\"file-x\"}]}]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonObject sent = sent("rn5", "responses").get(0);
        assertThat(sent.getJsonObject("reasoning")).isEqualTo(json("{\"effort\":\"low\"}"));
        assertThat(sent.toString()).doesNotContain("file-x").doesNotContain("input_file");
        assertThat(sent.getJsonArray("input").getJsonObject(2).getString("output")).isEqualTo("ok");

        assertThat(outputText(r.json())).isEqualTo("Done.");
        assertThat(r.json().getJsonArray("output").getJsonObject(0))
                .isEqualTo(
                        json(
                                "{\"type\":\"reasoning\",\"id\":\"rs_67ccd2bf0d3c8190b2a3e5c6d7f8a9b0\","
                                        + "\"summary\":[]}"));
        Http.Response got =
                HTTP.get(
                        "/v1/responses/" + r.json().getString("id"),
                        "Authorization",
                        "Bearer " + t.apiKey());
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        for (String body : List.of(r.body(), got.body())) {
            assertThat(body)
                    .doesNotContain("bob@example.com")
                    .doesNotContain("carol@example.com")
                    .doesNotContain("enc-x")
                    .doesNotContain("meta-x")
                    .doesNotContain("billing-x")
                    .doesNotContain("tier-x");
        }
    }

    /**
     * Nothing in a Responses request the gateway reads is native-only (reasoning input items are
     * dropped on the translated path): a failing native target fails over to a translated one.
     */
    @Test
    void aFailingNativeTargetFailsOverToATranslatedOne() throws Exception {
        standIn.server()
                .stubFor(
                        post(urlEqualTo("/rn4/v1/responses"))
                                .willReturn(
                                        aResponse()
                                                .withStatus(500)
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(
                                                        "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}")));
        standIn.answerJson("/rn4b/v1/chat/completions", ResponsesIT.completion("Paris."));
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "native",
                "openai",
                standIn.baseUrl("/rn4/v1"),
                "{\"responsesApi\":true}",
                "gpt-4.1",
                "chat,streaming,tools,json");
        CatalogFixture.provider(
                t.id(),
                "chat",
                "openai",
                standIn.baseUrl("/rn4b/v1"),
                "{}",
                "m",
                "chat,streaming,tools,json");
        CatalogFixture.route(t.id(), "gpt", "chat", "priority", 0, "native/gpt-4.1", "chat/m");
        Http.Response r = responses(t, "{\"model\":\"gpt\",\"input\":\"Capital of France?\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(outputText(r.json())).isEqualTo("Paris.");
        assertThat(sent("rn4", "responses")).isNotEmpty();
        assertThat(sent("rn4b", "chat/completions")).hasSize(1);
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isFalse();
        assertThat(audit.getJsonObject("details").getJsonArray("attempts").size())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void theResponsesApiOptionIsValidatedInAProviderChange() {
        TestTenant t = TestTenant.fresh();
        for (String[] bad :
                new String[][] {
                    {"openai", "{\"responsesApi\":\"yes\"}"},
                    {"anthropic", "{\"responsesApi\":true}"},
                    {"azure-openai", "{\"responsesApi\":true}"}
                }) {
            Http.Response r = proposeProvider(t, bad[0], bad[1]);
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().getString("param")).isEqualTo("content.options.responsesApi");
        }
        Http.Response ok = proposeProvider(t, "openai", "{\"responsesApi\":true}");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.body()).contains("\"responsesApi\":true");
    }

    static Http.Response proposeProvider(TestTenant t, String kind, String options) {
        return HTTP.post(
                "/api/v1/changes",
                "{\"kind\":\"provider\",\"target\":\"native-p\",\"content\":{\"kind\":\""
                        + kind
                        + "\",\"baseUrl\":\"https://api.openai.example/v1\",\"options\":"
                        + options
                        + ",\"models\":[{\"name\":\"m\"}]}}",
                t.auth("admin"));
    }
}
