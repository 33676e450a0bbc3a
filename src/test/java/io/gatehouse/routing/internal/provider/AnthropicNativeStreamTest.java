package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Anthropic's native stream as the relay sees it (review findings 2, 6, 7, 8). */
class AnthropicNativeStreamTest {
    static AnthropicNativeStream stream(String sse) {
        return new AnthropicNativeStream(
                new SseReader(
                        new HttpTransport.LineStream(
                                new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8)),
                                5_000,
                                null)),
                "claude-sonnet-4-5");
    }

    static String event(String data) {
        String type = data.replaceAll(".*?\"type\":\"([^\"]*)\".*", "$1");
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    static final String START =
            event(
                    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":318,\"output_tokens\":3}}}");

    static List<JsonObject> all(AnthropicNativeStream s) throws ProviderException {
        List<JsonObject> chunks = new ArrayList<>();
        for (Optional<JsonObject> c = s.next(); c.isPresent(); c = s.next()) {
            chunks.add(c.get());
        }
        return chunks;
    }

    @Test
    void theMessageDeltaIsTheLastChunkEvenWithAPingAfterItAndNeverLowersTheInput()
            throws Exception {
        AnthropicNativeStream s =
                stream(
                        START
                                + event(
                                        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},"
                                                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":121}}")
                                + event("{\"type\":\"ping\"}")
                                + event("{\"type\":\"message_stop\"}"));
        List<JsonObject> chunks = all(s);
        assertThat(chunks).hasSize(3);
        JsonObject last = chunks.get(2);
        assertThat(last.getJsonObject(AnthropicNativeStream.EVENT).getString("type"))
                .isEqualTo("message_delta");
        assertThat(s.raw(last)).startsWith("event: message_delta\ndata: ");
        assertThat(last.getJsonObject("usage").getInt("prompt_tokens")).isEqualTo(318);
        assertThat(last.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(121);
    }

    @Test
    void anEventWhoseLineAndDataDisagreeOrWhoseTypeIsNotPlainFailsTheStream() {
        AnthropicNativeStream mismatch =
                stream(START + "event: content_block_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertThatThrownBy(() -> all(mismatch)).isInstanceOf(ProviderException.class);
        AnthropicNativeStream injected =
                stream(START + "data: {\"type\":\"ping\\r\\ndata: {}\\r\\n\\r\\nevent: x\"}\n\n");
        assertThatThrownBy(() -> all(injected)).isInstanceOf(ProviderException.class);
    }

    @Test
    void aStreamThatBreaksOffReportsTheStartsInputAndEveryDeltasOutput() throws Exception {
        String thinking = "x".repeat(400);
        AnthropicNativeStream s =
                stream(
                        START
                                + event(
                                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}")
                                + event(
                                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\""
                                                + thinking
                                                + "\"}}")
                                + event(
                                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\""
                                                + "s".repeat(40)
                                                + "\"}}"));
        assertThatThrownBy(() -> all(s)).isInstanceOf(ProviderException.class);
        ProviderStream.PartialUsage u = s.partialUsage().orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(318);
        assertThat(u.outputTokens()).isEqualTo(110);
    }

    @Test
    void thinkingIsAChoiceForTheScanAndAllBlocksAreOneAnswer() throws Exception {
        AnthropicNativeStream s =
                stream(
                        START
                                + event(
                                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}")
                                + event(
                                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}")
                                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                                + event("{\"type\":\"message_stop\"}"));
        List<JsonObject> chunks = all(s);
        assertThat(s.oneAnswer()).isTrue();
        JsonObject delta = chunks.get(2).getJsonArray("choices").getJsonObject(0);
        assertThat(delta.getJsonObject("delta").getString("thinking")).isEqualTo("hm");
        JsonObject stop = chunks.get(3).getJsonArray("choices").getJsonObject(0);
        assertThat(stop.getString("finish_reason")).isEqualTo("stop");
        assertThat(stop.getJsonObject("delta").containsKey("content")).isFalse();
    }

    /**
     * A tool_use block is a choice's tool call (its id and name at the start, each input fragment
     * an arguments delta, its stop the finish reason), so that the relay can hold and check it
     * while output rules apply; the provider's event rides along for the dialect.
     */
    @Test
    void aToolUseBlockIsAChoicesToolCallForTheRelay() throws Exception {
        AnthropicNativeStream s =
                stream(
                        START
                                + event(
                                        "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":"
                                                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}")
                                + event(
                                        "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":"
                                                + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}")
                                + event(
                                        "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":"
                                                + "{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Oslo\\\"}\"}}")
                                + event("{\"type\":\"content_block_stop\",\"index\":2}")
                                + event("{\"type\":\"message_stop\"}"));
        List<JsonObject> chunks = all(s);
        assertThat(chunks).hasSize(5);
        JsonObject start = chunks.get(1).getJsonArray("choices").getJsonObject(0);
        assertThat(start.getInt("index")).isEqualTo(2);
        JsonObject call = start.getJsonObject("delta").getJsonArray("tool_calls").getJsonObject(0);
        assertThat(call.getString("id")).isEqualTo("toolu_1");
        assertThat(call.getJsonObject("function").getString("name")).isEqualTo("get_weather");
        StringBuilder args = new StringBuilder();
        for (JsonObject c : chunks.subList(2, 4)) {
            args.append(
                    c.getJsonArray("choices")
                            .getJsonObject(0)
                            .getJsonObject("delta")
                            .getJsonArray("tool_calls")
                            .getJsonObject(0)
                            .getJsonObject("function")
                            .getString("arguments"));
        }
        assertThat(args.toString()).isEqualTo("{\"city\": \"Oslo\"}");
        JsonObject stop = chunks.get(4).getJsonArray("choices").getJsonObject(0);
        assertThat(stop.getString("finish_reason")).isEqualTo("tool_calls");
        assertThat(chunks.get(4).getJsonObject(AnthropicNativeStream.EVENT).getString("type"))
                .isEqualTo("content_block_stop");
    }

    static final String TOOL_START =
            event(
                    "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                            + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"run_shell\",\"input\":{}}}");

    static void assertUnchecked(AnthropicNativeStream s, String what) {
        assertThatThrownBy(() -> all(s))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(502);
                            assertThat(e.code()).isEqualTo("unchecked_stream_event");
                            assertThat(e.getMessage()).contains(what);
                        });
    }

    static AnthropicNativeStream checked(String sse) {
        AnthropicNativeStream s = stream(sse);
        s.toolCallsChecked();
        return s;
    }

    /**
     * While output rules check tool calls, a block the relay cannot map (a server_tool_use or
     * mcp_tool_use block streams input_json_delta the checks would not see), a delta its block does
     * not have (it would overtake the held tool_use block) and an unknown event type end the stream
     * with 502; without such rules they pass as they came (review of issue 17).
     */
    @Test
    void underToolChecksAnUnmappedBlockDeltaOrEventEndsTheStream() throws Exception {
        String serverTool =
                START
                        + event(
                                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                                        + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}}")
                        + event(
                                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}")
                        + event("{\"type\":\"content_block_stop\",\"index\":0}")
                        + event("{\"type\":\"message_stop\"}");
        assertUnchecked(checked(serverTool), "server_tool_use");
        AnthropicNativeStream relayed = stream(serverTool);
        List<JsonObject> chunks = all(relayed);
        assertThat(chunks).hasSize(4);
        assertThat(chunks.get(1).getJsonArray("choices")).isEmpty();
        assertThat(relayed.raw(chunks.get(3))).isNotNull();

        String oddDelta =
                START
                        + TOOL_START
                        + event(
                                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                                        + "{\"type\":\"text_delta\",\"text\":\"rm -rf /\"}}")
                        + event("{\"type\":\"content_block_stop\",\"index\":1}")
                        + event("{\"type\":\"message_stop\"}");
        assertUnchecked(checked(oddDelta), "text_delta at block 1");
        assertThat(all(stream(oddDelta))).hasSize(4);

        assertUnchecked(
                checked(
                        START
                                + event("{\"type\":\"future_event\"}")
                                + event("{\"type\":\"message_stop\"}")),
                "future_event");

        // an unmapped event already returned when the checks begin: they refuse at once
        AnthropicNativeStream late = stream(serverTool);
        late.next();
        late.next();
        assertThatThrownBy(late::toolCallsChecked)
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("unchecked_stream_event"));
    }

    /**
     * What the checks can map passes under them: thinking with its signature, redacted thinking,
     * pings.
     */
    @Test
    void underToolChecksThinkingSignaturesRedactedThinkingAndPingsPass() throws Exception {
        List<JsonObject> chunks =
                all(
                        checked(
                                START
                                        + event("{\"type\":\"ping\"}")
                                        + event(
                                                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}")
                                        + event(
                                                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"c2ln\"}}")
                                        + event("{\"type\":\"content_block_stop\",\"index\":0}")
                                        + event(
                                                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"ZW5j\"}}")
                                        + event("{\"type\":\"content_block_stop\",\"index\":1}")
                                        + event("{\"type\":\"message_stop\"}")));
        assertThat(chunks).hasSize(7);
    }

    /**
     * A tool_use block's input sent whole in its start event is held as its arguments (it was
     * dropped, the client got {@code {}}); input both at the start and in deltas, and a tool_use
     * block still open at message_stop, end the stream under the checks.
     */
    @Test
    void aToolUseStartsInputIsHeldAndAnOpenOrDoublyFedBlockEndsTheStream() throws Exception {
        String seeded =
                START
                        + event(
                                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"run_shell\",\"input\":{\"cmd\":\"ls\"}}}");
        List<JsonObject> chunks =
                all(
                        checked(
                                seeded
                                        + event("{\"type\":\"content_block_stop\",\"index\":1}")
                                        + event("{\"type\":\"message_stop\"}")));
        JsonObject call =
                chunks.get(1)
                        .getJsonArray("choices")
                        .getJsonObject(0)
                        .getJsonObject("delta")
                        .getJsonArray("tool_calls")
                        .getJsonObject(0);
        assertThat(call.getJsonObject("function").getString("arguments"))
                .isEqualTo("{\"cmd\":\"ls\"}");

        assertUnchecked(
                checked(
                        seeded
                                + event(
                                        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                                                + "{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}")
                                + event("{\"type\":\"content_block_stop\",\"index\":1}")
                                + event("{\"type\":\"message_stop\"}")),
                "at its start and in deltas");

        String open = START + TOOL_START + event("{\"type\":\"message_stop\"}");
        assertUnchecked(checked(open), "without content_block_stop");
        assertThat(all(stream(open))).hasSize(2);
    }
}
