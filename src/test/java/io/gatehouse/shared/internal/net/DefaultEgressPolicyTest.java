package io.gatehouse.shared.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.net.EgressGuard;
import io.gatehouse.shared.net.EgressRule;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DefaultEgressPolicyTest {
    static final TenantId A = new TenantId(UUID.randomUUID());
    static final TenantId B = new TenantId(UUID.randomUUID());
    final List<String> lookups = new ArrayList<>();
    final EgressGuard.Resolver dns =
            host -> {
                lookups.add(host);
                return new InetAddress[] {
                    InetAddress.getByName(host.equals("gpu.internal") ? "10.9.9.9" : "127.0.0.1")
                };
            };

    DefaultEgressPolicy policy(String allow, String proxy, String bench) {
        Map<TenantId, List<EgressRule>> lists = Map.of(A, List.of(EgressRule.parse("10.9.0.0/16")));
        return new DefaultEgressPolicy(
                allow, proxy, bench, dns, t -> lists.getOrDefault(t, List.of()));
    }

    @Test
    void theBenchUpstreamGetsAnEntryForItsHostAndPortOnly() {
        DefaultEgressPolicy p = policy(null, null, "http://127.0.0.1:18080/v1");
        assertThat(p.refused(A, URI.create("http://127.0.0.1:18080/v1/chat/completions")))
                .isEmpty();
        assertThat(p.refused(B, URI.create("http://127.0.0.1:18080/v1/chat/completions")))
                .isEmpty();
        // no blanket loopback exemption: another port or loopback address stays refused
        assertThat(p.refused(A, URI.create("http://127.0.0.1:5432/"))).isPresent();
        assertThat(p.refused(A, URI.create("http://[::1]:18080/"))).isPresent();
        assertThat(policy(null, null, null).refused(A, URI.create("http://127.0.0.1:18080/v1")))
                .isPresent();
    }

    @Test
    void operatorEntriesApplyToEveryTenantAndTenantEntriesToTheirTenantOnly() {
        DefaultEgressPolicy p = policy("localhost, 192.168.7.0/24:8443, not a cidr/99", null, null);
        assertThat(p.operatorRules())
                .extracting(EgressRule::toString)
                .containsExactly(
                        "localhost", "192.168.7.0/24:8443"); // the bad entry allows nothing
        assertThat(p.refused(B, URI.create("http://localhost:1234/"))).isEmpty();
        assertThat(p.refused(B, URI.create("https://192.168.7.10:8443/"))).isEmpty();
        assertThat(p.refused(B, URI.create("https://192.168.7.10:8444/"))).isPresent();
        assertThat(p.refused(A, URI.create("http://gpu.internal/v1"))).isEmpty();
        assertThat(p.refused(B, URI.create("http://gpu.internal/v1"))).isPresent();
    }

    @Test
    void withAProxyNamesAreCheckedButNeverResolved() {
        DefaultEgressPolicy p = policy(null, "http://proxy.corp:3128", null);
        assertThat(p.proxy())
                .get()
                .satisfies(
                        a -> {
                            assertThat(a.getHostString()).isEqualTo("proxy.corp");
                            assertThat(a.getPort()).isEqualTo(3128);
                        });
        assertThat(p.refused(B, URI.create("http://gpu.internal/v1"))).isEmpty();
        assertThat(p.refused(B, URI.create("http://localhost/v1"))).isPresent();
        assertThat(p.refused(B, URI.create("http://10.9.9.9/v1"))).isPresent();
        assertThat(p.refused(A, URI.create("http://10.9.9.9/v1"))).isEmpty();
        assertThat(lookups).isEmpty();
    }

    @Test
    void withoutAProxyNamesAreResolved() {
        assertThat(policy(null, null, null).refused(B, URI.create("http://gpu.internal/v1")))
                .isPresent();
        assertThat(lookups).containsExactly("gpu.internal");
    }

    @Test
    void aBadProxySettingRefusesEverythingRatherThanGoingAroundIt() {
        DefaultEgressPolicy p = policy(null, "socks5://proxy:1080", null);
        assertThat(p.proxy()).isEmpty();
        assertThat(p.refused(B, URI.create("https://api.openai.com/v1"))).isPresent();
    }
}
