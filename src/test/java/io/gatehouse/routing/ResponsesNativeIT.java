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
import jakarta.json.JsonValue;
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
    }

    // ------------------------------------------------------------ native streams

    static final String STREAM_UPSTREAM_ID = "resp_68c2e1f0a9b8c7d6e5f40312a1b2c3d4e";
    static final String STREAM_ITEM = "msg_68c2e1f1b2c3d4e5f6a7b8c9d0e1f2a3b";

    /** The recorded stream with its text deltas replaced by {@code deltas} (and its text). */
    static String textStream(String... deltas) {
        String rec = ResponsesStreams.resource("openai-text-stream.sse");
        StringBuilder sb =
                new StringBuilder(
                        rec.substring(0, rec.indexOf("event: response.output_text.delta")));
        int seq = 4;
        for (String d : deltas) {
            sb.append("event: response.output_text.delta\ndata: ")
                    .append(
                            Json.createObjectBuilder()
                                    .add("type", "response.output_text.delta")
                                    .add("sequence_number", seq++)
                                    .add("item_id", STREAM_ITEM)
                                    .add("output_index", 0)
                                    .add("content_index", 0)
                                    .add("delta", d)
                                    .add("logprobs", Json.createArrayBuilder())
                                    .build())
                    .append("\n\n");
        }
        String tail = rec.substring(rec.indexOf("event: response.output_text.done"));
        return sb + tail.replace("The capital of France is Paris.", String.join("", deltas));
    }

    static Http.Response stream(TestTenant t, String extra) {
        return responses(
                t,
                "{\"model\":\"gpt\",\"stream\":true,"
                        + extra
                        + "\"input\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}]}");
    }

    static JsonObject lastEvent(Http.Response r) {
        List<JsonObject> events = ResponsesStreams.events(r.body());
        return events.get(events.size() - 1);
    }

    /** The text of a response object's first message part. */
    static String streamedText(JsonObject response) {
        for (JsonValue v : response.getJsonArray("output")) {
            if ("message".equals(v.asJsonObject().getString("type"))) {
                return v.asJsonObject().getJsonArray("content").getJsonObject(0).getString("text");
            }
        }
        return null;
    }

    @Test
    void aStreamGoesNativelyAndIsRelayedEventByEventUnderTheGatewaysIds() throws Exception {
        String recorded = ResponsesStreams.resource("openai-text-stream.sse");
        standIn.answerStream("/rs1/v1/responses", recorded);
        TestTenant t = tenant("rs1", "{\"responsesApi\":true}");
        ResponsesIT.keepContentInFull(t);
        Http.Response r = stream(t, "\"store\":true,\"instructions\":\"Be brief\",");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        // OpenAI's events, event by event, in order, numbered 0..n-1
        List<JsonObject> expected = ResponsesStreams.essences(recorded);
        List<JsonObject> actual = ResponsesStreams.essences(r.body());
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as("event " + i).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
        // under the gateway's ids: one response id, one item id, in every event
        assertThat(r.body())
                .doesNotContain(STREAM_UPSTREAM_ID)
                .doesNotContain(STREAM_ITEM)
                .doesNotContain("obfuscation");
        List<JsonObject> events = ResponsesStreams.events(r.body());
        String id = events.get(0).getJsonObject("response").getString("id");
        assertThat(id).matches("resp_[0-9a-f]{32}");
        java.util.Set<String> itemIds = new java.util.HashSet<>();
        for (JsonObject e : events) {
            if (e.get("response") instanceof JsonObject resp) {
                assertThat(resp.getString("id")).isEqualTo(id);
                assertThat(resp.getString("instructions")).isEqualTo("Be brief");
                resp.getJsonArray("output")
                        .forEach(o -> itemIds.add(o.asJsonObject().getString("id")));
            }
            if (e.containsKey("item_id")) {
                itemIds.add(e.getString("item_id"));
            }
            if (e.get("item") instanceof JsonObject item) {
                itemIds.add(item.getString("id"));
            }
        }
        assertThat(itemIds).hasSize(1);
        assertThat(itemIds.iterator().next()).matches("msg_[0-9a-f]{32}");
        JsonObject completed = lastEvent(r).getJsonObject("response");
        assertThat(completed.getBoolean("store")).isTrue();
        assertThat(completed.getJsonObject("usage").getInt("input_tokens")).isEqualTo(14);
        // upstream: natively, streamed, nothing stored there, the client's fields as sent
        assertThat(sent("rs1", "responses"))
                .containsExactly(
                        json(
                                "{\"model\":\"gpt-4.1\",\"instructions\":\"Be brief\",\"input\":[{\"role\":\"user\","
                                        + "\"content\":\"Capital of France?\"}],\"store\":false,\"stream\":true}"));
        assertThat(sent("rs1", "chat/completions")).isEmpty();
        // one audit event: passthrough, the provider's usage settled
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(200);
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isTrue();
        assertThat(audit.getJsonObject("details").getString("endpoint")).isEqualTo("/v1/responses");
        assertThat(audit.getJsonNumber("input").longValue()).isEqualTo(14);
        assertThat(audit.getJsonNumber("output").longValue()).isEqualTo(8);
        // stored under the gateway's id, as the client got it
        Http.Response got =
                HTTP.get("/v1/responses/" + id, "Authorization", "Bearer " + t.apiKey());
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        assertThat(outputText(got.json())).isEqualTo("The capital of France is Paris.");
        assertThat(got.body()).doesNotContain(STREAM_UPSTREAM_ID);
        TestTenant other = tenant("rs1x", "{\"responsesApi\":true}");
        assertThat(
                        HTTP.get("/v1/responses/" + id, "Authorization", "Bearer " + other.apiKey())
                                .status())
                .isEqualTo(404);
    }

    @Test
    void aRedactionAppliesToStreamedTextAndToEveryEventThatCarriesIt() throws Exception {
        standIn.answerStream(
                "/rs2/v1/responses", textStream("Write to bob@exa", "mple.com", " today."));
        TestTenant t = tenant("rs2", "{\"responsesApi\":true}");
        ResponsesIT.keepContentInFull(t);
        Changes.publishPolicy(t, "redact-mail", redactMail());
        Http.Response r = stream(t, "\"store\":true,");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("bob@").doesNotContain("mple.com");
        String text = "Write to [EMAIL] today.";
        StringBuilder deltas = new StringBuilder();
        JsonObject done = null;
        for (JsonObject e : ResponsesStreams.events(r.body())) {
            switch (e.getString("type")) {
                case "response.output_text.delta" -> deltas.append(e.getString("delta"));
                case "response.output_text.done" -> done = e;
                default -> {}
            }
        }
        assertThat(deltas.toString()).isEqualTo(text);
        assertThat(done.getString("text")).isEqualTo(text);
        JsonObject completed = lastEvent(r);
        assertThat(completed.getString("type")).isEqualTo("response.completed");
        assertThat(streamedText(completed.getJsonObject("response"))).isEqualTo(text);
        Http.Response got =
                HTTP.get(
                        "/v1/responses/" + completed.getJsonObject("response").getString("id"),
                        "Authorization",
                        "Bearer " + t.apiKey());
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        assertThat(got.body()).doesNotContain("bob@");
        assertThat(outputText(got.json())).isEqualTo(text);
        assertThat(
                        auditEvent(r.header("x-request-id"))
                                .getJsonObject("details")
                                .getBoolean("passthrough"))
                .isTrue();
    }

    @Test
    void aDenyMidStreamEndsTheStreamWithResponseFailed() throws Exception {
        standIn.answerStream(
                "/rs3/v1/responses",
                textStream("Sure. ", "Write to bob@exa", "mple.com", " for more."));
        TestTenant t = tenant("rs3", "{\"responsesApi\":true}");
        Changes.publishPolicy(
                t,
                "no-mail",
                json(
                        "{\"mode\":\"enforce\",\"rules\":[{\"id\":\"no-mail\","
                                + "\"condition\":\"entities.email.count > 0\",\"action\":\"deny\","
                                + "\"code\":\"no_mail\",\"message\":\"No addresses\","
                                + "\"stage\":\"output\"}]}"));
        Http.Response r = stream(t, "");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("bob@").doesNotContain("response.completed");
        JsonObject failed = lastEvent(r);
        assertThat(failed.getString("type")).isEqualTo("response.failed");
        assertThat(failed.getJsonObject("response").getString("status")).isEqualTo("failed");
        assertThat(failed.getJsonObject("response").getJsonObject("error").getString("code"))
                .isEqualTo("no_mail");
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(403);
        assertThat(audit.getJsonObject("details").getString("error")).isEqualTo("no_mail");
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isTrue();
    }

    /**
     * A stream that offers tools goes the translated way (chat completions' stream, whose calls the
     * relay holds for a tool-scoped output rule): the function call comes as OpenAI's events all
     * the same.
     */
    @Test
    void aStreamOfferingToolsGoesTranslatedAndItsFunctionCallIsStreamed() throws Exception {
        standIn.answerStream(
                "/rs4/v1/chat/completions",
                ResponsesStreams.resource("chat-text-then-tool-call.sse"));
        TestTenant t = tenant("rs4", "{\"responsesApi\":true}");
        Http.Response r =
                stream(
                        t,
                        "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
                                + "\"parameters\":{\"type\":\"object\"}}],");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(sent("rs4", "responses")).isEmpty();
        assertThat(sent("rs4", "chat/completions")).hasSize(1);
        List<String> types =
                ResponsesStreams.events(r.body()).stream().map(e -> e.getString("type")).toList();
        assertThat(types)
                .contains(
                        "response.function_call_arguments.delta",
                        "response.function_call_arguments.done")
                .last()
                .isEqualTo("response.completed");
        // not passthrough (a translated stream's event names no passthrough at all)
        assertThat(
                        auditEvent(r.header("x-request-id"))
                                .getJsonObject("details")
                                .getBoolean("passthrough", false))
                .isFalse();
    }

    /**
     * Before the first byte reached the client a failing native target is replaced; after it, an
     * upstream failure is the client's response.failed and nothing is tried again.
     */
    @Test
    void aStreamFailsOverBeforeItsFirstByteOnlyAndAnUpstreamFailureIsResponseFailed()
            throws Exception {
        standIn.server()
                .stubFor(
                        post(urlEqualTo("/rs5/v1/responses"))
                                .willReturn(
                                        aResponse()
                                                .withStatus(500)
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(
                                                        "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}")));
        standIn.answerStream(
                "/rs5b/v1/responses", ResponsesStreams.resource("openai-text-stream.sse"));
        TestTenant t = TestTenant.fresh();
        for (String[] p : new String[][] {{"first", "/rs5/v1"}, {"second", "/rs5b/v1"}}) {
            CatalogFixture.provider(
                    t.id(),
                    p[0],
                    "openai",
                    standIn.baseUrl(p[1]),
                    "{\"responsesApi\":true}",
                    "gpt-4.1",
                    "chat,streaming,tools,json");
        }
        CatalogFixture.route(
                t.id(), "gpt", "chat", "priority", 0, "first/gpt-4.1", "second/gpt-4.1");
        Http.Response r = stream(t, "");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(lastEvent(r).getString("type")).isEqualTo("response.completed");
        assertThat(sent("rs5", "responses")).isNotEmpty();
        assertThat(sent("rs5b", "responses")).hasSize(1);
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isTrue();
        assertThat(audit.getJsonObject("details").getJsonArray("attempts").size())
                .isGreaterThanOrEqualTo(2);

        // failed after its start: the client's response.failed; the second target never asked
        String rec = textStream("The capital", " of");
        standIn.answerStream(
                "/rs6/v1/responses",
                rec.substring(0, rec.indexOf("event: response.output_text.done"))
                        + "event: response.failed\ndata: {\"type\":\"response.failed\",\"sequence_number\":7,"
                        + "\"response\":{\"id\":\""
                        + STREAM_UPSTREAM_ID
                        + "\",\"object\":\"response\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\","
                        + "\"message\":\"The model failed\"},\"output\":[]}}\n\n");
        standIn.answerStream(
                "/rs6b/v1/responses", ResponsesStreams.resource("openai-text-stream.sse"));
        TestTenant u = TestTenant.fresh();
        for (String[] p : new String[][] {{"first", "/rs6/v1"}, {"second", "/rs6b/v1"}}) {
            CatalogFixture.provider(
                    u.id(),
                    p[0],
                    "openai",
                    standIn.baseUrl(p[1]),
                    "{\"responsesApi\":true}",
                    "gpt-4.1",
                    "chat,streaming,tools,json");
        }
        CatalogFixture.route(
                u.id(), "gpt", "chat", "priority", 0, "first/gpt-4.1", "second/gpt-4.1");
        Http.Response f = stream(u, "");
        assertThat(f.status()).as(f.toString()).isEqualTo(200);
        assertThat(f.body())
                .contains("\"delta\":\"The capital\"")
                .doesNotContain(STREAM_UPSTREAM_ID);
        JsonObject failed = lastEvent(f);
        assertThat(failed.getString("type")).isEqualTo("response.failed");
        assertThat(failed.getJsonObject("response").getJsonObject("error").getString("code"))
                .isEqualTo("upstream_stream_error");
        // the gateway's words, never the provider's (review finding)
        assertThat(f.body()).doesNotContain("The model failed");
        assertThat(sent("rs6b", "responses")).isEmpty();
        JsonObject fa = auditEvent(f.header("x-request-id"));
        assertThat(fa.getInt("status")).isEqualTo(502);
        assertThat(fa.getJsonObject("details").getBoolean("passthrough")).isTrue();
    }

    /** Two native targets, {@code first} and {@code second}, at the stand-in's paths. */
    static TestTenant twoNativeTargets(String first, String second) throws Exception {
        TestTenant t = TestTenant.fresh();
        for (String[] p : new String[][] {{"first", first}, {"second", second}}) {
            CatalogFixture.provider(
                    t.id(),
                    p[0],
                    "openai",
                    standIn.baseUrl("/" + p[1] + "/v1"),
                    "{\"responsesApi\":true}",
                    "gpt-4.1",
                    "chat,streaming,tools,json");
        }
        CatalogFixture.route(
                t.id(), "gpt", "chat", "priority", 0, "first/gpt-4.1", "second/gpt-4.1");
        return t;
    }

    /**
     * Review findings (issue 17): a 200 stream whose first event is an upstream {@code error} (a
     * rate limit) fails over inside the failover loop, and is classified as the provider's limit,
     * not its failure (it does not trip the breaker); an upstream stream that ends without {@code
     * response.completed} is the client's {@code response.failed}, recorded (502) and settled for
     * what the provider sent.
     */
    @Test
    void aStreamWhoseFirstEventIsAnErrorFailsOverAndACutStreamIsFailedRecordedAndSettled()
            throws Exception {
        standIn.answerStream(
                "/rs8/v1/responses",
                "event: error\ndata: {\"type\":\"error\",\"sequence_number\":0,\"code\":"
                        + "\"rate_limit_exceeded\",\"message\":\"Slow down, provider-secret\",\"param\":null}\n\n");
        standIn.answerStream(
                "/rs8b/v1/responses", ResponsesStreams.resource("openai-text-stream.sse"));
        TestTenant t = twoNativeTargets("rs8", "rs8b");
        Http.Response r = stream(t, "");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(lastEvent(r).getString("type")).isEqualTo("response.completed");
        assertThat(r.body()).doesNotContain("provider-secret");
        assertThat(sent("rs8", "responses")).hasSize(1);
        assertThat(sent("rs8b", "responses")).hasSize(1);
        JsonObject audit = auditEvent(r.header("x-request-id"));
        JsonArray attempts = audit.getJsonObject("details").getJsonArray("attempts");
        assertThat(attempts.getJsonObject(0).getString("provider")).isEqualTo("first");
        assertThat(attempts.getJsonObject(0).getString("result")).isEqualTo("rate_limited");
        assertThat(attempts.getJsonObject(1).getString("result")).isEqualTo("ok");

        // cut: text deltas, then the connection ends without response.completed
        String rec = textStream("The capital", " of France");
        standIn.answerStream(
                "/rs9/v1/responses",
                rec.substring(0, rec.indexOf("event: response.output_text.done")));
        TestTenant u = tenant("rs9", "{\"responsesApi\":true}");
        Http.Response f = stream(u, "");
        assertThat(f.status()).as(f.toString()).isEqualTo(200);
        assertThat(f.body())
                .contains("\"delta\":\"The capital\"")
                .doesNotContain("event: response.completed");
        JsonObject failed = lastEvent(f);
        assertThat(failed.getString("type")).isEqualTo("response.failed");
        assertThat(failed.getJsonObject("response").getJsonObject("error").getString("code"))
                .isEqualTo("upstream_stream_error");
        JsonObject fa = auditEvent(f.header("x-request-id"));
        assertThat(fa.getInt("status")).isEqualTo(502);
        assertThat(fa.getJsonObject("details").getString("error"))
                .isEqualTo("upstream_stream_error");
        // settled for what was sent: the input estimated, the output metered (21 characters)
        assertThat(fa.getJsonNumber("input").longValue()).isPositive();
        assertThat(fa.getJsonNumber("output").longValue()).isEqualTo(6);
    }

    /**
     * Review findings (issue 17): reasoning summary events passed as the provider sent them (their
     * {@code .done} and part text never scanned), raw reasoning text was fed to the output scan (a
     * redaction matching text the client never sees refused the stream), the provider's annotations
     * passed, and dropped items left gaps in {@code output_index}. Now reasoning text of every kind
     * and annotations are dropped, and the indexes dense.
     */
    @Test
    void reasoningTextAndAnnotationsNeverReachTheClientOfANativeStream() throws Exception {
        String rec = ResponsesStreams.resource("openai-text-stream.sse");
        String rs = "rs_68c2e1f1b2c3d4e5f6a7b8c9d0e1f2a40";
        String reasoning =
                "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                        + "\"output_index\":0,\"item\":{\"id\":\""
                        + rs
                        + "\",\"type\":\"reasoning\",\"summary\":[]}}\n\n"
                        + "event: response.reasoning_summary_part.added\ndata: {\"type\":"
                        + "\"response.reasoning_summary_part.added\",\"item_id\":\""
                        + rs
                        + "\",\"output_index\":0,\"summary_index\":0,\"part\":{\"type\":\"summary_text\","
                        + "\"text\":\"\"}}\n\n"
                        + "event: response.reasoning_summary_text.delta\ndata: {\"type\":"
                        + "\"response.reasoning_summary_text.delta\",\"item_id\":\""
                        + rs
                        + "\",\"output_index\":0,\"summary_index\":0,\"delta\":\"Considering it\"}\n\n"
                        + "event: response.reasoning_text.delta\ndata: {\"type\":\"response.reasoning_text.delta\","
                        + "\"item_id\":\""
                        + rs
                        + "\",\"output_index\":0,\"content_index\":0,\"delta\":\"raw carol@example.com\"}\n\n"
                        + "event: response.reasoning_summary_text.done\ndata: {\"type\":"
                        + "\"response.reasoning_summary_text.done\",\"item_id\":\""
                        + rs
                        + "\",\"output_index\":0,\"summary_index\":0,\"text\":\"sum bob@example.com\"}\n\n"
                        + "event: response.reasoning_summary_part.done\ndata: {\"type\":"
                        + "\"response.reasoning_summary_part.done\",\"item_id\":\""
                        + rs
                        + "\",\"output_index\":0,\"summary_index\":0,\"part\":{\"type\":\"summary_text\","
                        + "\"text\":\"sum bob@example.com\"}}\n\n"
                        + "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\","
                        + "\"output_index\":0,\"item\":{\"id\":\""
                        + rs
                        + "\",\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\","
                        + "\"text\":\"sum bob@example.com\"}]}}\n\n"
                        // a built-in tool's item: dropped, so the message is the client's second
                        + "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                        + "\"output_index\":1,\"item\":{\"id\":\"ws_1\",\"type\":\"web_search_call\","
                        + "\"status\":\"completed\"}}\n\n";
        String sse =
                rec.replace("\"output_index\":0", "\"output_index\":2")
                        .replace(
                                "event: response.output_item.added",
                                reasoning + "event: response.output_item.added")
                        .replace(
                                "\"annotations\":[],\"logprobs\":[],\"text\":\"The capital",
                                "\"annotations\":[{\"type\":\"url_citation\",\"url\":"
                                        + "\"https://evil.example/dave@example.com\",\"title\":\"t\","
                                        + "\"start_index\":0,\"end_index\":3}],\"logprobs\":[],"
                                        + "\"text\":\"The capital")
                        .replace(
                                "\"output\":[{\"id\":\"msg_",
                                "\"output\":[{\"id\":\""
                                        + rs
                                        + "\",\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\","
                                        + "\"text\":\"sum bob@example.com\"}]},{\"id\":\"msg_");
        assertThat(sse).contains("evil.example").contains("sum bob@example.com");
        standIn.answerStream("/rs10/v1/responses", sse);
        TestTenant t = tenant("rs10", "{\"responsesApi\":true}");
        ResponsesIT.keepContentInFull(t);
        Changes.publishPolicy(t, "redact-mail", redactMail());
        Http.Response r = stream(t, "\"store\":true,");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonObject completed = lastEvent(r);
        assertThat(completed.getString("type")).as(r.body()).isEqualTo("response.completed");
        Http.Response got =
                HTTP.get(
                        "/v1/responses/" + completed.getJsonObject("response").getString("id"),
                        "Authorization",
                        "Bearer " + t.apiKey());
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        for (String body : List.of(r.body(), got.body())) {
            assertThat(body)
                    .doesNotContain("example.com")
                    .doesNotContain("evil.example")
                    .doesNotContain("Considering")
                    .doesNotContain("ws_1")
                    .doesNotContain("web_search_call");
        }
        assertThat(r.body()).doesNotContain("reasoning_summary").doesNotContain("reasoning_text");
        // the message is the second output item written, after the reasoning item
        for (JsonObject e : ResponsesStreams.events(r.body())) {
            if (e.containsKey("output_index") && e.toString().contains("msg_")) {
                assertThat(e.getInt("output_index")).as(e.toString()).isEqualTo(1);
            }
        }
        JsonArray output = completed.getJsonObject("response").getJsonArray("output");
        assertThat(output).hasSize(2);
        assertThat(output.getJsonObject(0).getJsonArray("summary")).isEmpty();
        assertThat(streamedText(completed.getJsonObject("response")))
                .isEqualTo("The capital of France is Paris.");
        assertThat(auditEvent(r.header("x-request-id")).getInt("status")).isEqualTo(200);
    }

    /**
     * Review finding (issue 17): a managed prompt's default tools made a native stream offer tools
     * (the native-or-translated choice read only the client's JSON), so its first function call
     * failed the stream with 502 and tripped the breaker. The choice is made on the request as the
     * stages left it: this stream goes translated and its call is streamed.
     */
    @Test
    void aStreamWhoseManagedPromptAddsToolsGoesTranslated() throws Exception {
        // natively, the provider would call the tool (and the native relay cannot hold the call)
        standIn.answerStream(
                "/rs11/v1/responses",
                ResponsesStreams.resource("openai-text-stream.sse")
                        .replace(
                                "{\"id\":\"msg_68c2e1f1b2c3d4e5f6a7b8c9d0e1f2a3b\",\"type\":\"message\",\"status\":\"in_progress\","
                                        + "\"content\":[],\"role\":\"assistant\"}",
                                "{\"id\":\"fc_1\",\"type\":\"function_call\",\"status\":\"in_progress\","
                                        + "\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"\"}"));
        standIn.answerStream(
                "/rs11/v1/chat/completions",
                ResponsesStreams.resource("chat-text-then-tool-call.sse"));
        TestTenant t = tenant("rs11", "{\"responsesApi\":true}");
        String name = Changes.uniquePrompt();
        Changes.publishThroughReview(
                t,
                "prompt",
                name,
                Json.createObjectBuilder(Changes.prompt("Use the tools."))
                        .add("route", "gpt")
                        .add(
                                "parameters",
                                json(
                                        "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
                                                + "\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}"))
                        .build(),
                "default tools");
        String body =
                "{\"model\":\"prompt:"
                        + name
                        + "@production\",\"stream\":true,\"prompt_variables\":{\"product\":\"Acme\"},"
                        + "\"input\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}";
        Http.Response r = responses(t, body);
        // the published prompt reaches the cache at commit (polled within a second anyway)
        for (int i = 0; i < 30 && r.status() == 404; i++) {
            Thread.sleep(200);
            r = responses(t, body);
        }
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(sent("rs11", "responses")).isEmpty();
        List<JsonObject> chat = sent("rs11", "chat/completions");
        assertThat(chat).hasSize(1);
        assertThat(
                        chat.get(0)
                                .getJsonArray("tools")
                                .getJsonObject(0)
                                .getJsonObject("function")
                                .getString("name"))
                .isEqualTo("get_weather");
        List<String> types =
                ResponsesStreams.events(r.body()).stream().map(e -> e.getString("type")).toList();
        assertThat(types)
                .contains("response.function_call_arguments.done")
                .last()
                .isEqualTo("response.completed");
        JsonObject audit = auditEvent(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(200);
        assertThat(audit.getJsonObject("details").getBoolean("passthrough")).isFalse();
    }

    /** The official openai-java SDK reads a native stream's events, typed, to the end. */
    @Test
    void openAiJavaStreamsANativeResponse() throws Exception {
        standIn.answerStream(
                "/rs7/v1/responses", ResponsesStreams.resource("openai-text-stream.sse"));
        TestTenant t = tenant("rs7", "{\"responsesApi\":true}");
        com.openai.client.OpenAIClient client = GatewayIT.sdk(t.apiKey());
        List<com.openai.models.responses.ResponseStreamEvent> events = new java.util.ArrayList<>();
        try (var s =
                client.responses()
                        .createStreaming(
                                com.openai.models.responses.ResponseCreateParams.builder()
                                        .model("gpt")
                                        .input("Capital of France?")
                                        .build())) {
            s.stream().forEach(events::add);
        }
        assertThat(events.get(0).isCreated()).isTrue();
        StringBuilder text = new StringBuilder();
        events.forEach(e -> e.outputTextDelta().ifPresent(d -> text.append(d.delta())));
        assertThat(text.toString()).isEqualTo("The capital of France is Paris.");
        var last = events.get(events.size() - 1);
        assertThat(last.isCompleted()).isTrue();
        assertThat(last.asCompleted().response().id()).matches("resp_[0-9a-f]{32}");
        assertThat(last.asCompleted().sequenceNumber()).isEqualTo(events.size() - 1L);
        assertThat(sent("rs7", "responses")).hasSize(1);
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
