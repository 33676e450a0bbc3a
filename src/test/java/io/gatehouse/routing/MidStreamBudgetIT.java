package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Budgets that hold mid-stream on every endpoint (issue 17, docs/gateway.md "Budgets"): admission
 * reserves the worst case (input estimate plus the request's maximum output, or the configured
 * default, at the dearest target's price), a stream whose running cost outgrows its reservation
 * extends it from what is left of the budget, and when the budget has no room the stream ends with
 * its dialect's error (chat: an error object and no {@code [DONE]}; Messages: {@code event: error};
 * Responses: {@code response.failed}), recorded with {@code details.budget}. The stand-in provider
 * (WireMock, 2 and 8 micros per input and output token) streams far more than the budget pays for
 * and ignores the maximum, as a misbehaving or unlimited provider would.
 */
class MidStreamBudgetIT {
    static WireMockServer provider;

    /** One chunk's text: 39 characters, about 10 output tokens, about 80 micros. */
    private static final String TEXT = "forty characters of a long answer text ";

    private static final String CHUNK =
            "{\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                    + "[{\"index\":0,\"delta\":{\"content\":\""
                    + TEXT
                    + "\"},\"finish_reason\":null}]}";

    private static final int CHUNKS = 200; // about 2,000 output tokens: 16,000 micros

    /** Twelve CJK characters as JSON escapes (長い答えの文章を書きます): twelve tokens, not three. */
    private static final String CJK =
            "\\u9577\\u3044\\u7b54\\u3048\\u306e\\u6587\\u7ae0\\u3092\\u66f8\\u304d\\u307e\\u3059";

    /**
     * 1,800 CJK characters: at four characters a token 450 tokens (3,600 micros, within the
     * budget); at a token a character 1,800 (14,400 micros, far beyond it).
     */
    private static final int CJK_CHUNKS = 150;

    /** The daily budget of the mid-stream tests: admission fits (about 2,100), the stream not. */
    private static final long BUDGET = 5000;

    @BeforeAll
    static void start() {
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < CHUNKS; i++) {
            sse.append("data: ").append(CHUNK).append("\n\n");
        }
        sse.append(
                "data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        sse.append("data: [DONE]\n\n");
        provider.stubFor(
                post(urlEqualTo("/long/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(sse.toString())));
        StringBuilder tools = new StringBuilder();
        tools.append(
                "data: {\"id\":\"t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},"
                        + "\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < CHUNKS; i++) {
            tools.append(
                    "data: {\"id\":\"t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                            + "\"function\":{\"arguments\":\"0123456789012345678901234567890123456789\"}}]},"
                            + "\"finish_reason\":null}]}\n\n");
        }
        tools.append(
                "data: {\"id\":\"t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                        + "data: [DONE]\n\n");
        provider.stubFor(
                post(urlEqualTo("/tools/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(tools.toString())));
        // the same text as OpenAI's Responses stream, to a provider with option responsesApi
        String rec = ResponsesStreams.resource("openai-text-stream.sse");
        StringBuilder responses =
                new StringBuilder(
                        rec.substring(0, rec.indexOf("event: response.output_text.delta")));
        for (int i = 0; i < CHUNKS; i++) {
            responses.append(
                    "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                            + "\"item_id\":\"msg_68c2e1f1b2c3d4e5f6a7b8c9d0e1f2a3b\",\"output_index\":0,"
                            + "\"content_index\":0,\"delta\":\""
                            + TEXT
                            + "\",\"logprobs\":[]}\n\n");
        }
        responses.append(rec.substring(rec.indexOf("event: response.output_text.done")));
        provider.stubFor(
                post(urlEqualTo("/long/v1/responses"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(responses.toString())));
        // events the Responses dialect drops (audio deltas, never written to the client): output
        // the provider charges all the same
        StringBuilder audio =
                new StringBuilder(
                        rec.substring(0, rec.indexOf("event: response.output_item.added")));
        for (int i = 0; i < CHUNKS; i++) {
            audio.append(
                    "event: response.audio.delta\ndata: {\"type\":\"response.audio.delta\","
                            + "\"response_id\":\"resp_1\",\"delta\":\""
                            + TEXT
                            + "\"}\n\n");
        }
        audio.append(rec.substring(rec.indexOf("event: response.completed")));
        provider.stubFor(
                post(urlEqualTo("/audio/v1/responses"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(audio.toString())));
        // reasoning deltas only (as reasoning models send before their answer), then a short answer
        StringBuilder reasoning = new StringBuilder();
        for (int i = 0; i < CHUNKS; i++) {
            reasoning
                    .append("data: ")
                    .append(CHUNK.replace("\"content\"", "\"reasoning_content\""))
                    .append("\n\n");
        }
        reasoning.append("data: ").append(CHUNK.replace(TEXT, "done")).append("\n\n");
        reasoning.append(
                "data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n");
        provider.stubFor(
                post(urlEqualTo("/reasoning/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(reasoning.toString())));
        // CJK text: about a token a character, where four characters a token counts a quarter
        StringBuilder cjk = new StringBuilder();
        for (int i = 0; i < CJK_CHUNKS; i++) {
            cjk.append("data: ").append(CHUNK.replace(TEXT, CJK)).append("\n\n");
        }
        cjk.append(
                "data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n");
        provider.stubFor(
                post(urlEqualTo("/cjk/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(cjk.toString())));
        provider.stubFor(
                post(urlEqualTo("/capped/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(GatewayIT.OK.formatted("capped"))));
        provider.stubFor(
                post(urlEqualTo("/emb/v1/embeddings"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\","
                                                        + "\"index\":0,\"embedding\":[0.1,0.2]}],\"model\":\"m\","
                                                        + "\"usage\":{\"prompt_tokens\":100,\"total_tokens\":100}}")));
        provider.stubFor(
                post(urlEqualTo("/slow/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withFixedDelay(1500)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(GatewayIT.OK.formatted("slow"))));
        provider.stubFor(
                post(urlEqualTo("/broken/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withStatus(500)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody("{\"error\":{\"message\":\"down\"}}")));
        provider.stubFor(
                post(urlEqualTo("/ok/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(GatewayIT.OK.formatted("ok"))));
    }

    @AfterAll
    static void stop() {
        provider.stop();
    }

    // ------------------------------------------------------------ mid-stream

    @Test
    void aChatStreamEndsWithAnErrorObjectAndNoDoneWhenTheBudgetRunsOut() throws Exception {
        TestTenant t = tenant("long", BUDGET);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"long\",\"stream\":true,\"max_tokens\":256,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"go on\"}]}",
                                t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String[] events = r.body().trim().split("\n\n");
        assertThat(r.body())
                .doesNotContain("data: [DONE]")
                .doesNotContain("\"finish_reason\":\"stop\"");
        int delivered = count(r.body(), "forty characters");
        assertThat(delivered).as("some of the answer, not all of it").isBetween(10, CHUNKS - 1);
        JsonObject error =
                Json.createReader(
                                new StringReader(
                                        events[events.length - 1].substring("data: ".length())))
                        .readObject()
                        .getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("insufficient_quota");
        assertThat(error.getString("message")).contains("budget");
        // chat is the pipeline's own endpoint: its audit event names none
        assertCutAndSettled(r.header("x-request-id"), null, delivered);
        assertSpentWithinBudget(t);
    }

    @Test
    void aMessagesStreamEndsWithEventErrorWhenTheBudgetRunsOut() throws Exception {
        TestTenant t = tenant("long", BUDGET);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/messages",
                                "{\"model\":\"long\",\"max_tokens\":10,\"stream\":true,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"go on\"}]}",
                                "x-api-key",
                                t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<AnthropicStreams.Event> events = AnthropicStreams.parse(r.body());
        List<String> names = events.stream().map(AnthropicStreams.Event::name).toList();
        assertThat(names).first().isEqualTo("message_start");
        assertThat(names).last().isEqualTo("error");
        assertThat(names).doesNotContain("message_stop", "message_delta");
        JsonObject error = events.get(events.size() - 1).data().getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("rate_limit_error");
        assertThat(error.getString("message")).contains("budget");
        int delivered = count(r.body(), "forty characters");
        assertThat(delivered).isBetween(10, CHUNKS - 1);
        assertCutAndSettled(r.header("x-request-id"), "/v1/messages", delivered);
        assertSpentWithinBudget(t);
    }

    @Test
    void aResponsesStreamEndsWithResponseFailedWhenTheBudgetRunsOut() throws Exception {
        TestTenant t = tenant("long", BUDGET);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/responses",
                                "{\"model\":\"long\",\"stream\":true,\"max_output_tokens\":256,"
                                        + "\"input\":\"go on\"}",
                                t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        JsonObject last = null;
        for (String event : r.body().trim().split("\n\n")) {
            for (String line : event.split("\n")) {
                if (line.startsWith("event: ")) {
                    names.add(line.substring(7).trim());
                } else if (line.startsWith("data: ")) {
                    last = Json.createReader(new StringReader(line.substring(6))).readObject();
                }
            }
        }
        assertThat(names).first().isEqualTo("response.created");
        assertThat(names).last().isEqualTo("response.failed");
        assertThat(names).doesNotContain("response.completed", "response.incomplete");
        assertThat(last.getJsonObject("response").getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        int delivered = count(r.body(), "\"delta\":\"forty characters");
        assertThat(delivered).isBetween(10, CHUNKS - 1);
        assertCutAndSettled(r.header("x-request-id"), "/v1/responses", delivered);
        assertSpentWithinBudget(t);
    }

    /**
     * The same natively (issue 17): OpenAI's Responses stream relayed, cut with response.failed.
     */
    @Test
    void aNativeResponsesStreamEndsWithResponseFailedWhenTheBudgetRunsOut() throws Exception {
        TestTenant t = tenant("long", BUDGET, "chat,streaming", "{\"responsesApi\":true}");
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/responses",
                                "{\"model\":\"long\",\"stream\":true,\"max_output_tokens\":256,"
                                        + "\"input\":\"go on\"}",
                                t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonObject> events = ResponsesStreams.events(r.body());
        assertThat(events.get(0).getString("type")).isEqualTo("response.created");
        JsonObject last = events.get(events.size() - 1);
        assertThat(last.getString("type")).isEqualTo("response.failed");
        assertThat(r.body())
                .doesNotContain("response.completed")
                .doesNotContain("output_text.done");
        assertThat(last.getJsonObject("response").getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        int delivered = count(r.body(), "\"delta\":\"forty characters");
        assertThat(delivered).isBetween(10, CHUNKS - 1);
        assertCutAndSettled(r.header("x-request-id"), "/v1/responses", delivered);
        assertThat(
                        audit(r.header("x-request-id"))
                                .getJsonObject("details")
                                .getBoolean("passthrough"))
                .isTrue();
        assertThat(
                        provider.countRequestsMatching(
                                        postRequestedFor(urlEqualTo("/long/v1/responses")).build())
                                .getCount())
                .isPositive();
        assertSpentWithinBudget(t);
    }

    /**
     * Review finding (issue 17): events a native Responses stream drops (here audio deltas, never
     * written to the client) were not metered, so such a stream ran past the budget to its end.
     * Every event's delta is metered: the stream is cut like text.
     */
    @Test
    void aNativeResponsesStreamOfDroppedEventsIsMeteredAndCut() throws Exception {
        TestTenant t = tenant("audio", BUDGET, "chat,streaming", "{\"responsesApi\":true}");
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/responses",
                                "{\"model\":\"audio\",\"stream\":true,\"max_output_tokens\":256,"
                                        + "\"input\":\"go on\"}",
                                t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonObject> events = ResponsesStreams.events(r.body());
        JsonObject last = events.get(events.size() - 1);
        assertThat(last.getString("type")).as(r.body()).isEqualTo("response.failed");
        assertThat(r.body()).doesNotContain("response.completed").doesNotContain("forty");
        assertThat(last.getJsonObject("response").getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        JsonObject audit = audit(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(429);
        assertThat(audit.getJsonObject("details").getString("budget"))
                .isEqualTo("exhausted_mid_stream");
        assertThat(audit.getJsonNumber("cost").longValue()).isBetween(2100L, BUDGET + 90);
        assertSpentWithinBudget(t);
    }

    /**
     * Tool-call arguments are output too: a stream of nothing but argument fragments is counted and
     * cut like text.
     */
    @Test
    void aStreamOfToolCallArgumentsIsCutLikeText() throws Exception {
        TestTenant t = tenant("tools", BUDGET);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"tools\",\"stream\":true,\"max_tokens\":256,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"call f\"}]}",
                                t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body())
                .doesNotContain("data: [DONE]")
                .doesNotContain("\"finish_reason\":\"tool_calls\"");
        assertThat(count(r.body(), "0123456789")).isBetween(10, CHUNKS * 4 - 1);
        JsonObject audit = audit(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getString("budget"))
                .isEqualTo("exhausted_mid_stream");
        assertThat(audit.getJsonNumber("cost").longValue()).isBetween(BUDGET - 100, BUDGET + 90);
        assertSpentWithinBudget(t);
    }

    /** With room in the budget the same long stream ends normally: the cut is the budget's. */
    @Test
    void aStreamWithRoomInItsBudgetOutgrowsItsReservationAndEndsNormally() throws Exception {
        TestTenant t = tenant("long", 100_000);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"long\",\"stream\":true,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"go on\"}]}",
                                t.keyAuth());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        assertThat(count(r.body(), "forty characters")).isEqualTo(CHUNKS);
        JsonObject audit = audit(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(200);
        assertThat(audit.getJsonObject("details").containsKey("budget")).isFalse();
    }

    /**
     * Reasoning deltas ({@code reasoning_content}) are output the provider charges for: a stream of
     * nothing else is counted and cut like text (it used to run to its end uncounted).
     */
    @Test
    void reasoningDeltasAreCountedAndCutLikeText() throws Exception {
        TestTenant t = tenant("reasoning", BUDGET);
        Http.Response r = streamChat(t, "reasoning");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("data: [DONE]").doesNotContain("\"done\"");
        assertThat(count(r.body(), "forty characters")).isBetween(10, CHUNKS - 1);
        assertThat(lastError(r).getString("code")).isEqualTo("insufficient_quota");
        JsonObject audit = audit(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getString("budget"))
                .isEqualTo("exhausted_mid_stream");
        assertSpentWithinBudget(t);
    }

    /**
     * The meter counts a non-ASCII character as a token: a CJK answer that four characters a token
     * would price within the budget is cut where its real cost crosses it.
     */
    @Test
    void nonAsciiTextIsCountedAtATokenACharacter() throws Exception {
        TestTenant t = tenant("cjk", BUDGET);
        Http.Response r = streamChat(t, "cjk");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("data: [DONE]");
        assertThat(lastError(r).getString("code")).isEqualTo("insufficient_quota");
        JsonObject audit = audit(r.header("x-request-id"));
        assertThat(audit.getJsonObject("details").getString("budget"))
                .isEqualTo("exhausted_mid_stream");
        // what the provider sent up to the cut, at a token a character
        assertThat(audit.getJsonNumber("output").longValue()).isGreaterThan(450);
        assertSpentWithinBudget(t);
    }

    /**
     * A stream of tool-call arguments that ends normally without the provider's usage is charged
     * for its arguments (8,000 characters: 2,000 tokens), not for its text alone (none).
     */
    @Test
    void toolCallArgumentsAreChargedAtANormalEndWithoutUsage() throws Exception {
        TestTenant t = tenant("tools", 100_000);
        Http.Response r = streamChat(t, "tools");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        JsonObject audit = audit(r.header("x-request-id"));
        assertThat(audit.getInt("status")).isEqualTo(200);
        assertThat(audit.getJsonNumber("output").longValue()).isGreaterThanOrEqualTo(2000);
        assertThat(audit.getJsonNumber("cost").longValue()).isGreaterThanOrEqualTo(16_000);
    }

    /**
     * A request naming no maximum output, of a tenant with a budget, gets the gateway's default
     * (4,096) as its cap upstream, and reserves it for every one of its {@code n} choices; a tenant
     * without a budget is sent the request as it asked.
     */
    @Test
    void aRequestNamingNoMaximumIsCappedUpstreamAndReservesItForEveryChoice() throws Exception {
        // one choice reserves about 32,800 micros (4,096 tokens at 8), three about 98,400
        TestTenant t = tenant("capped", 50_000, "chat,streaming");
        String body = "{\"model\":\"capped\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        int before = calls("capped");
        Http.Response one = Http.local().post("/v1/chat/completions", body + "}", t.keyAuth());
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(lastBody("capped")).contains("\"max_completion_tokens\":4096");
        Http.Response three =
                Http.local().post("/v1/chat/completions", body + ",\"n\":3}", t.keyAuth());
        assertThat(three.status()).as(three.body()).isEqualTo(429);
        assertThat(three.json().getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        assertThat(calls("capped")).as("the refused request never left").isEqualTo(before + 1);

        TestTenant free = tenant("capped", -1, "chat,streaming");
        Http.Response unbudgeted =
                Http.local().post("/v1/chat/completions", body + "}", free.keyAuth());
        assertThat(unbudgeted.status()).as(unbudgeted.body()).isEqualTo(200);
        assertThat(lastBody("capped")).doesNotContain("max_completion_tokens", "max_tokens");
    }

    /**
     * Tool definitions are input the provider charges for: a request whose tool schemas alone
     * (12,000 characters: 3,000 tokens, 6,000 micros) exceed the budget is refused at admission.
     */
    @Test
    void toolDefinitionsCountInTheReservedInput() throws Exception {
        TestTenant t = tenant("capped", BUDGET, "chat,streaming,tools");
        int before = calls("capped");
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"capped\",\"max_tokens\":10,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                                        + "\"description\":\""
                                        + "a".repeat(12_000)
                                        + "\",\"parameters\":{\"type\":\"object\"}}}]}",
                                t.keyAuth());
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.json().getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        assertThat(calls("capped")).isEqualTo(before);
    }

    // ------------------------------------------------------------ admission

    /**
     * The worst case is reserved at admission: a request whose maximum output would not fit in the
     * budget is refused before the provider (429 {@code insufficient_quota}, in each endpoint's
     * shape), while a small one fits the same untouched budget.
     */
    @Test
    void aReservationThatDoesNotFitIsRefusedAtAdmissionOnEveryEndpoint() throws Exception {
        TestTenant t = tenant("ok", 3000);
        int before = calls("ok");
        // 1,000 output tokens at 8 micros: 8,000 micros, more than the 3,000 budget
        Http.Response chat =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"ok\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                t.keyAuth());
        assertThat(chat.status()).as(chat.body()).isEqualTo(429);
        assertThat(chat.json().getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        Http.Response responses =
                Http.local()
                        .post(
                                "/v1/responses",
                                "{\"model\":\"ok\",\"max_output_tokens\":1000,\"input\":\"x\"}",
                                t.keyAuth());
        assertThat(responses.status()).as(responses.body()).isEqualTo(429);
        assertThat(responses.json().getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        Http.Response messages =
                Http.local()
                        .post(
                                "/v1/messages",
                                "{\"model\":\"ok\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                "x-api-key",
                                t.apiKey());
        MessagesIT.assertAnthropicError(messages, 429, "rate_limit_error");
        assertThat(calls("ok")).as("no refused request reached the provider").isEqualTo(before);
        Http.Response small =
                Http.local()
                        .post(
                                "/v1/messages",
                                "{\"model\":\"ok\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                "x-api-key",
                                t.apiKey());
        assertThat(small.status()).as(small.body()).isEqualTo(200);
        assertThat(calls("ok")).isEqualTo(before + 1);
    }

    /**
     * Requests in flight see each other's reservations: two requests whose reservations (about
     * 2,100 micros each) together exceed a 3,000 budget, sent at once to a provider that takes 1.5
     * s: one is answered, the other refused at admission, on each endpoint.
     */
    @Test
    void concurrentRequestsCannotOverspendTogether() throws Exception {
        for (String endpoint : List.of("/v1/chat/completions", "/v1/messages", "/v1/responses")) {
            TestTenant t = tenant("slow", 3000);
            CompletableFuture<Http.Response> one =
                    CompletableFuture.supplyAsync(() -> send(t, endpoint, "slow", 256));
            CompletableFuture<Http.Response> two =
                    CompletableFuture.supplyAsync(() -> send(t, endpoint, "slow", 256));
            List<Integer> statuses = List.of(one.get().status(), two.get().status());
            assertThat(statuses)
                    .as(endpoint + ": " + one.get().body() + " / " + two.get().body())
                    .containsExactlyInAnyOrder(200, 429);
        }
    }

    /**
     * A failed call gives its reservation back: after a provider failure, a request whose
     * reservation needs almost the whole budget still fits (the failed call cost nothing).
     */
    @Test
    void aReservationIsReleasedAfterAProviderFailure() throws Exception {
        for (String endpoint : List.of("/v1/chat/completions", "/v1/messages", "/v1/responses")) {
            // room for one reservation of about 2,100 micros, not two
            TestTenant t = tenant("broken", 2500);
            CatalogFixture.provider(
                    t.id(),
                    "good",
                    "openai",
                    "http://localhost:" + provider.port() + "/ok/v1",
                    "{}",
                    "paid-chat",
                    "chat,streaming");
            CatalogFixture.route(t.id(), "ok", "chat", "priority", 0, "good/paid-chat");
            Http.Response failed = send(t, endpoint, "broken", 256);
            assertThat(failed.status())
                    .as(endpoint + " " + failed.body())
                    .isGreaterThanOrEqualTo(500);
            JsonObject audit = audit(failed.header("x-request-id"));
            assertThat(audit.getJsonNumber("cost").longValue()).isZero();
            Http.Response next = send(t, endpoint, "ok", 256);
            assertThat(next.status()).as(endpoint + " " + next.body()).isEqualTo(200);
        }
    }

    /**
     * Embeddings reserve and settle the same way, without a stream: the input's cost at the dearest
     * target is reserved (refused before the provider when it does not fit), and the provider's
     * usage is what is settled.
     */
    @Test
    void embeddingsReserveTheirInputAndSettleTheProvidersUsage() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "paid",
                "openai",
                "http://localhost:" + provider.port() + "/emb/v1",
                "{}",
                "paid-emb",
                "embeddings");
        CatalogFixture.route(t.id(), "emb", "embeddings", "priority", 0, "paid/paid-emb");
        assertThat(
                        Http.local()
                                .method(
                                        "PUT",
                                        "/api/v1/limits",
                                        "{\"dailyBudgetMicros\":1000}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(200);
        // about 1,000 input tokens at 2 micros: 2,000 micros, more than the budget
        Http.Response big =
                Http.local()
                        .post(
                                "/v1/embeddings",
                                "{\"model\":\"emb\",\"input\":\"" + "word ".repeat(800) + "\"}",
                                t.keyAuth());
        assertThat(big.status()).as(big.body()).isEqualTo(429);
        assertThat(big.json().getJsonObject("error").getString("code"))
                .isEqualTo("insufficient_quota");
        assertThat(
                        provider.countRequestsMatching(
                                        postRequestedFor(urlEqualTo("/emb/v1/embeddings")).build())
                                .getCount())
                .isZero();
        Http.Response small =
                Http.local()
                        .post(
                                "/v1/embeddings",
                                "{\"model\":\"emb\",\"input\":\"hi\"}",
                                t.keyAuth());
        assertThat(small.status()).as(small.body()).isEqualTo(200);
        // settled with the provider's 100 tokens, not the reserved estimate
        assertThat(audit(small.header("x-request-id")).getJsonNumber("cost").longValue())
                .isEqualTo(200);
    }

    // ------------------------------------------------------------ helpers

    /**
     * A tenant whose route {@code alias} goes to the stand-in's path of that name, with a daily
     * budget.
     */
    private static TestTenant tenant(String alias, long dailyBudgetMicros) throws Exception {
        return tenant(alias, dailyBudgetMicros, "chat,streaming");
    }

    /** As {@link #tenant(String, long)}, with the model's capabilities; no budget when negative. */
    private static TestTenant tenant(String alias, long dailyBudgetMicros, String capabilities)
            throws Exception {
        return tenant(alias, dailyBudgetMicros, capabilities, "{}");
    }

    /** As {@link #tenant(String, long, String)}, with the provider's options. */
    private static TestTenant tenant(
            String alias, long dailyBudgetMicros, String capabilities, String options)
            throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "paid",
                "openai",
                "http://localhost:" + provider.port() + "/" + alias + "/v1",
                options,
                "paid-chat",
                capabilities);
        CatalogFixture.route(t.id(), alias, "chat", "priority", 0, "paid/paid-chat");
        if (dailyBudgetMicros < 0) {
            return t;
        }
        assertThat(
                        Http.local()
                                .method(
                                        "PUT",
                                        "/api/v1/limits",
                                        "{\"dailyBudgetMicros\":" + dailyBudgetMicros + "}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(200);
        return t;
    }

    private static Http.Response send(TestTenant t, String endpoint, String model, int maxOut) {
        return switch (endpoint) {
            case "/v1/messages" ->
                    Http.local()
                            .post(
                                    endpoint,
                                    "{\"model\":\""
                                            + model
                                            + "\",\"max_tokens\":"
                                            + maxOut
                                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                    "x-api-key",
                                    t.apiKey());
            case "/v1/responses" ->
                    Http.local()
                            .post(
                                    endpoint,
                                    "{\"model\":\""
                                            + model
                                            + "\",\"max_output_tokens\":"
                                            + maxOut
                                            + ",\"input\":\"x\"}",
                                    t.keyAuth());
            default ->
                    Http.local()
                            .post(
                                    endpoint,
                                    "{\"model\":\""
                                            + model
                                            + "\",\"max_tokens\":"
                                            + maxOut
                                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                    t.keyAuth());
        };
    }

    /** The one audit event says the budget cut the stream, and settles what was produced. */
    private static void assertCutAndSettled(String requestId, String endpoint, int delivered)
            throws Exception {
        JsonObject audit = audit(requestId);
        JsonObject details = audit.getJsonObject("details");
        assertThat(details.getString("budget")).isEqualTo("exhausted_mid_stream");
        assertThat(details.getString("error")).isEqualTo("insufficient_quota");
        if (endpoint != null) {
            assertThat(details.getString("endpoint")).isEqualTo(endpoint);
        }
        assertThat(audit.getInt("status")).isEqualTo(429);
        // what the provider sent up to the cut: the delivered chunks and the one held back,
        // estimated at four characters a token
        long output = audit.getJsonNumber("output").longValue();
        assertThat(output).isEqualTo(((delivered + 1L) * TEXT.length() + 3) / 4);
        long cost = audit.getJsonNumber("cost").longValue();
        assertThat(cost)
                .as("more than admission reserved, about what was left")
                .isGreaterThan(2100);
        assertThat(cost).as("at most one chunk past the budget").isLessThanOrEqualTo(BUDGET + 90);
    }

    /** The usage report agrees: the budget is spent up to (at most one chunk beyond) its limit. */
    private static void assertSpentWithinBudget(TestTenant t) {
        JsonObject daily =
                Http.local()
                        .get("/api/v1/usage", t.auth("admin"))
                        .json()
                        .getJsonObject("budget")
                        .getJsonObject("daily");
        assertThat(daily.getJsonNumber("spentMicros").longValue())
                .isBetween(BUDGET - 200, BUDGET + 90);
    }

    private static JsonObject audit(String requestId) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) OVER (), details::text, output_tokens, status_code,"
                                        + " coalesce(cost_micros, 0) FROM audit_events"
                                        + " WHERE request_id = ? AND action = 'gateway.request'")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("an audit event for " + requestId).isTrue();
                assertThat(rs.getLong(1)).as("exactly one").isEqualTo(1);
                return Json.createObjectBuilder()
                        .add(
                                "details",
                                Json.createReader(new StringReader(rs.getString(2))).readObject())
                        .add("output", rs.getLong(3))
                        .add("status", rs.getInt(4))
                        .add("cost", rs.getLong(5))
                        .build();
            }
        }
    }

    /** A chat stream naming 256 output tokens (admission fits {@link #BUDGET}). */
    private static Http.Response streamChat(TestTenant t, String model) {
        return Http.local()
                .post(
                        "/v1/chat/completions",
                        "{\"model\":\""
                                + model
                                + "\",\"stream\":true,\"max_tokens\":256,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"go on\"}]}",
                        t.keyAuth());
    }

    /** The error object of a chat stream's last event. */
    private static JsonObject lastError(Http.Response r) {
        String[] events = r.body().trim().split("\n\n");
        return Json.createReader(
                        new StringReader(events[events.length - 1].substring("data: ".length())))
                .readObject()
                .getJsonObject("error");
    }

    /** The body of the last request the stand-in got on {@code path}. */
    private static String lastBody(String path) {
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> all =
                provider.findAll(postRequestedFor(urlEqualTo("/" + path + "/v1/chat/completions")));
        return all.get(all.size() - 1).getBodyAsString();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    private static int calls(String path) {
        return provider.countRequestsMatching(
                        postRequestedFor(urlEqualTo("/" + path + "/v1/chat/completions")).build())
                .getCount();
    }
}
