package io.gatehouse.shared.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EgressRuleTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "10.1.2.3/8 | 10.0.0.0/8",
                "10.1.2.3 | 10.1.2.3",
                "10.1.2.3/32 | 10.1.2.3",
                "[::1]:8080 | [0:0:0:0:0:0:0:1]:8080",
                "fd00::/8 | fd00:0:0:0:0:0:0:0/8",
                "[fd00::/8]:443 | [fd00:0:0:0:0:0:0:0/8]:443",
                "10.0.0.0/8:443 | 10.0.0.0/8:443",
                "Models.Corp.Example. | models.corp.example",
                "models.corp.example:8000 | models.corp.example:8000",
                "*.corp.example | *.corp.example",
                "localhost | localhost"
            })
    void parsesAndCanonicalizes(String text, String canonical) {
        assertThat(EgressRule.parse(text).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.0/33", "10.0.0.0/x", "0.0.0.0/0", "10.0.0.0/7", "::/0", "256.1.1.1",
                        "1.2.3",
                "01.2.3.4", "not a host!", "*", "*.com", "a..b", "-x.example", "10.0.0.0/8:0",
                "10.0.0.0/8:70000", "host:port", "[::1", "example.123", ""
            })
    void refusesWhatIsNotANetworkOrAName(String text) {
        assertThatThrownBy(() -> EgressRule.parse(text))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void portsAreOneTo65535() {
        assertThatThrownBy(() -> EgressRule.of("10.0.0.1", 0)).hasMessageContaining("port");
        assertThat(EgressRule.of("10.0.0.1", 65535).port()).isEqualTo(65535);
    }
}
