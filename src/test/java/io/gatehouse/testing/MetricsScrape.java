package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Reads /metrics as the test suite's Prometheus scraper: over HTTPS (Liberty's self-signed
 * certificate, not verified) with HTTP Basic as {@code GATEHOUSE_METRICS_USER} / {@code
 * GATEHOUSE_METRICS_PASSWORD} (deploy/local/test.sh), as GATEHOUSE_METRICS_ACCESS= authenticated
 * (the default) requires.
 */
public final class MetricsScrape {
    public static final String USER = TestEnv.env("GATEHOUSE_METRICS_USER", "gatehouse-scraper");
    public static final String PASSWORD =
            TestEnv.env("GATEHOUSE_METRICS_PASSWORD", "gatehouse-test-scraper");
    private static final HttpClient CLIENT =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .sslContext(trustingAnyCertificate())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    private MetricsScrape() {}

    /** The main test server's metrics text as the scraper; fails unless it answers 200. */
    public static String text() {
        HttpResponse<String> r = get(TestEnv.httpsPort(), USER, PASSWORD);
        assertThat(r.statusCode()).as("/metrics as the scraper: " + r.body()).isEqualTo(200);
        return r.body();
    }

    /** GET https://localhost:{port}/metrics, with Basic credentials unless {@code user} is null. */
    public static HttpResponse<String> get(int httpsPort, String user, String password) {
        return get(URI.create("https://localhost:" + httpsPort + "/metrics"), user, password);
    }

    public static HttpResponse<String> get(URI uri, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (user != null) {
            String basic = user + ":" + password;
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + uri + " failed: " + e, e);
        }
    }

    /** A TLS context that accepts the test server's self-signed certificate. */
    public static SSLContext sslContext() {
        return trustingAnyCertificate();
    }

    private static SSLContext trustingAnyCertificate() {
        // the test server's certificate is the one Liberty generated at its first start
        TrustManager any =
                new X509ExtendedTrustManager() {
                    @Override
                    public void checkClientTrusted(X509Certificate[] c, String a) {}

                    @Override
                    public void checkServerTrusted(X509Certificate[] c, String a) {}

                    @Override
                    public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

                    @Override
                    public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

                    @Override
                    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

                    @Override
                    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

                    @Override
                    public X509Certificate[] getAcceptedIssuers() {
                        return new X509Certificate[0];
                    }
                };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {any}, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
