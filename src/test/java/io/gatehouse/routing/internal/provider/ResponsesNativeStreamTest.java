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

    @Test
    void reasoningSummaryTextIsThinkingForTheScan() throws Exception {
        List<JsonObject> chunks =
                all(
                        stream(
                                "event: response.reasoning_summary_text.delta\ndata: {\"type\":"
                                        + "\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\",\"output_index\":0,"
                                        + "\"summary_index\":0,\"delta\":\"Thinking\"}\n\n"
                                        + "event: response.completed\ndata: {\"type\":\"response.completed\","
                                        + "\"response\":{\"id\":\"r\",\"status\":\"completed\",\"output\":[]}}\n\n"));
        assertThat(
                        chunks.get(0)
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("delta")
                                .getString("thinking"))
                .isEqualTo("Thinking");
    }

    @Test
    void aFunctionCallAFailedResponseAnErrorAMismatchedNameAndACutEndTheStream() {
        String created =
                "event: response.created\ndata: {\"type\":\"response.created\",\"response\":"
                        + "{\"id\":\"r\",\"status\":\"in_progress\",\"output\":[]}}\n\n";
        for (String[] bad :
                new String[][] {
                    {
                        "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                                + "\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\","
                                + "\"call_id\":\"c\",\"name\":\"f\",\"arguments\":\"\"}}\n\n",
                        "function call"
                    },
                    {
                        "event: response.function_call_arguments.delta\ndata: {\"type\":"
                                + "\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"delta\":\"{}\"}\n\n",
                        "function call"
                    },
                    {
                        "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"r\","
                                + "\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}}}\n\n",
                        "boom"
                    },
                    {
                        "event: error\ndata: {\"type\":\"error\",\"code\":\"x\",\"message\":\"overloaded\"}\n\n",
                        "overloaded"
                    },
                    {
                        "event: response.completed\ndata: {\"type\":\"response.output_text.delta\","
                                + "\"item_id\":\"m\",\"delta\":\"x\"}\n\n",
                        "mismatched"
                    },
                    {"", "ended before response.completed"}
                }) {
            ResponsesNativeStream s = stream(created + bad[0]);
            assertThatThrownBy(() -> all(s))
                    .as(bad[0])
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining(bad[1]);
        }
    }
}
