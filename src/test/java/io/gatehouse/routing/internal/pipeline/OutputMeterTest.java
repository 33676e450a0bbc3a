package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.provider.TokenEstimate;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The budget's meter of a stream's output (docs/gateway.md, "Budgets"). */
class OutputMeterTest {

    private static JsonObject chunk(String delta) {
        return Json.createReader(
                        new StringReader(
                                "{\"choices\":[{\"index\":0,\"delta\":"
                                        + delta
                                        + "},"
                                        + "{\"index\":1,\"delta\":{\"content\":\"abcd\"}}]}"))
                .readObject();
    }

    @Test
    void countsTextReasoningRefusalsAndToolCallsOfEveryChoice() {
        OutputMeter meter = new OutputMeter();
        meter.add(chunk("{\"content\":\"abcd\"}"));
        meter.add(chunk("{\"reasoning_content\":\"abcd\"}"));
        meter.add(chunk("{\"reasoning\":\"abcd\"}"));
        meter.add(chunk("{\"refusal\":\"abcd\"}"));
        meter.add(
                chunk(
                        "{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"abcd\","
                                + "\"arguments\":\"abcd\"}}]}"));
        // 6 fields of 4 ASCII characters in choice 0, 5 in choice 1: 44 characters
        assertThat(meter.tokens()).isEqualTo(11);
    }

    @Test
    void countsEveryNonAsciiCodePointAsAToken() {
        OutputMeter meter = new OutputMeter();
        meter.add("長い答え"); // 4 CJK characters
        meter.add("😀"); // one code point, two UTF-16 units
        meter.add("ab");
        meter.add("cd");
        assertThat(meter.tokens()).as("5 + ceil(4 / 4)").isEqualTo(6);
        assertThat(TokenEstimate.conservative("長い答えabcd😀")).isEqualTo(6);
        assertThat(TokenEstimate.conservative("abcde")).isEqualTo(2);
        assertThat(new OutputMeter().tokens()).isZero();
    }
}
