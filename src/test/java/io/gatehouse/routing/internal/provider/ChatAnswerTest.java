package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** A non-streaming answer parsed once: typed choices and usage, and the provider's own bytes. */
class ChatAnswerTest {
    static final String ANSWER =
            """
            {"id":"c1", "object":"chat.completion","created":1,"model":"m",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,
               "tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
               "finish_reason":"tool_calls"},
              {"index":1,"message":{"role":"assistant","content":"It is cold."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}""";

    static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    @Test
    void anAnswerIsReadIntoTypedChoicesToolCallsAndUsageKeepingItsBytes() {
        ChatAnswer a = ChatAnswer.of(json(ANSWER), ANSWER);
        assertThat(a.raw()).isSameAs(ANSWER);
        assertThat(a.usage()).isEqualTo(new ChatAnswer.Usage(12, 7));
        assertThat(a.choices()).hasSize(2);
        ChatAnswer.Choice first = a.choices().get(0);
        assertThat(first.finishReason()).isEqualTo("tool_calls");
        assertThat(first.message().toolCalls()).hasSize(1);
        assertThat(first.message().toolCalls().get(0).name()).isEqualTo("weather");
        assertThat(first.message().toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(a.choices().get(1).message().text()).isEqualTo("It is cold.");
        assertThat(a.choices().get(1).index()).isEqualTo(1);
    }

    @Test
    void anAnswerThatRepeatsAKeyIsNeverPassedOnAsBytes() {
        // the client's parser could read the other value than the one the stages checked
        String twice =
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"[EMAIL]\","
                        + "\"content\":\"ann@example.com\"}}]}";
        assertThat(ChatAnswer.of(json(twice), twice).raw()).isNull();
        assertThat(JsonKeys.forwardable(ANSWER)).isTrue();
    }

    @Test
    void textAfterAnAnswerOrEventIsMalformedAndNeverPassedOn() {
        // output policy would check the first object while the client got both
        String ok = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}";
        String pii =
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ann@example.com\"}}]}";
        for (String trailing : new String[] {pii, "]", "\"", "{\"a\"", " x"}) {
            assertThatThrownBy(() -> HttpTransport.parseObject(ok + trailing))
                    .as(trailing)
                    .isInstanceOfSatisfying(
                            ProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.MALFORMED));
            assertThat(JsonKeys.forwardable(ok + trailing)).as(trailing).isFalse();
            assertThat(ChatAnswer.of(json(ok), ok + trailing).raw()).as(trailing).isNull();
        }
        assertThat(JsonKeys.forwardable(ok + " \n")).isTrue();
        assertThat(JsonKeys.forwardable("{\"a\":[}")).as("unbalanced").isFalse();
        assertThat(JsonKeys.forwardable("{\"a\":\"x")).as("malformed: no exception").isFalse();
    }

    @Test
    void anAnswerWithoutUsageHasNone() {
        String s = "{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}";
        ChatAnswer a = ChatAnswer.of(json(s), s);
        assertThat(a.usage()).isNull();
        assertThat(a.choices().get(0).message().role()).isEqualTo("assistant");
        assertThat(a.choices().get(0).message().text()).isEqualTo("hi");
    }
}
