package io.gatehouse.routing.internal.dialect.messages;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.AnthropicStreams;
import io.gatehouse.routing.AnthropicStreams.Event;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat chunks rendered as Anthropic's event sequence, compared event by event with a recording. */
class MessagesEventsTest {

    static JsonObject chunk(JsonObjectBuilder delta, String finish) {
        JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
        if (finish == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finish);
        }
        return Json.createObjectBuilder()
                .add("id", "chatcmpl-1")
                .add("object", "chat.completion.chunk")
                .add("created", 1)
                .add("model", "gpt-x")
                .add("choices", Json.createArrayBuilder().add(choice))
                .build();
    }

    static JsonObjectBuilder toolDelta(String id, String name, String arguments) {
        JsonObjectBuilder fn = Json.createObjectBuilder().add("arguments", arguments);
        if (name != null) {
            fn.add("name", name);
        }
        JsonObjectBuilder call = Json.createObjectBuilder().add("index", 0).add("function", fn);
        if (id != null) {
            call.add("id", id).add("type", "function");
        }
        return Json.createObjectBuilder().add("tool_calls", Json.createArrayBuilder().add(call));
    }

    @Test
    void aTextAndToolCallStreamIsAnthropicsSequenceEventByEvent() throws IOException {
        MessagesEvents events = new MessagesEvents("req_0123456789abcdef01234567", 468);
        ByteArrayOutputStream os = new ByteArrayOutputStream();
        List<JsonObject> chunks =
                List.of(
                        chunk(
                                Json.createObjectBuilder()
                                        .add("role", "assistant")
                                        .add("content", ""),
                                null),
                        chunk(Json.createObjectBuilder().add("content", "Okay"), null),
                        chunk(
                                Json.createObjectBuilder()
                                        .add(
                                                "content",
                                                ", let's check the weather for San Francisco, CA:"),
                                null),
                        chunk(toolDelta("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", ""), null),
                        chunk(toolDelta(null, null, "{\"location\":"), null),
                        chunk(toolDelta(null, null, " \"San Francisco, CA\"}"), null),
                        chunk(Json.createObjectBuilder(), "tool_calls"));
        for (JsonObject c : chunks) {
            events.chunk(os, c, null);
        }
        events.finish(os, chunks.get(chunks.size() - 1), 472, 89, false);
        events.done(os);
        List<Event> ours = AnthropicStreams.parse(os.toString(StandardCharsets.UTF_8));
        assertThat(AnthropicStreams.comparable(ours))
                .containsExactlyElementsOf(
                        AnthropicStreams.comparable(
                                AnthropicStreams.parse(AnthropicStreams.RECORDED)));
        // the message id names the request; the usage is the call's
        JsonObject start = ours.get(0).data().getJsonObject("message");
        assertThat(start.getString("id")).isEqualTo("msg_0123456789abcdef01234567");
        assertThat(start.getString("model")).isEqualTo("gpt-x");
        // message_start carries the pipeline's input estimate (the provider counts at the end)
        assertThat(start.getJsonObject("usage").getInt("input_tokens")).isEqualTo(468);
        assertThat(start.getJsonObject("usage").getInt("output_tokens")).isZero();
        JsonObject usage = ours.get(ours.size() - 2).data().getJsonObject("usage");
        assertThat(usage.getInt("input_tokens")).isEqualTo(472);
        assertThat(usage.getInt("output_tokens")).isEqualTo(89);
    }

    @Test
    void anEmptyStreamStillStartsAndEndsOnceAndAFailureIsAnErrorEvent() throws IOException {
        MessagesEvents events = new MessagesEvents("req_1", 3);
        ByteArrayOutputStream os = new ByteArrayOutputStream();
        events.finish(os, null, 3, 0, false);
        events.done(os);
        assertThat(
                        AnthropicStreams.parse(os.toString(StandardCharsets.UTF_8)).stream()
                                .map(Event::name))
                .containsExactly("message_start", "message_delta", "message_stop");

        MessagesEvents failing = new MessagesEvents("req_2", 3);
        ByteArrayOutputStream fos = new ByteArrayOutputStream();
        failing.chunk(fos, chunk(Json.createObjectBuilder().add("content", "Hi"), null), null);
        failing.error(fos, 502, "upstream_stream_error", "The provider's stream failed: cut");
        List<Event> got = AnthropicStreams.parse(fos.toString(StandardCharsets.UTF_8));
        assertThat(got.stream().map(Event::name))
                .containsExactly(
                        "message_start", "content_block_start", "content_block_delta", "error");
        JsonObject error = got.get(3).data();
        assertThat(error.getJsonObject("error").getString("type")).isEqualTo("api_error");
        assertThat(error.getJsonObject("error").getString("message")).contains("cut");
    }

    static JsonObjectBuilder toolDelta(int index, String id, String name, String arguments) {
        JsonObjectBuilder fn = Json.createObjectBuilder().add("arguments", arguments);
        if (name != null) {
            fn.add("name", name);
        }
        JsonObjectBuilder call = Json.createObjectBuilder().add("index", index).add("function", fn);
        if (id != null) {
            call.add("id", id).add("type", "function");
        }
        return Json.createObjectBuilder().add("tool_calls", Json.createArrayBuilder().add(call));
    }

    /** The stream's events as "name data" lines, data without its type. */
    static List<String> lines(ByteArrayOutputStream os) {
        return AnthropicStreams.parse(os.toString(StandardCharsets.UTF_8)).stream()
                .map(
                        e ->
                                e.name()
                                        + " "
                                        + Json.createObjectBuilder(e.data()).remove("type").build())
                .toList();
    }

    /**
     * Parallel tool calls whose fragments alternate (an OpenAI-compatible provider may interleave
     * them by index): sequential, well-formed blocks; the later call is held back and written whole
     * after the first (was: event: error, "arrived after its block closed").
     */
    @Test
    void interleavedToolCallsBecomeSequentialBlocksEventByEvent() throws IOException {
        MessagesEvents events = new MessagesEvents("req_3", 20);
        ByteArrayOutputStream os = new ByteArrayOutputStream();
        List<JsonObject> chunks =
                List.of(
                        chunk(toolDelta(0, "call_a", "weather", ""), null),
                        chunk(toolDelta(1, "call_b", "time", ""), null),
                        chunk(toolDelta(0, null, null, "{\"city\":"), null),
                        chunk(toolDelta(1, null, null, "{\"zone\":"), null),
                        chunk(toolDelta(0, null, null, "\"Oslo\"}"), null),
                        chunk(toolDelta(1, null, null, "\"CET\"}"), null),
                        chunk(Json.createObjectBuilder(), "tool_calls"));
        for (JsonObject c : chunks) {
            events.chunk(os, c, null);
        }
        events.finish(os, chunks.get(chunks.size() - 1), 20, 11, false);
        events.done(os);
        assertThat(lines(os))
                .containsExactly(
                        "message_start {\"message\":{\"id\":\"msg_3\",\"type\":\"message\",\"role\":\"assistant\","
                                + "\"model\":\"gpt-x\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                                + "\"usage\":{\"input_tokens\":20,\"output_tokens\":0}}}",
                        "content_block_start {\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_a\","
                                + "\"name\":\"weather\",\"input\":{}}}",
                        "content_block_delta {\"index\":0,\"delta\":{\"type\":\"input_json_delta\","
                                + "\"partial_json\":\"{\\\"city\\\":\"}}",
                        "content_block_delta {\"index\":0,\"delta\":{\"type\":\"input_json_delta\","
                                + "\"partial_json\":\"\\\"Oslo\\\"}\"}}",
                        "content_block_stop {\"index\":0}",
                        "content_block_start {\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_b\","
                                + "\"name\":\"time\",\"input\":{}}}",
                        "content_block_delta {\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                                + "\"partial_json\":\"{\\\"zone\\\":\\\"CET\\\"}\"}}",
                        "content_block_stop {\"index\":1}",
                        "message_delta {\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
                                + "\"usage\":{\"input_tokens\":20,\"output_tokens\":11}}",
                        "message_stop {}");
    }

    /** The stop sequence an Anthropic provider named comes back in message_delta. */
    @Test
    void aStopSequenceNamedByTheProviderIsTheStopReason() throws IOException {
        MessagesEvents events = new MessagesEvents("req_4", 5);
        ByteArrayOutputStream os = new ByteArrayOutputStream();
        events.chunk(os, chunk(Json.createObjectBuilder().add("content", "one two"), null), null);
        JsonObject last = chunk(Json.createObjectBuilder(), "stop");
        JsonObject stopped =
                Json.createObjectBuilder(last)
                        .add(
                                "choices",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder(
                                                                last.getJsonArray("choices")
                                                                        .getJsonObject(0))
                                                        .add("stop_sequence", "THREE")))
                        .build();
        events.chunk(os, stopped, null);
        events.finish(os, stopped, 5, 2, false);
        List<Event> got = AnthropicStreams.parse(os.toString(StandardCharsets.UTF_8));
        JsonObject delta = got.get(got.size() - 1).data().getJsonObject("delta");
        assertThat(delta.getString("stop_reason")).isEqualTo("stop_sequence");
        assertThat(delta.getString("stop_sequence")).isEqualTo("THREE");
    }
}
