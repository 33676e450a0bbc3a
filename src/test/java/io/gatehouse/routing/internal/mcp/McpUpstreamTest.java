package io.gatehouse.routing.internal.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.JsonInput;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Reading an upstream's answer when it comes as Server-Sent Events; masking the credential in it.
 */
class McpUpstreamTest {
    @Test
    void theAnswerWithTheRequestsIdIsPickedFromTheEvents() throws Exception {
        String events =
                "id: 1\n"
                        + "event: message\n"
                        + "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
                        + "event: message\r\n"
                        + "data: {\"jsonrpc\":\"2.0\",\"id\":7,\r\n"
                        + "data: \"result\":{\"ok\":true}}\r\n\r\n";
        assertThat(McpUpstream.fromEvents(events, 7).getJsonObject("result").getBoolean("ok"))
                .isTrue();
        assertThat(McpUpstream.fromEvents(events, 8)).isNull();
    }

    @Test
    void aPrimingEventAndEventsThatAreNotJsonAreSkipped() throws Exception {
        String events =
                "id: 0\ndata:\n\n"
                        + "data: {nope\n\n"
                        + "data: hello\n\n"
                        + ": a comment\n\n"
                        + "data: {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"ok\":true}}\n\n"
                        + "data: not even read";
        assertThat(McpUpstream.fromEvents(events, 3).getJsonObject("result").getBoolean("ok"))
                .isTrue();
        assertThat(McpUpstream.fromEvents("data: {nope\n\n", 1)).isNull();
    }

    @Test
    void anAnswerOverTheSizeLimitIsRefused() {
        assertThatThrownBy(
                        () ->
                                McpUpstream.fromEvents(
                                        "data: " + "x".repeat(McpUpstream.MAX_RESPONSE_BYTES + 1),
                                        1))
                .isInstanceOf(McpUpstream.UpstreamException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void theCredentialIsMaskedInEveryStringAndKeyOfAResult() {
        String secret = "s3cr3t-token";
        JsonObject result =
                JsonInput.readObject(
                        "{\"content\":[{\"type\":\"text\",\"text\":\"you sent Bearer s3cr3t-token\"}],"
                                + "\"structuredContent\":{\"s3cr3t-token\":[\"a s3cr3t-token b\",7,true]},"
                                + "\"isError\":false}");
        JsonObject masked = McpUpstream.mask(result, secret);
        assertThat(masked.toString()).doesNotContain(secret);
        assertThat(masked.getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("you sent Bearer ********");
        assertThat(masked.getJsonObject("structuredContent").getJsonArray("********"))
                .hasToString("[\"a ******** b\",7,true]");
        assertThat(masked.getBoolean("isError")).isFalse();
        // nothing to mask: the same value
        assertThat(McpUpstream.mask(result, "absent")).isEqualTo(result);
    }
}
