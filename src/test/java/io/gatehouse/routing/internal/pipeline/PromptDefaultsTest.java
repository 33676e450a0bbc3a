package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A managed prompt's default parameters fill what the client left out, and never override it. */
class PromptDefaultsTest {
    @Test
    void defaultsFillOnlyMissingUpstreamFields() {
        JsonObject req =
                GatewayRequests.parse(
                        "{\"model\":\"prompt:x@production\",\"temperature\":0.9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        Map<String, JsonValue> defaults =
                Map.of(
                        "temperature", Json.createValue(0.1),
                        "max_tokens", Json.createValue(64),
                        "base_url", Json.createValue("http://evil.example"),
                        "stream", JsonValue.TRUE);
        JsonObject up =
                OpenAiChat.render(
                        OpenAiChat.withDefaults(
                                OpenAiChat.parse(req)
                                        .withMessages(
                                                List.of(new ChatMessage("user", "hi", false))),
                                defaults),
                        null);
        assertThat(up.getJsonNumber("temperature").doubleValue())
                .as("the client's value wins")
                .isEqualTo(0.9);
        assertThat(up.getInt("max_tokens")).isEqualTo(64);
        assertThat(up.containsKey("base_url")).as("only fields routing passes upstream").isFalse();
        assertThat(up.containsKey("stream")).as("streaming is the client's choice").isFalse();
    }
}
