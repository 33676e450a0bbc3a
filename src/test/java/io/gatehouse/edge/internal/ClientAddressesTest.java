package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private static final List<Cidr> PROXIES = ClientAddresses.parse("10.0.0.0/8, 192.168.1.5");

    private static String resolve(String peer, String... forwardedFor) {
        return ClientAddresses.resolve(peer, List.of(forwardedFor), PROXIES);
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertThat(resolve("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
        assertThat(resolve("203.0.113.9")).isEqualTo("203.0.113.9");
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedHopIsTheClient() {
        assertThat(resolve("10.1.2.3", "198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(resolve("10.1.2.3", "6.6.6.6", "198.51.100.1", "192.168.1.5"))
                .isEqualTo("198.51.100.1");
        assertThat(resolve("10.1.2.3", "10.9.9.9"))
                .as("only proxies: the farthest")
                .isEqualTo("10.9.9.9");
        assertThat(resolve("10.1.2.3")).as("no header").isEqualTo("10.1.2.3");
    }

    @Test
    void garbageIsNeverBelievedOrLookedUp() {
        assertThat(resolve("10.1.2.3", "evil.example.com")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "198.51.100.1", "unknown")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "1.2")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "[2001:db8::1]")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(resolve("10.1.2.3", "::ffff:198.51.100.1")).isEqualTo("198.51.100.1");
    }

    @Test
    void aBadProxyListFailsInsteadOfTrustingNothing() {
        assertThatThrownBy(() -> ClientAddresses.parse("10.0.0.0/8, proxy.internal"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ClientAddresses.parse(" ")).isEmpty();
    }

    @Test
    void ipv6ClientsAreLockedOutPerSlash64() {
        assertThat(ClientAddresses.lockoutKey("2001:db8:1:2:aaaa::1"))
                .isEqualTo(ClientAddresses.lockoutKey("2001:db8:1:2:bbbb::9"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(ClientAddresses.lockoutKey("198.51.100.7")).isEqualTo("198.51.100.7");
    }

    @Test
    void aUsernamesAttemptsBeyondFiveOnlySlowItDown() {
        assertThat(LoginAttempts.slowdown(5)).isZero();
        assertThat(LoginAttempts.slowdown(6)).isEqualTo(Duration.ofMillis(250));
        assertThat(LoginAttempts.slowdown(7)).isEqualTo(Duration.ofMillis(500));
        assertThat(LoginAttempts.slowdown(1_000)).isEqualTo(LoginAttempts.MAX_SLOWDOWN);
    }

    @Test
    void externalGroupsBecomeRolesOnlyThroughTheRoleMap() {
        Map<String, String> map = Map.of("acme-admins", "admin", "typo", "no-such-role");
        assertThat(
                        TokenService.mappedRoles(
                                List.of("admin", "platform-admin", "auditor", "typo"), map))
                .isEmpty();
        assertThat(TokenService.mappedRoles(List.of("acme-admins"), map))
                .containsExactly(io.gatehouse.shared.Role.ADMIN);
    }
}
