package io.gatehouse.shared.internal.web;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.ValidationException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The check every management API body passes before a reader (JSON-B, JSON-P) sees it. */
class JsonBodyCheckTest {
    static void check(String s) {
        JsonBodyCheck.check(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textAfterTheValueIsInvalidJson() {
        for (String tail : new String[] {"{\"b\":2}", "]", "\"", "{\"a\"", "x", ","}) {
            assertThatThrownBy(() -> check("{\"a\":1}" + tail))
                    .as(tail)
                    .isInstanceOfSatisfying(
                            ValidationException.class,
                            e ->
                                    org.assertj.core.api.Assertions.assertThat(e.code())
                                            .isEqualTo("invalid_json"));
        }
    }

    @Test
    void oneValueWithWhitespaceOrMalformedJsonIsLeftToTheEndpoint() {
        assertThatCode(() -> check("{\"a\":1} \n")).doesNotThrowAnyException();
        assertThatCode(() -> check("[1,2]")).doesNotThrowAnyException();
        // the endpoint's own reader answers malformed JSON as before
        assertThatCode(() -> check("{nope")).doesNotThrowAnyException();
        assertThatCode(() -> check("")).doesNotThrowAnyException();
    }
}
