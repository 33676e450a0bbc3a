package io.gatehouse.shared.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EgressGuardTest {
    /** A resolver with fixed answers that records what it was asked. */
    static final class FakeDns implements EgressGuard.Resolver {
        final Map<String, String> answers;
        final List<String> asked = new ArrayList<>();

        FakeDns(Map<String, String> answers) {
            this.answers = answers;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            asked.add(host);
            String a = answers.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(a)};
        }
    }

    static final FakeDns DNS =
            new FakeDns(
                    Map.of(
                            "api.openai.com", "104.18.7.192",
                            "rebind.example", "127.0.0.1",
                            "models.corp.example", "10.20.0.5",
                            "gpu.models.corp.example", "10.20.0.6",
                            "meta.example", "169.254.169.254"));

    static java.util.Optional<String> refused(String url, String... entries) {
        return EgressGuard.refused(URI.create(url), rules(entries), DNS);
    }

    static List<EgressRule> rules(String... entries) {
        return java.util.Arrays.stream(entries).map(EgressRule::parse).toList();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest/meta-data",
                "http://[fd00:ec2::254]/",
                "http://[fe80::1]/hook",
                "http://169.254.10.10/v1",
                "http://metadata.google.internal./computeMetadata/v1",
                "http://0.0.0.0:8080/hook",
                "http://[::]/hook",
                "http://127.0.0.1:8000/hook",
                "http://127.1.2.3/hook",
                "http://[::1]:8000/hook",
                "http://[::ffff:127.0.0.1]/hook",
                "http://[::127.0.0.1]/hook",
                "http://[64:ff9b::a00:1]/hook",
                "http://[2002:c0a8:101::1]/hook",
                "http://10.1.2.3/hook",
                "http://172.16.0.1/hook",
                "https://192.168.1.20/hook",
                "http://100.64.0.1/hook",
                "http://[fd12:3456::1]/hook",
                "http://localhost:8080/hook",
                "http://api.localhost/hook",
                "http://rebind.example/hook",
                "http://meta.example/hook",
                "http://2130706433/hook",
                "http://0177.0.0.1/hook",
                "http://0x7f.1/hook",
                "http://127.1/hook",
                "ftp://example.com/",
                "http://user:pw@example.com/hook"
            })
    void refusesPrivateLoopbackLinkLocalMetadataUnspecifiedAndOddUrls(String url) {
        assertThat(refused(url)).as(url).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://api.openai.com/v1",
                "http://8.8.8.8/hook",
                "https://[2606:4700::1111]/"
            })
    void allowsPublicDestinations(String url) {
        assertThat(refused(url)).isEmpty();
    }

    @Test
    void anAddressEntryAllowsItsNetworkOnItsPortOnly() {
        assertThat(refused("http://10.1.2.3/v1", "10.0.0.0/8")).isEmpty();
        assertThat(refused("http://11.1.2.3/v1", "10.0.0.0/8")).isEmpty(); // public anyway
        assertThat(refused("http://192.168.1.1/v1", "10.0.0.0/8")).isPresent();
        assertThat(refused("http://127.0.0.1:8000/v1", "127.0.0.1:8000")).isEmpty();
        assertThat(refused("http://127.0.0.1:8001/v1", "127.0.0.1:8000")).isPresent();
        assertThat(refused("http://127.0.0.1/v1", "127.0.0.1:80")).isEmpty(); // the scheme's port
        assertThat(refused("https://127.0.0.1/v1", "127.0.0.1:80")).isPresent();
        assertThat(refused("http://[::1]:8000/v1", "[::1]:8000")).isEmpty();
        assertThat(refused("http://[fe80::1]/v1", "fe80::/10")).isEmpty();
        assertThat(refused("http://169.254.10.10/v1", "169.254.0.0/16")).isEmpty();
        // a name resolving into an allowed network passes; the same name elsewhere does not
        assertThat(refused("http://models.corp.example/v1", "10.20.0.0/16")).isEmpty();
        assertThat(refused("http://models.corp.example/v1", "10.30.0.0/16")).isPresent();
    }

    @Test
    void aNameEntryAllowsTheNameWhateverItResolvesToButNotItsAddress() {
        assertThat(refused("http://models.corp.example:8000/v1", "models.corp.example")).isEmpty();
        assertThat(refused("http://gpu.models.corp.example/v1", "*.corp.example")).isEmpty();
        assertThat(refused("http://gpu.models.corp.example/v1", "models.corp.example")).isPresent();
        assertThat(refused("http://10.20.0.5/v1", "models.corp.example")).isPresent();
        assertThat(refused("http://localhost:9000/v1", "localhost")).isEmpty();
        assertThat(refused("http://127.0.0.1:9000/v1", "localhost")).isPresent();
        assertThat(refused("http://localhost:9000/v1", "localhost:9001")).isPresent();
    }

    @Test
    void metadataAndTheUnspecifiedAddressStayRefusedWhateverTheListSays() {
        assertThat(refused("http://169.254.169.254/", "169.254.0.0/16")).isPresent();
        assertThat(refused("http://meta.example/", "meta.example", "169.254.0.0/16")).isPresent();
        assertThat(refused("http://0.0.0.0/", "0.0.0.0/8")).isPresent();
        assertThat(refused("http://metadata.google.internal/", "metadata.google.internal"))
                .isPresent();
    }

    @Test
    void behindAProxyNamesAreJudgedByNameAndNeverResolved() {
        FakeDns dns = new FakeDns(Map.of("rebind.example", "127.0.0.1"));
        // no resolver: the proxy resolves and enforces its own rules
        assertThat(EgressGuard.refused(URI.create("http://rebind.example/v1"), List.of(), null))
                .isEmpty();
        assertThat(EgressGuard.refused(URI.create("http://internal.corp/v1"), List.of(), null))
                .isEmpty();
        // still refused by name or literal address
        for (String url :
                List.of(
                        "http://localhost/v1",
                        "http://127.0.0.1/v1",
                        "http://10.0.0.1/v1",
                        "http://[::1]/v1",
                        "http://metadata.google.internal/",
                        "http://169.254.169.254/",
                        "http://2130706433/")) {
            assertThat(EgressGuard.refused(URI.create(url), List.of(), null)).as(url).isPresent();
        }
        // a literal on the list still passes
        assertThat(EgressGuard.refused(URI.create("http://10.0.0.1/v1"), rules("10.0.0.0/8"), null))
                .isEmpty();
        assertThat(dns.asked).isEmpty();
    }

    @Test
    void aHostThatDoesNotResolveIsLeftToTheCallsOwnConnectError() {
        assertThat(refused("http://no-such-host.invalid/hook")).isEmpty();
    }

    @Test
    void theUrlAloneIsJudgedWithoutResolving() {
        assertThat(EgressGuard.refusedUrl(URI.create("http://169.254.169.254/"))).isPresent();
        assertThat(EgressGuard.refusedUrl(URI.create("http://0.0.0.0/"))).isPresent();
        assertThat(EgressGuard.refusedUrl(URI.create("http://10.0.0.1/"))).isEmpty();
    }
}
