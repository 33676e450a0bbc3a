package io.gatehouse.routing.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PricesTest {
    @ParameterizedTest(name = "{0} in at {2}, {1} out at {3} -> {4} micros")
    @CsvSource({
        // input tokens, output tokens, input price micros/M, output price micros/M, expected micros
        "0, 0, 2500000, 10000000, 0",
        "1000000, 0, 2500000, 10000000, 2500000",
        "0, 1000000, 2500000, 10000000, 10000000",
        "1000, 500, 2500000, 10000000, 7500", // 1000*2.5 + 500*10 = 7500 micros = $0.0075
        "1, 0, 2500000, 0, 3", // 2.5 micros rounds half up to 3
        "1, 0, 2400000, 0, 2",
        "3, 7, 150000, 600000, 5", // 0.45 + 4.2 = 4.65 -> 5
        "123456789, 987654321, 15000000, 75000000, 75925925910", // 123456789*15 + 987654321*75
        "9000000000000, 9000000000000, 1000000000, 1000000000, 18000000000000000" // no overflow
    })
    void costIsExact(long in, long out, long inPrice, long outPrice, long expected) {
        assertThat(Prices.costMicros(inPrice, outPrice, in, out)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "2.50, 2500000",
        "0, 0",
        "0.000001, 1",
        "15, 15000000",
        "0.15, 150000",
        "1000.5, 1000500000"
    })
    void parsesPricesPerMillionExactly(String text, long micros) {
        assertThat(Prices.parsePerMillion(text)).isEqualTo(micros);
    }

    @ParameterizedTest
    @CsvSource({"-1", "0.0000001", "abc"})
    void refusesBadPrices(String text) {
        assertThatThrownBy(() -> Prices.parsePerMillion(text)).isInstanceOf(RuntimeException.class);
    }

    @ParameterizedTest
    @CsvSource({"0, 0.000000", "1234567, 1.234567", "7500, 0.007500"})
    void formats(long micros, String text) {
        assertThat(Prices.format(micros)).isEqualTo(text);
    }
}
