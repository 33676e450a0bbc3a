package io.gatehouse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8785's own test vectors, and what the audit chain needs from JCS beyond them. */
class JcsTest {

    /** RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript serialization. */
    @ParameterizedTest(name = "0x{0} -> {1}")
    @CsvSource({
        "0000000000000000, 0",
        "8000000000000000, 0",
        "0000000000000001, 5e-324",
        "8000000000000001, -5e-324",
        "7fefffffffffffff, 1.7976931348623157e+308",
        "ffefffffffffffff, -1.7976931348623157e+308",
        "4340000000000000, 9007199254740992",
        "c340000000000000, -9007199254740992",
        "4430000000000000, 295147905179352830000",
        "44b52d02c7e14af5, 9.999999999999997e+22",
        "44b52d02c7e14af6, 1e+23",
        "44b52d02c7e14af7, 1.0000000000000001e+23",
        "444b1ae4d6e2ef4e, 999999999999999700000",
        "444b1ae4d6e2ef4f, 999999999999999900000",
        "444b1ae4d6e2ef50, 1e+21",
        "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
        "3eb0c6f7a0b5ed8d, 0.000001",
        "41b3de4355555553, 333333333.3333332",
        "41b3de4355555554, 333333333.33333325",
        "41b3de4355555555, 333333333.3333333",
        "41b3de4355555556, 333333333.3333334",
        "41b3de4355555557, 333333333.33333343",
        "becbf647612f3696, -0.0000033333333333333333",
        "43143ff3c1cb0959, 1424953923781206.2"
    })
    void appendixBNumbers(String bits, String expected) {
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertThat(Jcs.number(d)).isEqualTo(expected);
        assertThat(Jcs.write(d)).isEqualTo(expected);
    }

    @Test
    void appendixBNanAndInfinityHaveNoForm() {
        for (String bits : List.of("7fffffffffffffff", "7ff0000000000000", "fff0000000000000")) {
            double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
            assertThatThrownBy(() -> Jcs.number(d))
                    .as(bits)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** RFC 8785 3.2.2: the sample input, parsed, and its canonical output, text and UTF-8 bytes. */
    @Test
    void section322Sample() {
        String input =
                "{\n"
                        + "  \"numbers\": [333333333.33333329, 1E30, 4.50,\n"
                        + "              2e-3, 0.000000000000000000000000001],\n"
                        + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                        + "  \"literals\": [null, true, false]\n"
                        + "}";
        String expected =
                "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                        + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        String canonical = Jcs.write(JsonReader.parse(input));
        assertThat(canonical).isEqualTo(expected);
        // 3.2.4: the UTF-8 bytes of that output, as the RFC lists them
        String rfcHex =
                "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72"
                        + " 75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a"
                        + " 5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31"
                        + " 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37"
                        + " 5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30"
                        + " 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d";
        assertThat(canonical.getBytes(StandardCharsets.UTF_8))
                .containsExactly(HexFormat.of().parseHex(rfcHex.replace(" ", "")));
    }

    /**
     * RFC 8785 3.2.3: members sorted by UTF-16 code units (the emoji's surrogates sort below
     * U+FB33).
     */
    @Test
    void section323Sorting() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\u20ac", "Euro Sign");
        m.put("\r", "Carriage Return");
        m.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
        m.put("1", "One");
        m.put("\ud83d\ude00", "Emoji: Grinning Face");
        m.put("\u0080", "Control");
        m.put("\u00f6", "Latin Small Letter O With Diaeresis");
        assertThat(Jcs.write(m))
                .isEqualTo(
                        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void stringsEscapeExactlyWhatJsonStringifyEscapes() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append("\"\\/\u007f\u2028\ud83d\ude00");
        assertThat(Jcs.write(all.toString()))
                .isEqualTo(
                        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
                                + "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
                                + "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\\"\\\\/\u007f\u2028\ud83d\ude00\"");
    }

    @Test
    void unpairedSurrogatesHaveNoForm() {
        for (String bad : List.of("\ud800", "a\udc00b", "\ude00\ud83d", "x\ud83d")) {
            assertThatThrownBy(() -> Jcs.write(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Jcs.write(Map.of(bad, 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Jcs.write("ok \ud83d\ude00")).isEqualTo("\"ok \ud83d\ude00\"");
    }

    @Test
    void numbersOfEveryJavaTypeAreDoubles() {
        assertThat(
                        Jcs.write(
                                List.of(
                                        1,
                                        2L,
                                        (short) 3,
                                        4.0,
                                        4.5f,
                                        new BigDecimal("4.50"),
                                        BigInteger.TEN)))
                .isEqualTo("[1,2,3,4,4.5,4.5,10]");
        assertThat(Jcs.write(new BigDecimal("1E30"))).isEqualTo("1e+30");
        assertThat(Jcs.write(new BigDecimal("0.0000001"))).isEqualTo("1e-7");
        assertThat(Jcs.write(-0.0)).isEqualTo("0");
        // beyond 2^53 a JCS reader sees a double: 2^53 + 1 reads as 2^53
        assertThat(Jcs.write(9007199254740993L)).isEqualTo("9007199254740992");
    }

    @Test
    void storableTextKeepsNumbersADoubleCannotHoldAsStrings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exact", 9007199254740992L);
        m.put("beyond", 9007199254740993L);
        m.put("long decimal", new BigDecimal("0.10000000000000000001"));
        m.put("short decimal", new BigDecimal("2.50"));
        m.put("huge", new BigDecimal("1E400"));
        m.put("nan", Double.NaN);
        assertThat(Jcs.writeStorable(m))
                .isEqualTo(
                        "{\"beyond\":\"9007199254740993\",\"exact\":9007199254740992,\"huge\":\"1"
                                + "0".repeat(400)
                                + "\",\"long decimal\":\"0.10000000000000000001\",\"nan\":\"NaN\",\"short decimal\":2.5}");
        assertThatThrownBy(() -> Jcs.write(new BigDecimal("1E400")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storableTextReadBackIsCanonicalAgain() {
        // The appender embeds stored details as Raw text in the hashed form; verification reads
        // them
        // back from jsonb and writes them again: the two must be the same text.
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("z", List.of(1L, new BigDecimal("2.50"), "x\u00e9\"q\"\\", true, 1e21, 1e-7));
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
        details.put("emoji \ud83d\ude00", BigInteger.TEN.pow(30));
        String stored = Jcs.writeStorable(details);
        assertThat(Jcs.write(JsonReader.parse(stored))).isEqualTo(stored);
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("details", new CanonicalJson.Raw(stored));
        assertThat(Jcs.write(wrapped))
                .isEqualTo(Jcs.write(Map.of("details", JsonReader.parse(stored))));
    }
}
