package io.gatehouse.shared.net;

import io.gatehouse.shared.TenantId;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The one egress rule for everything that calls out on a tenant's behalf (providers, webhooks, and
 * later MCP servers and service routes): {@link EgressGuard}'s rules with the entries the operator
 * configured ({@code GATEHOUSE_EGRESS_ALLOW}, the demo's benchmark upstream) and the tenant's own
 * allow-list, which only platform admins edit. Callers check when a URL is configured and again
 * before every call. With an outbound proxy configured ({@code GATEHOUSE_EGRESS_PROXY}) names are
 * judged by name and resolved by the proxy, which enforces its own rules. Every outbound TLS
 * connection trusts what {@link #tls()} trusts: the JDK's certificate authorities, plus a
 * configured CA bundle ({@code GATEHOUSE_TLS_CA_BUNDLE}, for corporate TLS inspection).
 */
public interface EgressPolicy {
    /** Why Gatehouse may not send to this URL for the tenant, or empty. */
    Optional<String> refused(TenantId tenant, URI uri);

    /** The outbound HTTP proxy every caller must use, if one is configured. */
    Optional<InetSocketAddress> proxy();

    /**
     * The TLS context every outbound client must use (providers, webhooks, an external issuer's
     * keys). Without a CA bundle configured, the JVM's default context.
     */
    default SSLContext tls() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("No default TLS context", e);
        }
    }

    /**
     * An outbound HTTP client as this policy wants every one: through {@link #proxy()} when one is
     * configured, trusting what {@link #tls()} trusts, and never following a redirect (its target
     * was checked by no one). Callers add what is theirs (a protocol version) and build it.
     */
    default HttpClient.Builder httpClient(Duration connectTimeout) {
        HttpClient.Builder b =
                HttpClient.newBuilder()
                        .connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .sslContext(tls());
        proxy().ifPresent(p -> b.proxy(ProxySelector.of(p)));
        return b;
    }

    /** Fixed entries for every tenant, names resolved here, no proxy (tools and tests). */
    static EgressPolicy of(List<EgressRule> entries) {
        List<EgressRule> fixed = List.copyOf(entries);
        return new EgressPolicy() {
            @Override
            public Optional<String> refused(TenantId tenant, URI uri) {
                return EgressGuard.refused(uri, fixed, EgressGuard.DNS);
            }

            @Override
            public Optional<InetSocketAddress> proxy() {
                return Optional.empty();
            }
        };
    }
}
