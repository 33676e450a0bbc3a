package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {
    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.1.2.3, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "127.0.0.1/32, 127.0.0.1, true",
        "127.0.0.1, 127.0.0.2, false",
        "192.168.1.0/24, ::ffff:192.168.1.7, true",
        "2001:db8::/32, 2001:db8:1::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "0.0.0.0/0, 8.8.8.8, true",
        "10.0.0.0/8, not-an-ip, false",
        "10.0.0.0/8, 2001:db8::1, false"
    })
    void matches(String cidr, String ip, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(ip)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/33", "example.com/8", "10.0.0.0/x", "::1/129"})
    void rejectsNonsense(String cidr) {
        assertThatThrownBy(() -> Cidr.parse(cidr)).isInstanceOf(IllegalArgumentException.class);
    }
}
