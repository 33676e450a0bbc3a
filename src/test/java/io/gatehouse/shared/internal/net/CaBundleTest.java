package io.gatehouse.shared.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsServer;
import io.gatehouse.shared.TenantId;
import io.gatehouse.testing.TestCa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GATEHOUSE_TLS_CA_BUNDLE: a server signed by a private CA is refused without it, trusted with it.
 */
class CaBundleTest {
    @TempDir static Path dir;
    static TestCa ca;
    static HttpsServer server;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create(dir);
        server = ca.httpsServer();
        server.createContext(
                "/",
                ex -> {
                    byte[] b = "ok".getBytes();
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().write(b);
                    ex.close();
                });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static final io.gatehouse.shared.net.EgressGuard.Resolver PUBLIC =
            h ->
                    new java.net.InetAddress[] {
                        java.net.InetAddress.getByAddress(new byte[] {8, 8, 8, 8})
                    };

    static int get(SSLContext tls) throws Exception {
        HttpClient c = HttpClient.newBuilder().sslContext(tls).build();
        URI uri = URI.create("https://localhost:" + server.getAddress().getPort() + "/");
        return c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void thePrivateCaIsTrustedOnlyWithTheBundle() throws Exception {
        assertThatThrownBy(() -> get(SSLContext.getDefault()))
                .isInstanceOf(SSLHandshakeException.class);
        var certs = CaBundle.read(ca.caPem());
        assertThat(get(CaBundle.context(certs, false))).isEqualTo(200);
        assertThat(get(CaBundle.context(certs, true))).isEqualTo(200);
    }

    @Test
    void theBundleIsAddedToTheJdksAuthoritiesUnlessOnly() throws Exception {
        var certs = CaBundle.read(ca.caPem());
        assertThat(CaBundle.trustStore(certs, true).size()).isEqualTo(1);
        assertThat(CaBundle.trustStore(certs, false).size()).isGreaterThan(50);
    }

    @Test
    void theEgressPolicyUsesTheBundleAndFailsClosedOnABadOne() throws Exception {
        DefaultEgressPolicy good = new DefaultEgressPolicy(null, null, null, PUBLIC, null);
        good.caBundleSetting = java.util.Optional.of(ca.caPem().toString());
        good.init();
        assertThat(get(good.tls())).isEqualTo(200);
        TenantId t = new TenantId(UUID.randomUUID());
        assertThat(good.refused(t, URI.create("https://api.openai.com/v1"))).isEmpty();

        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        DefaultEgressPolicy bad = new DefaultEgressPolicy(null, null, null, PUBLIC, null);
        bad.caBundleSetting = java.util.Optional.of(junk.toString());
        bad.init();
        assertThat(bad.refused(t, URI.create("https://api.openai.com/v1")))
                .hasValueSatisfying(r -> assertThat(r).contains("CA bundle"));
        assertThatThrownBy(() -> CaBundle.read(junk))
                .isInstanceOfAny(GeneralSecurityException.class);
    }
}
