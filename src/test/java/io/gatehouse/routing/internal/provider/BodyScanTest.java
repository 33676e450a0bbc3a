package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.error.ValidationException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The request path's one pass over a client body ({@link BodyScan}): the nesting limit and the
 * storability hint exactly as {@link JsonInput#scan}, and the client's bytes exactly as the
 * forwarding needs them (round trip, repeated keys at any depth, the allow-list's field names).
 */
class BodyScanTest {
    static final String EVERY_FIELD = OpenAiChatTest.EVERY_FIELD;

    @Test
    void everySupportedFieldIsForwardedUnchangedWhenNoStageActs() {
        BodyScan.Result r = BodyScan.scan(EVERY_FIELD);
        assertThat(r.bytes()).isNotNull();
        assertThat(r.mayHoldUnstorable()).isFalse();
        ClientBytes b = r.bytes();
        assertThat(b.text()).isSameAs(EVERY_FIELD);
        assertThat(EVERY_FIELD.substring(b.modelStart(), b.modelEnd())).isEqualTo("\"alias\"");
        assertThat(b.fields())
                .containsExactlyInAnyOrder(
                        "model",
                        "messages",
                        "temperature",
                        "top_p",
                        "n",
                        "stop",
                        "max_tokens",
                        "max_completion_tokens",
                        "presence_penalty",
                        "frequency_penalty",
                        "logit_bias",
                        "logprobs",
                        "top_logprobs",
                        "user",
                        "seed",
                        "tools",
                        "tool_choice",
                        "parallel_tool_calls",
                        "response_format",
                        "reasoning_effort",
                        "stream");
        assertThat(b.messageFields())
                .containsExactlyInAnyOrder(
                        "role", "content", "name", "refusal", "tool_calls", "tool_call_id");
        assertThat(b.nullField()).isFalse();
        assertThat(b.with("\"x\"", null))
                .isEqualTo(EVERY_FIELD.replace("\"model\" : \"alias\"", "\"model\" : \"x\""));
        assertThat(
                        OpenAiChat.wire(OpenAiChat.parse(OpenAiChatTest.json(EVERY_FIELD)), b, "x")
                                .forwarded())
                .isTrue();
    }

    @Test
    void aRepeatedKeyAnywhereIsNeverForwarded() {
        for (String body :
                new String[] {
                    "{\"model\":\"a\",\"model\":\"b\"}",
                    "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"role\":\"system\"}]}",
                    "{\"model\":\"a\",\"x\":{\"y\":[{\"z\":1,\"z\":2}]}}",
                    "{\"model\":\"a\",\"mod\\u0065l\":\"b\"}",
                    "{\"model\":\"a\",\"\\u00e9\":1,\"é\":2}",
                    "{\"model\":\"a\",\"\uD83D\uDE00\":1,\"\\uD83D\\uDE00\":2}",
                    "{\"model\":\"a\",\"t\":{" + manyKeys(40) + ",\"k7\":0}}",
                    "{\"model\":\"a\",\"t\":{" + manyKeys(40) + ",\"k3\\u0039\":0}}"
                }) {
            assertThat(BodyScan.scan(body).bytes()).as(body).isNull();
        }
        assertThat(BodyScan.scan("{\"model\":\"a\",\"t\":{" + manyKeys(40) + "}}").bytes())
                .as("forty different keys")
                .isNotNull();
        assertThat(BodyScan.scan("{\"model\":\"a\",\"a\":{\"k\":1},\"b\":{\"k\":1}}").bytes())
                .as("the same key in sibling objects")
                .isNotNull();
    }

    @Test
    void unknownFieldsAreNamedForTheAllowList() {
        ClientBytes b =
                BodyScan.scan(
                                "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"x\","
                                        + "\"weird\":1}],\"extra_thing\":{\"role\":1},\"st\\u0061ck\":null}")
                        .bytes();
        assertThat(b.fields()).isEqualTo(Set.of("model", "messages", "extra_thing", "stack"));
        assertThat(b.messageFields()).isEqualTo(Set.of("role", "content", "weird"));
        assertThat(b.nullField()).isTrue();
        assertThat(
                        OpenAiChat.wire(
                                        OpenAiChat.parse(
                                                OpenAiChatTest.json(
                                                        "{\"model\":\"a\",\"messages\":[{\"role\":\"user\","
                                                                + "\"content\":\"x\"}],\"extra_thing\":1}")),
                                        b,
                                        "m")
                                .forwarded())
                .as("a field off the allow-list is rendered, not forwarded")
                .isFalse();
    }

    @Test
    void depthIsRefusedExactlyAsJsonInputRefusesIt() {
        String ok = "[".repeat(JsonInput.MAX_DEPTH) + "]".repeat(JsonInput.MAX_DEPTH);
        assertThat(BodyScan.scan(ok).bytes()).isNull(); // not an object
        String deep = "{\"model\":\"a\",\"x\":" + "[".repeat(JsonInput.MAX_DEPTH) + "]}";
        assertThatThrownBy(() -> JsonInput.scan(deep)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> BodyScan.scan(deep))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("deeper than " + JsonInput.MAX_DEPTH);
        // brackets in strings do not count; after the object they still do (as JsonInput.scan)
        String quoted = "{\"model\":\"" + "[".repeat(500) + "\"}";
        assertThat(BodyScan.scan(quoted).bytes()).isNotNull();
        String after = "{\"model\":\"a\"}" + "[".repeat(JsonInput.MAX_DEPTH + 1);
        assertThatThrownBy(() -> BodyScan.scan(after)).isInstanceOf(ValidationException.class);
    }

    @Test
    void theStorabilityHintIsJsonInputsOwn() {
        for (String body :
                new String[] {
                    "{\"model\":\"a\",\"c\":\"\\u0000\"}",
                    "{\"model\":\"a\",\"c\":\"\\uD800x\"}",
                    "{\"model\":\"a\",\"c\":\"\\uDC00\"}",
                    "{\"model\":\"a\",\"c\":\"\uD800x\"}",
                    "{\"model\":\"a\",\"c\":\"\\uD83D\\uDE00\"}",
                    "{\"model\":\"a\",\"c\":\"\uD83D\uDE00\"}",
                    "{\"model\":\"a\",\"c\":\"\\u00e9\\n\\\"\"}",
                    "{\"model\":\"a\",\"c\":\"\\u12\"}",
                    "{\"model\":\"a\",\"c\":\"x"
                }) {
            assertThat(BodyScan.scan(body).mayHoldUnstorable())
                    .as(body)
                    .isEqualTo(JsonInput.scan(body));
        }
    }

    @Test
    void malformedOrTrailingTextIsNeverForwarded() {
        String body = "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"ok\"}]}";
        for (String bad :
                new String[] {
                    body + "{\"model\":\"b\"}",
                    body + "]",
                    body + "\"",
                    body + " x",
                    "{\"model\":\"a\"",
                    "{\"model\":\"a\",\"k\\u12\":1}",
                    "{\"model\":\"a\",\"x\":[}",
                    "{\"model\":1}",
                    "{\"messages\":[]}"
                }) {
            assertThat(BodyScan.scan(bad).bytes()).as(bad).isNull();
        }
        assertThat(BodyScan.scan(" \n" + body + " \n\t").bytes()).isNotNull();
    }

    private static String manyKeys(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        return sb.toString();
    }
}
