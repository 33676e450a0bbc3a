package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import org.junit.jupiter.api.Test;

/**
 * The official {@code anthropic-java} SDK, unchanged, pointed at Gatehouse (issue 17): a message
 * and a stream from the sandbox (the SDK's own accumulator checks the event sequence), a bad key as
 * the SDK's authentication error.
 */
class MessagesSdkIT {

    static AnthropicClient sdk(String key) {
        return AnthropicOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(TestEnv.baseUrl())
                .maxRetries(0)
                .build();
    }

    static MessageCreateParams params(String text) {
        return MessageCreateParams.builder()
                .model("sandbox")
                .maxTokens(64L)
                .addUserMessage(text)
                .build();
    }

    static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock b : m.content()) {
            b.text().ifPresent(t -> sb.append(t.text()));
        }
        return sb.toString();
    }

    @Test
    void theSdkGetsAMessageAndAStreamFromTheSandbox() {
        AnthropicClient client = sdk(TestTenant.DEMO_API_KEY);
        Message m = client.messages().create(params("hello sdk"));
        assertThat(text(m)).contains("You said: \"hello sdk\"");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isPositive();

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s =
                client.messages().createStreaming(params("stream sdk"))) {
            s.stream().forEach(acc::accumulate);
        }
        Message streamed = acc.message();
        assertThat(text(streamed)).contains("You said: \"stream sdk\"");
        assertThat(streamed.stopReason()).contains(StopReason.END_TURN);
        assertThat(streamed.usage().outputTokens()).isPositive();
    }

    @Test
    void aBadKeyIsTheSdksAuthenticationError() {
        assertThatThrownBy(() -> sdk("gh_live_nope").messages().create(params("x")))
                .isInstanceOf(UnauthorizedException.class);
    }
}
