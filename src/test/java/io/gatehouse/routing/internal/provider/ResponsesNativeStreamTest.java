package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.ResponsesStreams;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** OpenAI's Responses stream as the relay sees it (issue 17, native streaming). */
class ResponsesNativeStreamTest {
    static ResponsesNativeStream stream(String sse) {
        return new ResponsesNativeStream(
                new SseReader(
                        new HttpTransport.LineStream(
                                new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8)),
                                5_000,
                                null)),
                "gpt-4.1");
    }

    static List<JsonObject> all(ResponsesNativeStream s) throws ProviderException {
        List<JsonObject> chunks = new ArrayList<>();
        for (Optional<JsonObject> c = s.next(); c.isPresent(); c = s.next()) {
            chunks.add(c.get());
        }
        return chunks;
    }

    static String type(JsonObject chunk) {
        return chunk.getJsonObject(ResponsesNativeStream.EVENT).getString("type");
    }

    @Test
    void textDeltasAreOnePartsContentItsDoneFinishesItAndCompletedCarriesTheUsage()
            throws Exception {
        ResponsesNativeStream s = stream(ResponsesStreams.resource("openai-text-stream.sse"));
        List<JsonObject> chunks = all(s);
        assertThat(chunks).hasSize(12);
        assertThat(s.oneAnswer()).isTrue();
        StringBuilder text = new StringBuilder();
        for (JsonObject c : chunks) {
            assertThat(s.raw(c)).isNull(); // always rewritten: the gateway's ids
            if (type(c).equals("response.output_text.delta")) {
                var choice = c.getJsonArray("choices").getJsonObject(0);
                assertThat(c.getInt(ResponsesNativeStream.PART)).isZero();
                assertThat(choice.getInt("index")).isZero();
                text.append(choice.getJsonObject("delta").getString("content"));
            }
        }
        assertThat(text.toString()).isEqualTo("The capital of France is Paris.");
        JsonObject done = chunks.get(8);
        assertThat(type(done)).isEqualTo("response.output_text.done");
        assertThat(done.getJsonArray("choices").getJsonObject(0).getString("finish_reason"))
                .isEqualTo("stop");
        JsonObject last = chunks.get(11);
        assertThat(type(last)).isEqualTo("response.completed");
        assertThat(last.getJsonObject("usage").getInt("prompt_tokens")).isEqualTo(14);
        assertThat(last.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(8);
        assertThat(last.getJsonArray("choices")).isEmpty();
        assertThat(s.partialUsage().orElseThrow().inputTokens()).isEqualTo(14);
    }

    static String event(String data) {
        String type = data.replaceAll("^\\{\"type\":\"([^\"]*)\".*", "$1");
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    static final String COMPLETED =
            event(
                    "{\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"status\":\"completed\","
                            + "\"output\":[],\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}}");

    /**
     * Review finding (issue 17): reasoning text (summary and raw) is never written to the client,
     * so it is metered only; fed to the output policy's scan it refused streams for text nobody
     * saw.
     */
    @Test
    void reasoningTextIsMeteredOnlyAndNeverScanned() throws Exception {
        ResponsesNativeStream s =
                stream(
                        event(
                                        "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\","
                                                + "\"output_index\":0,\"summary_index\":0,\"delta\":\"Thinking about it\"}")
                                + event(
                                        "{\"type\":\"response.reasoning_text.delta\",\"item_id\":\"rs_1\","
                                                + "\"output_index\":0,\"content_index\":0,\"delta\":\"raw bob@example.com\"}")
                                + event(
                                        "{\"type\":\"response.reasoning_summary_text.done\",\"item_id\":\"rs_1\","
                                                + "\"output_index\":0,\"summary_index\":0,\"text\":\"Thinking about it\"}"));
        for (int i = 0; i < 3; i++) {
            JsonObject c = s.next().orElseThrow();
            assertThat(c.getJsonArray("choices")).as(type(c)).isEmpty();
            assertThat(c.containsKey(ResponsesNativeStream.PART)).isFalse();
        }
        // 17 + 19 characters: 9 tokens at four a token
        assertThat(s.partialUsage().orElseThrow().outputTokens()).isEqualTo(9);
    }

    /**
     * Review finding (issue 17): the events the dialect drops (audio, images, built-in tools, types
     * unknown here) are output the provider charges for: every delta counts, whatever its type.
     */
    @Test
    void everyEventsDeltaIsMeteredDroppedOnesIncluded() throws Exception {
        ResponsesNativeStream s =
                stream(
                        event("{\"type\":\"response.audio.delta\",\"delta\":\"0123456789abcdef\"}")
                                + event(
                                        "{\"type\":\"response.image_generation_call.partial_image\","
                                                + "\"item_id\":\"ig_1\",\"partial_image_b64\":\"QUJDREVGR0hJSktMTU5PUA==\"}")
                                + event(
                                        "{\"type\":\"response.code_interpreter_call_code.delta\","
                                                + "\"item_id\":\"ci_1\",\"delta\":{\"code\":\"print(1)\"}}")
                                + COMPLETED);
        List<JsonObject> chunks = all(s);
        assertThat(chunks).hasSize(4);
        // 16 + 24 + 19 characters (the object as JSON): 15 tokens at four a token
        assertThat(s.partialUsage().orElseThrow().outputTokens()).isEqualTo(15);
        assertThat(chunks.get(3).getJsonObject("usage").getInt("completion_tokens")).isEqualTo(3);
    }

    /**
     * Review finding (issue 17): usage without an output count is no usage (the relay settles the
     * output from its meter, estimated), not an output of nothing; the input count is kept.
     */
    @Test
    void usageWithoutOutputTokensIsNoUsageButKeepsTheInput() throws Exception {
        ResponsesNativeStream s =
                stream(
                        event(
                                        "{\"type\":\"response.output_text.delta\",\"item_id\":\"m\","
                                                + "\"output_index\":0,\"content_index\":0,\"delta\":\"0123456789abcdef\"}")
                                + event(
                                        "{\"type\":\"response.completed\",\"response\":{\"id\":\"r\","
                                                + "\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":7}}}"));
        List<JsonObject> chunks = all(s);
        assertThat(type(chunks.get(1))).isEqualTo("response.completed");
        assertThat(chunks.get(1).containsKey("usage")).isFalse();
        assertThat(s.partialUsage().orElseThrow().inputTokens()).isEqualTo(7);
        assertThat(s.partialUsage().orElseThrow().outputTokens()).isEqualTo(4);
    }

    @Test
    void aFunctionCallAFailedResponseAnErrorAMismatchedNameAndACutEndTheStream() {
        String created =
                "event: response.created\ndata: {\"type\":\"response.created\",\"response\":"
                        + "{\"id\":\"r\",\"status\":\"in_progress\",\"output\":[]}}\n\n";
        // the kind decides failover and the breaker; the message is the gateway's, never the
        // provider's text (review finding: rate limits tripped the breaker, the text reached the
        // client)
        for (String[] bad :
                new String[][] {
                    {
                        "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                                + "\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\","
                                + "\"call_id\":\"c\",\"name\":\"f\",\"arguments\":\"\"}}\n\n",
                        "function call",
                        "PROVIDER_CONFIG"
                    },
                    {
                        "event: response.function_call_arguments.delta\ndata: {\"type\":"
                                + "\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"delta\":\"{}\"}\n\n",
                        "function call",
                        "PROVIDER_CONFIG"
                    },
                    {
                        "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"r\","
                                + "\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}}}\n\n",
                        "provider stream reported an error",
                        "SERVER"
                    },
                    {
                        "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"r\","
                                + "\"status\":\"failed\",\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"boom\"}}}\n\n",
                        "rate limit",
                        "RATE_LIMITED"
                    },
                    {
                        "event: error\ndata: {\"type\":\"error\",\"code\":\"x\",\"message\":\"overloaded\"}\n\n",
                        "provider stream reported an error",
                        "SERVER"
                    },
                    {
                        "event: error\ndata: {\"type\":\"error\",\"code\":\"rate_limit_exceeded\","
                                + "\"message\":\"overloaded\"}\n\n",
                        "rate limit",
                        "RATE_LIMITED"
                    },
                    {
                        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"insufficient_quota\","
                                + "\"code\":\"insufficient_quota\",\"message\":\"overloaded\"}}\n\n",
                        "quota",
                        "RATE_LIMITED"
                    },
                    {
                        "event: response.completed\ndata: {\"type\":\"response.output_text.delta\","
                                + "\"item_id\":\"m\",\"delta\":\"x\"}\n\n",
                        "mismatched",
                        "SERVER"
                    },
                    {"", "ended before response.completed", "CONNECT"}
                }) {
            ResponsesNativeStream s = stream(created + bad[0]);
            assertThatThrownBy(() -> all(s))
                    .as(bad[0])
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining(bad[1])
                    .hasMessageNotContaining("boom")
                    .hasMessageNotContaining("overloaded")
                    .extracting(e -> ((ProviderException) e).kind().name())
                    .isEqualTo(bad[2]);
        }
    }
}
