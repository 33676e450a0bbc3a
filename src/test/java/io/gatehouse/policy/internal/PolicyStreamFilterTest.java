package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyStreamFilterTest {
    static StreamFilter filter() {
        CompiledPolicy demo =
                CompiledPolicy.compile("demo", "demo@v1", false, DemoPolicySeed.demoPolicy());
        PolicyStage stage = new PolicyStage(t -> List.of(demo), PolicyFixturesTest.CLOCK);
        GatewayExchange ex = hello();
        stage.beforeRouting(ex);
        return stage.streamFilter(ex);
    }

    /** A one-message chat exchange of the fixtures' tenant on the sandbox route. */
    static GatewayExchange hello() {
        return new GatewayExchange(
                PolicyFixtures.TENANT,
                "k",
                "r",
                "chat",
                "sandbox",
                null,
                List.of(new ChatMessage("user", "hi", false)),
                Map.of());
    }

    @Test
    void everySplitPointOfAnEntityIsCaught() {
        String answer =
                "Write to ann.smith@example.com or pay with 4111 1111 1111 1111 today, thanks.";
        String expected = "Write to [EMAIL] or pay with [CARD] today, thanks.";
        for (int cut = 1; cut < answer.length(); cut++) {
            StreamFilter f = filter();
            String out =
                    f.onChunk(answer.substring(0, cut))
                            + f.onChunk(answer.substring(cut))
                            + f.onEnd();
            assertThat(out).as("split at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void longAnswersAreReleasedAsTheyComeNotAtTheEnd() {
        StreamFilter f = filter();
        StringBuilder released = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            released.append(f.onChunk("word" + i + " "));
        }
        assertThat(released.length()).isGreaterThan(100);
        released.append(f.onEnd());
        assertThat(released.toString()).startsWith("word0 word1 ").endsWith("word49 ");
    }

    @Test
    void characterByCharacterStreaming() {
        String answer = "Contact bob@example.org now";
        StreamFilter f = filter();
        StringBuilder out = new StringBuilder();
        for (char c : answer.toCharArray()) {
            out.append(f.onChunk(String.valueOf(c)));
        }
        out.append(f.onEnd());
        assertThat(out.toString()).isEqualTo("Contact [EMAIL] now");
    }
}
