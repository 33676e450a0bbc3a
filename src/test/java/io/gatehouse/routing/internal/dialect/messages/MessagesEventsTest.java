package io.gatehouse.routing.internal.dialect.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        MessagesEvents events = new MessagesEvents("req_0123456789abcdef01234567");
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
        JsonObject usage = ours.get(ours.size() - 2).data().getJsonObject("usage");
        assertThat(usage.getInt("input_tokens")).isEqualTo(472);
        assertThat(usage.getInt("output_tokens")).isEqualTo(89);
    }

    @Test
    void anEmptyStreamStillStartsAndEndsOnceAndAFailureIsAnErrorEvent() throws IOException {
        MessagesEvents events = new MessagesEvents("req_1");
        ByteArrayOutputStream os = new ByteArrayOutputStream();
        events.finish(os, null, 3, 0, false);
        events.done(os);
        assertThat(
                        AnthropicStreams.parse(os.toString(StandardCharsets.UTF_8)).stream()
                                .map(Event::name))
                .containsExactly("message_start", "message_delta", "message_stop");

        MessagesEvents failing = new MessagesEvents("req_2");
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

    @Test
    void argumentsForAClosedToolBlockFailTheStreamInsteadOfMisplacingAnEvent() throws IOException {
        MessagesEvents events = new MessagesEvents("req_3");
        ByteArrayOutputStream os = new ByteArrayOutputStream();
        events.chunk(os, chunk(toolDelta("call_a", "a", "{"), null), null);
        JsonObject second =
                chunk(
                        Json.createObjectBuilder()
                                .add(
                                        "tool_calls",
                                        Json.createArrayBuilder()
                                                .add(
                                                        Json.createObjectBuilder()
                                                                .add("index", 1)
                                                                .add("id", "call_b")
                                                                .add(
                                                                        "function",
                                                                        Json.createObjectBuilder()
                                                                                .add("name", "b")
                                                                                .add(
                                                                                        "arguments",
                                                                                        "{}")))),
                        null);
        events.chunk(os, second, null);
        assertThatThrownBy(() -> events.chunk(os, chunk(toolDelta(null, null, "}"), null), null))
                .isInstanceOf(IllegalStateException.class);
        List<Event> got = AnthropicStreams.parse(os.toString(StandardCharsets.UTF_8));
        assertThat(got.stream().map(Event::name))
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta");
    }
}
