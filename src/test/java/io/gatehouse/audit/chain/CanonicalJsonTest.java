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
    assertThat(CanonicalJson.write(m)).isEqualTo("{\"\\r\":3,\"1\":4,\"\u20ac\":2,\"\uD83D\uDE00\":1}");
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
}
