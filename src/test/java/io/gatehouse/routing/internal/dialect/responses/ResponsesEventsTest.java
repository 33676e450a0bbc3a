package io.gatehouse.routing.internal.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.ResponsesStreams;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesEventsTest {
    static final JsonObject REQUEST =
            json(
                    "{\"model\":\"m\",\"input\":\"weather?\",\"tools\":[{\"type\":\"function\","
                            + "\"name\":\"get_weather\",\"description\":\"Weather of a city\",\"parameters\":"
                            + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]},"
                            + "\"strict\":false}]}");

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    /**
     * A chat stream as the relay hands it to a dialect's events: each chunk, the usage at the end
     * ({@code finish}; estimated when the stream carries none), then done after the record, or the
     * error event.
     */
    static String transcode(String chatSse, ResponsesEvents events) throws Exception {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        JsonObject last = null;
        boolean finished = false;
        for (String block : chatSse.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String data = block.strip().substring("data: ".length());
            if (data.equals("[DONE]")) {
                if (!finished) {
                    events.finish(client, last, 0, 0, true);
                }
                events.done(client);
                continue;
            }
            JsonObject o = json(data);
            if (o.get("error") instanceof JsonObject e) {
                events.error(client, 502, e.getString("code"), e.getString("message"));
            } else if (o.get("usage") instanceof JsonObject u) {
                events.finish(
                        client,
                        last,
                        u.getInt("prompt_tokens"),
                        u.getInt("completion_tokens"),
                        false);
                finished = true;
            } else {
                events.chunk(client, o, null);
                last = o;
            }
        }
        return client.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aChatStreamBecomesOpenAisEventsEventByEvent() throws Exception {
        List<ResponseObjects.Rendered> completed = new ArrayList<>();
        String chat = ResponsesStreams.resource("chat-text-then-tool-call.sse");
        String ours =
                transcode(
                        chat,
                        new ResponsesEvents(
                                ResponseObjects.Shape.of(REQUEST), false, completed::add));
        List<JsonObject> expected =
                ResponsesStreams.essences(
                        ResponsesStreams.resource("openai-text-then-function-call.sse"));
        List<JsonObject> actual = ResponsesStreams.essences(ours);
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as("event " + i).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
        // what a stored response keeps: the assistant turn in chat form
        assertThat(completed).hasSize(1);
        JsonObject assistant = completed.get(0).assistant();
        assertThat(assistant.getString("content")).isEqualTo("Let me check.");
        assertThat(assistant.getJsonArray("tool_calls").getJsonObject(0).getString("id"))
                .isEqualTo("call_Wx7c2Qm1");
    }

    @Test
    void anErrorAfterTheStartIsResponseFailedAndNothingAfterIt() throws Exception {
        String chat =
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"},\"finish_reason\":null}]}\n\n"
                        + "data: {\"error\":{\"message\":\"The provider's stream failed\",\"type\":\"server_error\","
                        + "\"param\":null,\"code\":\"upstream_stream_error\"}}\n\n";
        List<JsonObject> events =
                ResponsesStreams.events(
                        transcode(
                                chat,
                                new ResponsesEvents(
                                        ResponseObjects.Shape.of(REQUEST), false, r -> true)));
        assertThat(events.stream().map(e -> e.getString("type")).toList())
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.failed");
        JsonObject failed = events.get(5).getJsonObject("response");
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getJsonObject("error").getString("code"))
                .isEqualTo("upstream_stream_error");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).getInt("sequence_number")).isEqualTo(i);
        }
    }

    @Test
    void aStoreThatFailsStillCompletesTheAnsweredCallWithStoreFalse() throws Exception {
        // the call was made, recorded and charged: answered, saying it was not stored (was:
        // response.failed, which hid an answer the caller paid for)
        String chat = ResponsesStreams.resource("chat-text-then-tool-call.sse");
        List<JsonObject> events =
                ResponsesStreams.events(
                        transcode(
                                chat,
                                new ResponsesEvents(
                                        ResponseObjects.Shape.of(REQUEST), true, r -> false)));
        JsonObject last = events.get(events.size() - 1);
        assertThat(last.getString("type")).isEqualTo("response.completed");
        assertThat(last.getJsonObject("response").getBoolean("store")).isFalse();
        assertThat(events.get(0).getJsonObject("response").getBoolean("store")).isTrue();
    }

    @Test
    void aRefusalStreamsAsARefusalPartLikeTheJsonAnswer() throws Exception {
        String chat =
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"refusal\":\"I can't\"},"
                        + "\"finish_reason\":null}]}\n\n"
                        + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\" help.\"},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n";
        List<JsonObject> events =
                ResponsesStreams.events(
                        transcode(
                                chat,
                                new ResponsesEvents(
                                        ResponseObjects.Shape.of(REQUEST), false, r -> true)));
        assertThat(events.stream().map(e -> e.getString("type")).toList())
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.refusal.delta",
                        "response.refusal.delta",
                        "response.refusal.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        assertThat(events.get(3).getJsonObject("part").getString("type")).isEqualTo("refusal");
        assertThat(events.get(6).getString("refusal")).isEqualTo("I can't help.");
        JsonObject part =
                events.get(9)
                        .getJsonObject("response")
                        .getJsonArray("output")
                        .getJsonObject(0)
                        .getJsonArray("content")
                        .getJsonObject(0);
        assertThat(part.getString("type")).isEqualTo("refusal");
        assertThat(part.getString("refusal")).isEqualTo("I can't help.");
    }

    @Test
    void aConversationLargerThanTheBodyLimitIsRefusedNamingPreviousResponseId() {
        List<JsonObject> conversation =
                List.of(
                        json("{\"role\":\"user\",\"content\":\"" + "x".repeat(600) + "\"}"),
                        json("{\"role\":\"assistant\",\"content\":\"" + "y".repeat(600) + "\"}"));
        StoredResponses.checkSize(conversation, 4096); // fits
        assertThatThrownBy(() -> StoredResponses.checkSize(conversation, 1024))
                .satisfies(
                        e -> {
                            GatehouseException g = (GatehouseException) e;
                            assertThat(g.status()).isEqualTo(400);
                            assertThat(g.param()).isEqualTo("previous_response_id");
                        });
    }

    @Test
    void requestsTranslateToChatWithTheirParamsNamedOnRefusal() {
        ResponsesRequests.Translated t =
                ResponsesRequests.read(
                        json(
                                "{\"model\":\"m\",\"instructions\":\"Be brief\",\"input\":["
                                        + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"look\"},"
                                        + "{\"type\":\"input_image\",\"image_url\":\"https://x/i.png\",\"detail\":\"low\"}]},"
                                        + "{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"},"
                                        + "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"42\"}],"
                                        + "\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}],"
                                        + "\"tool_choice\":{\"type\":\"function\",\"name\":\"f\"},"
                                        + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"s\",\"schema\":{\"type\":\"object\"},\"strict\":true}},"
                                        + "\"max_output_tokens\":50,\"temperature\":0.2,\"top_p\":0.9,\"reasoning\":{\"effort\":\"low\"}}"));
        JsonObject chat = t.chatBody(List.of());
        assertThat(chat.getJsonArray("messages").toString())
                .isEqualTo(
                        "[{\"role\":\"system\",\"content\":\"Be brief\"},"
                                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
                                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/i.png\",\"detail\":\"low\"}}]},"
                                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                                + "{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"c1\"}]");
        assertThat(chat.getJsonArray("tools").toString())
                .isEqualTo(
                        "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]");
        assertThat(chat.get("tool_choice").toString())
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}");
        assertThat(chat.get("response_format").toString())
                .isEqualTo(
                        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\"},\"strict\":true}}");
        assertThat(chat.getInt("max_completion_tokens")).isEqualTo(50);
        assertThat(chat.getString("reasoning_effort")).isEqualTo("low");
        assertThat(chat.containsKey("stream")).isFalse();

        assertThatThrownBy(() -> ResponsesRequests.read(json("{\"model\":\"m\"}")))
                .satisfies(e -> assertThat(((GatehouseException) e).param()).isEqualTo("input"));
        assertThatThrownBy(
                        () ->
                                ResponsesRequests.read(
                                        json(
                                                "{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}")))
                .satisfies(
                        e ->
                                assertThat(((GatehouseException) e).param())
                                        .isEqualTo("tools[0].type"));
        assertThatThrownBy(
                        () ->
                                ResponsesRequests.read(
                                        json(
                                                "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":"
                                                        + "[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}")))
                .satisfies(
                        e ->
                                assertThat(((GatehouseException) e).param())
                                        .isEqualTo("input[0].content[0].type"));
    }
}
