package io.gatehouse.routing.internal.dialect.messages;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Messages body as it goes to an Anthropic provider natively, and its answer coming back. */
class MessagesNativeTest {
    static final String THINKING_BLOCK =
            "{\"type\":\"thinking\",\"thinking\":\"The user wants Oslo's weather.\","
                    + "\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds\"}";

    /** A tool-use conversation with extended thinking, as Anthropic's docs show it. */
    static final String BODY =
            "{\"model\":\"claude\", \"max_tokens\":4096,\"top_k\":5,"
                    + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Oslo? mail ann@example.com\"},"
                    + "{\"role\":\"assistant\",\"content\":["
                    + THINKING_BLOCK
                    + ",{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"},"
                    + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Oslo\"}}]},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"-3C\"}]}]}";

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    @Test
    void thinkingIsAcceptedButOnlyANativeProviderMayServeIt() {
        ChatRequest canonical = MessagesRequest.read(json(BODY));
        // the canonical request has no place for thinking: the assistant turn is its tool call
        assertThat(canonical.messages().get(1).toolCalls()).hasSize(1);
        assertThat(canonical.messages().toString()).doesNotContain("EqQBCgIYAhIM");
        assertThat(MessagesNative.of(BODY, json(BODY)).onlyNative()).contains("extended thinking");
        String blocksOnly =
                BODY.replace("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},", "");
        assertThat(MessagesNative.of(blocksOnly, json(blocksOnly)).onlyNative())
                .contains("thinking blocks");
        String plain = plainBody();
        assertThat(MessagesNative.of(plain, json(plain)).onlyNative()).isNull();
    }

    static String plainBody() {
        return "{\"model\":\"claude\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void anUnchangedRequestIsTheClientsBytesWithTheModelSwapped() {
        String wire =
                MessagesNative.of(BODY, json(BODY))
                        .body(MessagesRequest.read(json(BODY)), true, "claude-sonnet-4-5");
        assertThat(wire).isEqualTo(BODY.replace("\"claude\"", "\"claude-sonnet-4-5\""));
    }

    /** A key the gateway does not read (cache_control) is never forwarded unchecked. */
    @Test
    void aBlockWithAKeyTheGatewayDoesNotReadIsReRenderedNotForwarded() {
        String body =
                BODY.replace(
                        "\"content\":\"-3C\"}",
                        "\"content\":\"-3C\",\"cache_control\":{\"type\":\"ephemeral\"}}");
        assertThat(body).contains("cache_control");
        String wire =
                MessagesNative.of(body, json(body))
                        .body(MessagesRequest.read(json(body)), true, "claude-sonnet-4-5");
        assertThat(wire).doesNotContain("cache_control").contains("EqQBCgIYAhIM");
        assertThat(json(wire).getJsonObject("thinking")).isNotNull();
    }

    @Test
    void aChangedRequestIsReRenderedWithItsThinkingBlocksAsSent() {
        ChatRequest parsed = MessagesRequest.read(json(BODY));
        List<ChatMessage> redacted = new ArrayList<>(parsed.messages());
        redacted.set(0, new ChatMessage("user", "Weather in Oslo? mail [EMAIL]", false));
        // a managed prompt's system message before the conversation
        redacted.add(0, new ChatMessage("system", "You are terse.", true));
        String wire =
                MessagesNative.of(BODY, json(BODY))
                        .body(parsed.withMessages(redacted), false, "claude-sonnet-4-5");
        assertThat(wire).doesNotContain("ann@example.com");
        JsonObject w = json(wire);
        assertThat(w.getString("model")).isEqualTo("claude-sonnet-4-5");
        assertThat(w.getString("system")).isEqualTo("You are terse.");
        assertThat(w.getJsonObject("thinking"))
                .isEqualTo(json("{\"type\":\"enabled\",\"budget_tokens\":2048}"));
        assertThat(w.getInt("top_k")).isEqualTo(5);
        JsonArray messages = w.getJsonArray("messages");
        assertThat(messages).hasSize(3);
        JsonArray assistant = messages.getJsonObject(1).getJsonArray("content");
        assertThat(assistant.getJsonObject(0)).isEqualTo(json(THINKING_BLOCK));
        assertThat(assistant.getJsonObject(1).getString("type")).isEqualTo("redacted_thinking");
        assertThat(assistant.getJsonObject(1).getString("data")).isEqualTo("EmwKAhgBEgy3va3pzix");
        assertThat(assistant.getJsonObject(2).getString("type")).isEqualTo("tool_use");
        assertThat(messages.getJsonObject(0).toString()).contains("[EMAIL]");
    }

    @Test
    void anAnswerTheStagesChangedKeepsItsThinkingAndTakesTheirText() {
        JsonObject answer =
                json(
                        "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                                + "\"content\":["
                                + THINKING_BLOCK
                                + ",{\"type\":\"text\",\"text\":\"Write to bob@example.com\"},"
                                + "{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"send\",\"input\":{\"to\":\"bob@example.com\"}}],"
                                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":20}}");
        JsonObject after =
                json(
                        "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Write to [EMAIL]\","
                                + "\"tool_calls\":[{\"id\":\"toolu_2\",\"type\":\"function\",\"function\":"
                                + "{\"name\":\"send\",\"arguments\":\"{\\\"to\\\":\\\"[EMAIL]\\\"}\"}}]},"
                                + "\"finish_reason\":\"tool_calls\"}]}");
        MessagesNative n = MessagesNative.of(BODY, json(BODY));
        // unchanged: the provider's own text
        assertThat(n.answer(answer, "RAW", after, after)).isEqualTo("RAW");
        JsonObject changed = (JsonObject) n.answer(answer, "RAW", json("{}"), after);
        JsonArray content = changed.getJsonArray("content");
        assertThat(content.getJsonObject(0)).isEqualTo(json(THINKING_BLOCK));
        assertThat(content.getJsonObject(1).getString("text")).isEqualTo("Write to [EMAIL]");
        assertThat(content.getJsonObject(2).getJsonObject("input").getString("to"))
                .isEqualTo("[EMAIL]");
        assertThat(changed.toString()).doesNotContain("bob@example.com");
        assertThat(changed.getJsonObject("usage")).isEqualTo(answer.getJsonObject("usage"));
        assertThat(changed.getString("id")).isEqualTo("msg_01");
    }

    /**
     * A tool call the stages dropped is not put back from the provider's answer (review finding 9),
     * and the answer's thinking is what the output policy scans (finding 1).
     */
    @Test
    void aToolCallTheStagesDroppedIsLeftOutAndThinkingIsScanned() {
        JsonObject answer =
                json(
                        "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                                + "\"content\":["
                                + THINKING_BLOCK
                                + ",{\"type\":\"text\",\"text\":\"Sending\"},"
                                + "{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"send\",\"input\":{\"to\":\"bob@example.com\"}}],"
                                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":20}}");
        JsonObject after =
                json(
                        "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Not sending\"},"
                                + "\"finish_reason\":\"stop\"}]}");
        MessagesNative n = MessagesNative.of(BODY, json(BODY));
        JsonObject changed = (JsonObject) n.answer(answer, "RAW", json("{}"), after);
        assertThat(changed.toString()).doesNotContain("bob@example.com").doesNotContain("toolu_2");
        assertThat(changed.getJsonArray("content")).hasSize(2);
        assertThat(n.unchangeableText(answer)).containsExactly("The user wants Oslo's weather.");
    }
}
