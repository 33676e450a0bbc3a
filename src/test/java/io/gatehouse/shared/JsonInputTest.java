package io.gatehouse.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class JsonInputTest {
    static JsonValue parse(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readValue();
        }
    }

    @Test
    void nestingIsLimited() {
        String ok = "[".repeat(JsonInput.MAX_DEPTH) + "]".repeat(JsonInput.MAX_DEPTH);
        assertThat(JsonInput.scan(ok)).isFalse();
        String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> JsonInput.scan(deep))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.code()).isEqualTo("json_too_deep"));
        // brackets inside strings are text
        String quoted = "{\"a\":\"" + "[".repeat(5000) + "\\\"[\"}";
        assertThat(JsonInput.scan(quoted)).isFalse();
    }

    @Test
    void onlyNulAndSurrogateEscapesOrUnpairedSurrogatesAreSuspect() {
        assertThat(JsonInput.scan("{\"a\":\"caf\u00e9 \ud83d\ude00 \\u00e9 \\n \\\\u0000\"}"))
                .isFalse();
        assertThat(JsonInput.scan("{\"a\":\"\\ud83d\\ude00\"}")).isFalse(); // an escaped pair
        assertThat(JsonInput.scan("{\"a\":\"\\u0000\"}")).isTrue();
        assertThat(JsonInput.scan("{\"a\":\"\\ud800x\"}")).isTrue();
        assertThat(JsonInput.scan("{\"a\":\"\\uDC00\"}")).isTrue();
        assertThat(JsonInput.scan("{\"a\":\"\ud800\"}")).isTrue();
        assertThat(JsonInput.scan("{\"\\u0000\":1}")).isTrue();
    }

    @Test
    void theRefusalNamesTheField() {
        assertThatThrownBy(
                        () ->
                                JsonInput.requireStorable(
                                        parse(
                                                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\u0000\"}]}")))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> {
                            assertThat(e.code()).isEqualTo("unsupported_character");
                            assertThat(e.param()).isEqualTo("messages[0].content");
                        });
        assertThatThrownBy(() -> JsonInput.requireStorable(parse("{\"model\":\"\\ud800\"}")))
                .isInstanceOfSatisfying(
                        ValidationException.class, e -> assertThat(e.param()).isEqualTo("model"));
        JsonInput.requireStorable(parse("{\"a\":[\"\\ud83d\\ude00\",{\"b\":\"\\\\u0000\"}]}"));
    }

    @Test
    void readWholeRefusesTextAfterTheValue() {
        assertThat(JsonInput.readObject(" {\"a\":1} \n").getInt("a")).isEqualTo(1);
        assertThat(JsonInput.readWhole("[1]")).isEqualTo(Json.createArrayBuilder().add(1).build());
        for (String trailing : new String[] {"{\"b\":2}", "]", "\"", "{\"a\"", "x", ","}) {
            assertThatThrownBy(() -> JsonInput.readObject("{\"a\":1}" + trailing))
                    .as(trailing)
                    .isInstanceOf(JsonInput.TrailingText.class);
        }
        for (String bad : new String[] {"", "  ", "{\"a\":", "]", "{nope"}) {
            assertThatThrownBy(() -> JsonInput.readWhole(bad))
                    .as(bad)
                    .isInstanceOf(jakarta.json.JsonException.class)
                    .isNotInstanceOf(JsonInput.TrailingText.class);
        }
        assertThatThrownBy(() -> JsonInput.readObject("[1]"))
                .isInstanceOf(jakarta.json.JsonException.class);
    }

    /** Stored arrays (a change's diff, a prompt's messages) are read back by the same reader. */
    @Test
    void readArrayReadsOneArrayAndNothingElse() {
        assertThat(JsonInput.readArray(" [1,{\"a\":2}] "))
                .isEqualTo(
                        Json.createArrayBuilder()
                                .add(1)
                                .add(Json.createObjectBuilder().add("a", 2))
                                .build());
        assertThat(JsonInput.readArray("[]")).isEmpty();
        assertThatThrownBy(() -> JsonInput.readArray("{\"a\":1}"))
                .isInstanceOf(jakarta.json.JsonException.class);
        assertThatThrownBy(() -> JsonInput.readArray("[1]]"))
                .isInstanceOf(JsonInput.TrailingText.class);
    }
}
