package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.TestIssuer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The external issuer's JWKS is fetched under MicroProfile Fault Tolerance ({@code IssuerKeys}):
 * one failed fetch is retried, a hanging issuer refuses the token within the timeout instead of
 * holding the request, an issuer that keeps failing opens the breaker (tokens naming unknown keys
 * are refused at once, without calling it) and the breaker closes again once it answers. A stand-in
 * issuer counts the fetches; an instance of Gatehouse is configured for it with a short breaker
 * delay (MP Config, as an operator would override it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IssuerKeysFaultToleranceIT {
    static final String ISSUER = "https://idp.example.test/realms/ft";

    enum Mode {
        SERVE,
        FAIL,
        HANG
    }

    static final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SERVE);
    static final AtomicInteger failNext = new AtomicInteger();
    static final AtomicInteger fetches = new AtomicInteger();
    static final CountDownLatch release = new CountDownLatch(1);
    static KeyPair first;
    static KeyPair second;
    static volatile String jwks;
    static HttpServer idp;
    static LibertyInstance instance;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        first = g.generateKeyPair();
        second = g.generateKeyPair();
        jwks = jwks(Map.of("ft-1", first));
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.setExecutor(Executors.newCachedThreadPool()); // a hanging answer blocks no other
        idp.createContext(
                "/certs",
                ex -> {
                    fetches.incrementAndGet();
                    try {
                        if (mode.get() == Mode.HANG) {
                            release.await(120, TimeUnit.SECONDS);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (mode.get() == Mode.FAIL || failNext.getAndDecrement() > 0) {
                        ex.sendResponseHeaders(500, -1);
                    } else {
                        byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
                        ex.getResponseHeaders().add("Content-Type", "application/json");
                        ex.sendResponseHeaders(200, body.length);
                        ex.getResponseBody().write(body);
                    }
                    ex.close();
                });
        idp.start();
        instance =
                LibertyInstance.start(
                        "gatehouse-issuer-ft",
                        Map.of(
                                "GATEHOUSE_OIDC_ISSUER",
                                ISSUER,
                                "GATEHOUSE_OIDC_JWKS_URL",
                                "http://127.0.0.1:" + idp.getAddress().getPort() + "/certs",
                                "GATEHOUSE_OIDC_ROLE_MAP",
                                "acme-auditors=auditor",
                                "GATEHOUSE_OIDC_DEFAULT_TENANT",
                                "demo",
                                // io.gatehouse.edge.internal.IssuerKeys/get/CircuitBreaker/delay,
                                // in the annotation's unit (seconds)
                                "IO_GATEHOUSE_EDGE_INTERNAL_ISSUERKEYS_GET_CIRCUITBREAKER_DELAY",
                                "2"));
        instance.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        release.countDown();
        if (instance != null) {
            instance.close();
        }
        if (idp != null) {
            idp.stop(0);
        }
    }

    static String jwks(Map<String, KeyPair> keys) {
        StringBuilder b = new StringBuilder("{\"keys\":[");
        keys.forEach(
                (kid, pair) -> {
                    RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
                    jwk.setKeyId(kid);
                    jwk.setAlgorithm("RS256");
                    if (b.charAt(b.length() - 1) != '[') {
                        b.append(',');
                    }
                    b.append(jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
                });
        return b.append("]}").toString();
    }

    static String token(KeyPair key, String kid) {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setAudience("gatehouse");
        c.setSubject("u-" + UUID.randomUUID());
        c.setStringListClaim("groups", List.of("acme-auditors"));
        c.setGeneratedJwtId();
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        return TestIssuer.sign(c, key.getPrivate(), kid);
    }

    static Http.Response me(String token) {
        return instance.http().get("/api/v1/me", "Authorization", "Bearer " + token);
    }

    static void assertRefused(Http.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getString("code")).isEqualTo("invalid_token");
        assertThat(r.body()).doesNotContain("Exception");
    }

    @Test
    @Order(1)
    void aFetchThatFailsOnceIsRetried() {
        failNext.set(1);
        int before = fetches.get();
        Http.Response r = me(token(first, "ft-1"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(fetches.get() - before).as("one failure, one retry").isEqualTo(2);
    }

    @Test
    @Order(2)
    void aHangingIssuerRefusesTheTokenWithinTheTimeout() throws InterruptedException {
        mode.set(Mode.HANG);
        Thread.sleep(400); // past jose4j's refresh reprieve (300 ms) after the last fetch
        int before = fetches.get();
        long start = System.nanoTime();
        // an unknown key id makes the cache fetch the JWKS again
        Http.Response r = me(token(second, "ft-2"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertRefused(r);
        assertThat(fetches.get()).as("the issuer was asked").isGreaterThan(before);
        // 5 s timeout, no retry after a timeout (jose4j's own client: 4 attempts of 20 s)
        assertThat(ms).as("refused after %d ms", ms).isBetween(4_000L, 9_000L);
        // keys already cached keep verifying while the issuer hangs
        long cachedStart = System.nanoTime();
        assertThat(me(token(first, "ft-1")).status()).isEqualTo(200);
        assertThat((System.nanoTime() - cachedStart) / 1_000_000).isLessThan(2_000L);
    }

    @Test
    @Order(3)
    void anIssuerThatKeepsFailingOpensTheBreakerAndItClosesWhenTheIssuerAnswers() throws Exception {
        mode.set(Mode.FAIL);
        // failing fetches until the breaker opens: then a request no longer reaches the issuer
        boolean opened = false;
        for (int i = 0; i < 6 && !opened; i++) {
            int before = fetches.get();
            Http.Response r = me(token(second, "ft-2"));
            assertRefused(r);
            opened = fetches.get() == before;
            Thread.sleep(400); // past jose4j's refresh reprieve (300 ms)
        }
        assertThat(opened).as("the issuer is no longer called").isTrue();
        int before = fetches.get();
        long start = System.nanoTime();
        assertRefused(me(token(second, "ft-2")));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000L);
        assertThat(fetches.get()).isEqualTo(before);
        assertThat(me(token(first, "ft-1")).status()).as("cached key").isEqualTo(200);

        // the issuer answers again, now with the new key: after the breaker's delay (2 s here)
        // one trial fetch closes it
        jwks = jwks(Map.of("ft-1", first, "ft-2", second));
        mode.set(Mode.SERVE);
        long since = System.nanoTime();
        Http.Response r = me(token(second, "ft-2"));
        while (r.status() != 200 && System.nanoTime() - since < 10_000_000_000L) {
            Thread.sleep(500);
            r = me(token(second, "ft-2"));
        }
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(fetches.get()).isGreaterThan(before);
    }

    @Test
    @Order(4)
    void faultToleranceMetricsNameTheFetch() {
        HttpResponse<String> m =
                MetricsScrape.get(instance.httpsPort(), MetricsScrape.USER, MetricsScrape.PASSWORD);
        assertThat(m.statusCode()).isEqualTo(200);
        String method = "method=\"io.gatehouse.edge.internal.IssuerKeys.get\"";
        assertThat(m.body().lines().filter(l -> l.contains(method)))
                .anyMatch(l -> l.startsWith("ft_invocations_total"))
                .anyMatch(l -> l.startsWith("ft_retry_retries_total"))
                .anyMatch(l -> l.startsWith("ft_timeout_calls_total"))
                .anyMatch(l -> l.startsWith("ft_circuitbreaker_opened_total"));
    }
}
