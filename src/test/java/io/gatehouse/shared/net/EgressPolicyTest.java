package io.gatehouse.shared.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.TenantId;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {

    @Test
    void anOutboundClientFollowsNoRedirectAndUsesNoProxyWhenNoneIsConfigured() {
        HttpClient direct = EgressPolicy.of(List.of()).httpClient(Duration.ofSeconds(3)).build();
        assertThat(direct.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
        assertThat(direct.connectTimeout()).contains(Duration.ofSeconds(3));
        assertThat(direct.proxy()).isEmpty();
    }

    @Test
    void anOutboundClientGoesThroughTheConfiguredProxyAndTrustsThePolicysTls() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        InetSocketAddress proxy = InetSocketAddress.createUnresolved("proxy.example", 3128);
        EgressPolicy viaProxy =
                new EgressPolicy() {
                    @Override
                    public Optional<String> refused(TenantId tenant, URI uri) {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<InetSocketAddress> proxy() {
                        return Optional.of(proxy);
                    }

                    @Override
                    public SSLContext tls() {
                        return tls;
                    }
                };
        HttpClient client = viaProxy.httpClient(Duration.ofSeconds(5)).build();
        assertThat(client.sslContext()).isSameAs(tls);
        assertThat(client.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
        assertThat(client.proxy()).isPresent();
        assertThat(client.proxy().get().select(URI.create("https://api.example/v1")))
                .extracting(Proxy::address)
                .containsExactly(proxy);
    }
}
