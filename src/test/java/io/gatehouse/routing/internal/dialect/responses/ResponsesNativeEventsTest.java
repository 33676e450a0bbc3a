package io.gatehouse.routing.internal.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.ResponsesStreams;
import io.gatehouse.routing.internal.provider.ResponsesNativeStream;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The native Responses relay's events (issue 17): OpenAI's stream under the gateway's ids. */
class ResponsesNativeEventsTest {
    static final String UPSTREAM_ID = "resp_68c2e1f0a9b8c7d6e5f40312a1b2c3d4e";
    static final String UPSTREAM_ITEM = "msg_68c2e1f1b2c3d4e5f6a7b8c9d0e1f2a3b";

    /** A stand-in for the codec: a fixed id, storing into {@code stored}. */
    static final class Owner implements ResponsesNativeEvents.Owner {
        final boolean store;
        final List<String> stored = new ArrayList<>();

        Owner(boolean store) {
            this.store = store;
        }

        @Override
        public JsonObject streamedResponse(JsonObject provider, JsonArray output, boolean store) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            for (String f : ResponsesNative.ANSWER_FIELDS) {
                if (provider.get(f) != null) {
                    b.add(f, provider.get(f));
                }
            }
            return b.add("output", output).add("id", "resp_gw").add("store", store).build();
        }

        @Override
        public boolean storing() {
            return store;
        }

        @Override
        public boolean storeStreamed(JsonObject response, String text) {
            stored.add(text);
            return store;
        }
    }

    /**
     * The recorded stream as the relay hands it on: each event a chunk (text deltas as their part's
     * content, changed by {@code filter}), the completed event with the usage to finish, then done.
     */
    static String relay(String sse, ResponsesNativeEvents events, UnaryOperator<String> filter)
            throws Exception {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        JsonObject last = null;
        for (JsonObject e : ResponsesStreams.events(sse)) {
            String type = e.getString("type");
            JsonObjectBuilder chunk =
                    Json.createObjectBuilder()
                            .add("id", "r")
                            .add("object", "chat.completion.chunk")
                            .add(ResponsesNativeStream.EVENT, e);
            var choices = Json.createArrayBuilder();
            // a part's number: its content_index (one message in these streams)
            int part = e.getInt("content_index", 0);
            if (e.containsKey("content_index")) {
                chunk.add(ResponsesNativeStream.PART, part);
            }
            if (type.equals("response.output_text.delta")) {
                choices.add(
                        Json.createObjectBuilder()
                                .add("index", part)
                                .add(
                                        "delta",
                                        Json.createObjectBuilder()
                                                .add("content", filter.apply(e.getString("delta"))))
                                .addNull("finish_reason"));
            } else if (type.equals("response.output_text.done")) {
                choices.add(
                        Json.createObjectBuilder()
                                .add("index", part)
                                .add("delta", Json.createObjectBuilder())
                                .add("finish_reason", "stop"));
            }
            last = chunk.add("choices", choices).build();
            if (type.equals("response.completed")) {
                events.finish(client, last, 14, 8, false);
            } else {
                events.chunk(client, last, null);
            }
        }
        events.done(client);
        return client.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRecordedStreamIsRelayedEventByEventUnderTheGatewaysIds() throws Exception {
        String recorded = ResponsesStreams.resource("openai-text-stream.sse");
        Owner owner = new Owner(true);
        String ours = relay(recorded, new ResponsesNativeEvents(owner), t -> t);
        List<JsonObject> expected = ResponsesStreams.essences(recorded);
        List<JsonObject> actual = ResponsesStreams.essences(ours);
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as("event " + i).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(ours)
                .doesNotContain(UPSTREAM_ID)
                .doesNotContain(UPSTREAM_ITEM)
                .doesNotContain("obfuscation")
                .doesNotContain("\"tools\"")
                .doesNotContain("\"metadata\"");
        Set<String> itemIds = new HashSet<>();
        for (JsonObject e : ResponsesStreams.events(ours)) {
            if (e.containsKey("item_id")) {
                itemIds.add(e.getString("item_id"));
            }
            if (e.get("item") instanceof JsonObject item) {
                itemIds.add(item.getString("id"));
            }
            if (e.get("response") instanceof JsonObject r) {
                assertThat(r.getString("id")).isEqualTo("resp_gw");
                r.getJsonArray("output")
                        .forEach(o -> itemIds.add(o.asJsonObject().getString("id")));
            }
        }
        assertThat(itemIds).hasSize(1);
        assertThat(itemIds.iterator().next()).matches("msg_[0-9a-f]{32}");
        assertThat(owner.stored).containsExactly("The capital of France is Paris.");
    }

    @Test
    void filteredDeltasAreWhatTheDoneEventsPartsItemsAndTheResponseCarry() throws Exception {
        String recorded = ResponsesStreams.resource("openai-text-stream.sse");
        Owner owner = new Owner(false);
        String ours =
                relay(
                        recorded,
                        new ResponsesNativeEvents(owner),
                        t -> t.replace("Paris", "[CITY]"));
        assertThat(ours).doesNotContain("Paris");
        List<JsonObject> events = ResponsesStreams.events(ours);
        String text = "The capital of France is [CITY].";
        assertThat(events.get(8).getString("text")).isEqualTo(text);
        assertThat(events.get(9).getJsonObject("part").getString("text")).isEqualTo(text);
        JsonObject completed = events.get(11).getJsonObject("response");
        assertThat(completed.getString("status")).isEqualTo("completed");
        assertThat(completed.getBoolean("store")).isFalse();
        assertThat(
                        completed
                                .getJsonArray("output")
                                .getJsonObject(0)
                                .getJsonArray("content")
                                .getJsonObject(0)
                                .getString("text"))
                .isEqualTo(text);
        assertThat(completed.getJsonObject("usage").getInt("output_tokens")).isEqualTo(8);
    }

    @Test
    void unknownEventsAreDroppedAndAnErrorIsTheLastEventNumberedWithoutGaps() throws Exception {
        String recorded = ResponsesStreams.resource("openai-text-stream.sse");
        String cut = recorded.substring(0, recorded.indexOf("event: response.output_text.done"));
        String withUnknown =
                cut.replace(
                        "event: response.content_part.added",
                        "event: response.audio.delta\ndata: {\"type\":\"response.audio.delta\","
                                + "\"sequence_number\":3,\"delta\":\"secret-audio\"}\n\n"
                                + "event: response.content_part.added");
        ResponsesNativeEvents events = new ResponsesNativeEvents(new Owner(true));
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        for (JsonObject e : ResponsesStreams.events(withUnknown)) {
            JsonObjectBuilder chunk =
                    Json.createObjectBuilder().add(ResponsesNativeStream.EVENT, e);
            if (e.containsKey("content_index")) {
                chunk.add(ResponsesNativeStream.PART, 0);
            }
            if (e.getString("type").equals("response.output_text.delta")) {
                chunk.add(
                        "choices",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("index", 0)
                                                .add(
                                                        "delta",
                                                        Json.createObjectBuilder()
                                                                .add(
                                                                        "content",
                                                                        e.getString("delta")))));
            }
            events.chunk(client, chunk.build(), null);
        }
        events.error(client, 403, "policy_violation", "Denied by policy");
        events.done(client); // nothing after the error
        String out = client.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("secret-audio").doesNotContain("response.completed");
        List<JsonObject> parsed = ResponsesStreams.events(out);
        for (int i = 0; i < parsed.size(); i++) {
            assertThat(parsed.get(i).getInt("sequence_number")).isEqualTo(i);
        }
        JsonObject failed = parsed.get(parsed.size() - 1);
        assertThat(failed.getString("type")).isEqualTo("response.failed");
        assertThat(failed.getJsonObject("response").getString("status")).isEqualTo("failed");
        assertThat(failed.getJsonObject("response").getJsonObject("error").getString("code"))
                .isEqualTo("policy_violation");
        assertThat(failed.getJsonObject("response").getBoolean("store")).isFalse();
    }

    /**
     * Review finding (issue 17): reasoning summary events were passed as the provider sent them
     * (only the deltas scanned): a {@code .done} text or part text unlike the deltas reached the
     * client unscanned. Now every reasoning summary event is dropped, like raw reasoning text; the
     * item keeps its id and an empty summary, as in a JSON answer.
     */
    @Test
    void reasoningSummaryEventsAndRawReasoningTextAreDroppedAndTheItemKeepsAnEmptySummary()
            throws Exception {
        String item = "rs_0123abcd";
        String sse =
                sse(
                                "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_up\",\"object\":\"response\","
                                        + "\"status\":\"in_progress\",\"output\":[],\"billing\":{\"payer\":\"x\"}}}")
                        + sse(
                                "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\""
                                        + item
                                        + "\",\"type\":\"reasoning\",\"summary\":[]}}")
                        + sse(
                                "{\"type\":\"response.reasoning_summary_part.added\",\"item_id\":\""
                                        + item
                                        + "\",\"output_index\":0,\"summary_index\":0,\"part\":{\"type\":\"summary_text\","
                                        + "\"text\":\"part-added-secret\"}}")
                        + sse(
                                "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\""
                                        + item
                                        + "\",\"output_index\":0,\"summary_index\":0,\"delta\":{\"text\":\"object-delta-secret\"},"
                                        + "\"extra\":\"extra-secret\"}")
                        + sse(
                                "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\""
                                        + item
                                        + "\",\"output_index\":0,\"summary_index\":0,\"delta\":\"Thinking it over\"}")
                        + sse(
                                "{\"type\":\"response.reasoning_text.delta\",\"item_id\":\""
                                        + item
                                        + "\",\"output_index\":0,\"content_index\":0,\"delta\":\"raw-secret\"}")
                        + sse(
                                "{\"type\":\"response.reasoning_summary_text.done\",\"item_id\":\""
                                        + item
                                        + "\",\"output_index\":0,\"summary_index\":0,\"text\":\"done-secret\"}")
                        + sse(
                                "{\"type\":\"response.reasoning_summary_part.done\",\"item_id\":\""
                                        + item
                                        + "\",\"output_index\":0,\"summary_index\":0,\"part\":{\"type\":\"summary_text\","
                                        + "\"text\":\"part-done-secret\"}}")
                        + sse(
                                "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\""
                                        + item
                                        + "\",\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\","
                                        + "\"text\":\"item-secret\"}],\"encrypted_content\":\"enc-secret\"}}")
                        + sse(
                                "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_up\",\"object\":\"response\","
                                        + "\"status\":\"completed\",\"output\":[{\"id\":\""
                                        + item
                                        + "\",\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\","
                                        + "\"text\":\"completed-secret\"}],\"content\":[{\"type\":\"reasoning_text\","
                                        + "\"text\":\"raw-secret\"}]}],\"usage\":{\"input_tokens\":3,\"output_tokens\":5}}}");
        ResponsesNativeEvents events = new ResponsesNativeEvents(new Owner(false));
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        for (JsonObject e : ResponsesStreams.events(sse)) {
            String type = e.getString("type");
            // as the relay hands them on (no choices: ResponsesNativeStream meters reasoning only)
            JsonObjectBuilder chunk =
                    Json.createObjectBuilder().add(ResponsesNativeStream.EVENT, e);
            if (type.equals("response.completed")) {
                events.finish(client, chunk.build(), 3, 5, false);
            } else {
                events.chunk(client, chunk.build(), null);
            }
        }
        events.done(client);
        String out = client.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .doesNotContain(item)
                .doesNotContain("resp_up")
                .doesNotContain("secret")
                .doesNotContain("Thinking")
                .doesNotContain("reasoning_summary")
                .doesNotContain("billing");
        List<JsonObject> parsed = ResponsesStreams.events(out);
        assertThat(parsed.stream().map(e -> e.getString("type")).toList())
                .containsExactly(
                        "response.created",
                        "response.output_item.added",
                        "response.output_item.done",
                        "response.completed");
        String id = parsed.get(1).getJsonObject("item").getString("id");
        assertThat(id).matches("rs_[0-9a-f]{32}");
        assertThat(parsed.get(2).getJsonObject("item"))
                .isEqualTo(
                        Json.createObjectBuilder()
                                .add("id", id)
                                .add("type", "reasoning")
                                .add("summary", Json.createArrayBuilder())
                                .build());
        JsonObject reasoning =
                parsed.get(3).getJsonObject("response").getJsonArray("output").getJsonObject(0);
        assertThat(reasoning.getString("id")).isEqualTo(id);
        assertThat(reasoning.getJsonArray("summary")).isEmpty();
        assertThat(reasoning.containsKey("content")).isFalse();
        for (int i = 0; i < parsed.size(); i++) {
            assertThat(parsed.get(i).getInt("sequence_number")).isEqualTo(i);
        }
    }

    /**
     * Review findings (issue 17): the provider's annotations (titles, URLs: never scanned) passed
     * while the text was unchanged; and where items or parts were dropped, the provider's {@code
     * output_index} / {@code content_index} left gaps. Annotations are always empty now, and the
     * indexes dense over what is written.
     */
    @Test
    void annotationsAreNeverPassedAndIndexesAreDenseOverWhatIsWritten() throws Exception {
        String rec = ResponsesStreams.resource("openai-text-stream.sse");
        String annotated =
                rec.replace(
                        "\"annotations\":[],\"logprobs\":[],\"text\":\"The capital of France is Paris.\"",
                        "\"annotations\":[{\"type\":\"url_citation\",\"url\":\"https://evil.example/x\","
                                + "\"title\":\"bob@example.com\",\"start_index\":0,\"end_index\":3}],"
                                + "\"logprobs\":[],\"text\":\"The capital of France is Paris.\"");
        assertThat(annotated).contains("evil.example");
        // a built-in tool's item before the message (output_index 0) and a part of a type this
        // gateway does not write before the text (content_index 0): both dropped, so the message
        // and its text part are the client's first
        String shifted =
                annotated
                        .replace("\"output_index\":0", "\"output_index\":1")
                        .replace("\"content_index\":0", "\"content_index\":1")
                        .replace(
                                "event: response.output_item.added",
                                "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                                        + "\"output_index\":0,\"item\":{\"id\":\"ws_1\",\"type\":\"web_search_call\","
                                        + "\"status\":\"completed\"}}\n\n"
                                        + "event: response.output_item.added")
                        .replace(
                                "event: response.content_part.added",
                                "event: response.content_part.added\ndata: {\"type\":\"response.content_part.added\","
                                        + "\"item_id\":\""
                                        + UPSTREAM_ITEM
                                        + "\",\"output_index\":1,\"content_index\":0,"
                                        + "\"part\":{\"type\":\"output_audio\",\"data\":\"audio-x\"}}\n\n"
                                        + "event: response.content_part.added")
                        // and in the items' content, where a part's position is its index
                        .replace(
                                "\"content\":[{\"type\":\"output_text\"",
                                "\"content\":[{\"type\":\"output_audio\",\"data\":\"audio-x\"},"
                                        + "{\"type\":\"output_text\"");
        for (String sse : List.of(annotated, shifted)) {
            Owner owner = new Owner(true);
            String ours = relay(sse, new ResponsesNativeEvents(owner), t -> t);
            assertThat(ours)
                    .doesNotContain("evil.example")
                    .doesNotContain("bob@example.com")
                    .doesNotContain("url_citation")
                    .doesNotContain("audio-x")
                    .doesNotContain("ws_1");
            // the recorded stream's own indexes (all 0) and text, event by event
            List<JsonObject> expected = ResponsesStreams.essences(rec);
            List<JsonObject> actual = ResponsesStreams.essences(ours);
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                assertThat(actual.get(i)).as("event " + i).isEqualTo(expected.get(i));
            }
            assertThat(actual).hasSameSizeAs(expected);
            for (JsonObject e : ResponsesStreams.events(ours)) {
                if (e.containsKey("output_index")) {
                    assertThat(e.getInt("output_index")).as(e.toString()).isZero();
                }
                if (e.containsKey("content_index")) {
                    assertThat(e.getInt("content_index")).as(e.toString()).isZero();
                }
            }
        }
    }

    static String sse(String data) {
        String type = data.replaceAll("^\\{\"type\":\"([^\"]*)\".*", "$1");
        return "event: " + type + "\ndata: " + data + "\n\n";
    }
}
