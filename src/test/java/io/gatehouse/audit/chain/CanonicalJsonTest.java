package io.gatehouse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    @Test
    void sortsMembersAndDropsWhitespace() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", List.of(true, false));
        m.put("c", null);
        assertThat(CanonicalJson.write(m)).isEqualTo("{\"a\":[true,false],\"b\":1,\"c\":null}");
    }

    @Test
    void sortsByUtf16CodeUnitsAsRfc8785() {
        // RFC 8785 3.2.3: "\u20ac" (euro) sorts after "\r" and before the emoji's surrogate pair.
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\uD83D\uDE00", 1);
        m.put("\u20ac", 2);
        m.put("\r", 3);
        m.put("1", 4);
        assertThat(CanonicalJson.write(m))
                .isEqualTo("{\"\\r\":3,\"1\":4,\"\u20ac\":2,\"\uD83D\uDE00\":1}");
    }

    @Test
    void escapesOnlyWhatMustBeEscaped() {
        assertThat(CanonicalJson.write("a\"b\\c\n\u0001/é"))
                .isEqualTo("\"a\\\"b\\\\c\\n\\u0001/é\"");
    }

    @Test
    void numbersAreExactDecimalsWithoutTrailingZeros() {
        assertThat(CanonicalJson.write(new BigDecimal("1.50"))).isEqualTo("1.5");
        assertThat(CanonicalJson.write(new BigDecimal("100"))).isEqualTo("100");
        assertThat(CanonicalJson.write(new BigDecimal("1E+2"))).isEqualTo("100");
        assertThat(CanonicalJson.write(-0.0)).isEqualTo("0");
        assertThat(CanonicalJson.write(9007199254740991L)).isEqualTo("9007199254740991");
        assertThatThrownBy(() -> CanonicalJson.write(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readerRoundTripsToTheSameCanonicalForm() {
        String text = "{ \"z\": [1, 2.50, \"x\\u00e9\"], \"a\": {\"k\": null, \"b\": true} }";
        Object parsed = JsonReader.parse(text);
        assertThat(CanonicalJson.write(parsed))
                .isEqualTo("{\"a\":{\"b\":true,\"k\":null},\"z\":[1,2.5,\"xé\"]}");
    }

    @Test
    void readerRejectsMalformedInput() {
        for (String bad : List.of("{", "{\"a\" 1}", "[1,]", "tru", "\"\u0001\"", "{} x", "01a")) {
            assertThatThrownBy(() -> JsonReader.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void canonicalTextEmbeddedRawEqualsItsParsedAndRewrittenForm() {
        // The chain appender embeds an event's canonical details as Raw instead of parsing them
        // again:
        // that is only sound if canonicalization is idempotent, for every kind of value details
        // carry.
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("z", java.util.List.of(1L, new BigDecimal("2.50"), "x\u00e9\"q\"\\", true));
        details.put(
                "a",
                Map.of(
                        "k",
                        "\u0001\t\n",
                        "big",
                        9007199254740993L,
                        "tiny",
                        new BigDecimal("1E-7")));
        details.put("\u20ac", new BigDecimal("-0.000"));
        details.put("emoji \ud83d\ude00", java.math.BigInteger.TEN.pow(30));
        details.put("empty", Map.of());
        String canonical = CanonicalJson.write(details);
        for (String text : java.util.List.of(canonical, "{}", "[]", "\"plain\"", "12")) {
            Map<String, Object> wrapped = new LinkedHashMap<>();
            wrapped.put("before", 1L);
            wrapped.put("details", new CanonicalJson.Raw(text));
            Map<String, Object> reparsed = new LinkedHashMap<>();
            reparsed.put("before", 1L);
            reparsed.put("details", JsonReader.parse(text));
            assertThat(CanonicalJson.write(wrapped)).isEqualTo(CanonicalJson.write(reparsed));
        }
    }
}
