package io.gatehouse.routing.internal.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading an upstream's answer when it comes as Server-Sent Events. */
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
}
