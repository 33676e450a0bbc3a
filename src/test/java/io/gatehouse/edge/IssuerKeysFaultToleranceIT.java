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
import java.util.concurrent.ConcurrentHashMap;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The external issuer's JWKS is fetched under MicroProfile Fault Tolerance ({@code IssuerKeys}): a
 * fetch the issuer answers 5xx is retried once, a 4xx (429) is not, a hanging issuer refuses the
 * token within the timeout instead of holding the request, one failed refresh does not open the
 * breaker but an issuer that keeps failing does (tokens naming unknown keys are refused at once,
 * without calling it), the breaker closes again once it answers, and keys already known keep
 * verifying after the cache expired while the issuer fails. A stand-in issuer counts the fetches;
 * an instance of Gatehouse is configured for it with a breaker delay of 8 s (MP Config, as an
 * operator would override it). Each test starts from an issuer that serves and a closed breaker
 * with two successful fetches in its window, whatever ran before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IssuerKeysFaultToleranceIT {
    static final String ISSUER = "https://idp.example.test/realms/ft";
    static final String METHOD = "method=\"io.gatehouse.edge.internal.IssuerKeys.get\"";

    /** The breaker's open delay on the instance under test (seconds). */
    static final int BREAKER_DELAY = 8;

    enum Mode {
        SERVE,
        FAIL,
        HANG
    }

    static final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SERVE);
    static final AtomicInteger failNext = new AtomicInteger();
    static final AtomicInteger failStatus = new AtomicInteger(500);
    static final AtomicInteger fetches = new AtomicInteger();
    static final AtomicInteger served = new AtomicInteger();
    static final CountDownLatch release = new CountDownLatch(1);

    /** The Cache-Control max-age the issuer sends (0: none, jose4j's default of an hour). */
    static volatile int maxAge;

    static final Map<String, KeyPair> published = new ConcurrentHashMap<>();
    static KeyPair first;
    static KeyPair second;
    static HttpServer idp;
    static LibertyInstance instance;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        first = g.generateKeyPair();
        second = g.generateKeyPair();
        published.put("ft-1", first);
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
                    if (mode.get() == Mode.FAIL) {
                        ex.sendResponseHeaders(500, -1);
                    } else if (failNext.getAndDecrement() > 0) {
                        ex.sendResponseHeaders(failStatus.get(), -1);
                    } else {
                        byte[] body = jwks(published).getBytes(StandardCharsets.UTF_8);
                        ex.getResponseHeaders().add("Content-Type", "application/json");
                        if (maxAge > 0) {
                            ex.getResponseHeaders().add("Cache-Control", "max-age=" + maxAge);
                        }
                        ex.sendResponseHeaders(200, body.length);
                        ex.getResponseBody().write(body);
                        served.incrementAndGet();
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
                                String.valueOf(BREAKER_DELAY)));
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

    @BeforeEach
    void issuerServesAndTheBreakerIsClosed() throws InterruptedException {
        mode.set(Mode.SERVE);
        failNext.set(0);
        failStatus.set(500);
        maxAge = 0;
        awaitServedFetches(2);
    }

    /**
     * Makes the instance fetch the JWKS until {@code n} fetches in a row were served: a token
     * naming a key the issuer never published always makes jose4j refresh. While the breaker is
     * open nothing reaches the issuer, so this waits out its delay. Ends past jose4j's refresh
     * reprieve (300 ms), so the test's next unknown key is fetched.
     */
    static void awaitServedFetches(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(4L * BREAKER_DELAY).toNanos();
        int inARow = 0;
        while (inARow < n) {
            assertThat(System.nanoTime())
                    .as("the issuer's keys are fetched again")
                    .isLessThan(deadline);
            Thread.sleep(400);
            int before = served.get();
            assertRefused(me(token(second, "ft-never-published")));
            inARow = served.get() > before ? inARow + 1 : 0;
        }
        Thread.sleep(400);
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

    /** The sum of a Fault Tolerance metric of {@code IssuerKeys.get} (0 before its first use). */
    static double metric(String name, String... labels) {
        HttpResponse<String> m =
                MetricsScrape.get(instance.httpsPort(), MetricsScrape.USER, MetricsScrape.PASSWORD);
        assertThat(m.statusCode()).isEqualTo(200);
        return m.body()
                .lines()
                .filter(l -> l.startsWith(name + "{") && l.contains(METHOD))
                .filter(l -> List.of(labels).stream().allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    @Order(1)
    void aFetchTheIssuerAnswers5xxIsRetriedOnce() {
        published.put("ft-r", second);
        failNext.set(1); // 500 once, then the keys
        int before = fetches.get();
        double retries = metric("ft_retry_retries_total");
        Http.Response r = me(token(second, "ft-r"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(fetches.get() - before).as("one failure, one retry").isEqualTo(2);
        assertThat(metric("ft_retry_retries_total")).isGreaterThanOrEqualTo(retries + 1);
    }

    @Test
    @Order(2)
    void aFetchTheIssuerAnswers429IsNotRetried() {
        failNext.set(1);
        failStatus.set(429);
        int before = fetches.get();
        assertRefused(me(token(second, "ft-unknown-429")));
        assertThat(fetches.get() - before)
                .as("a 429 asks for fewer calls, not a retry")
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    void aHangingIssuerRefusesTheTokenWithinTheTimeout() {
        mode.set(Mode.HANG);
        int before = fetches.get();
        double timedOut = metric("ft_timeout_calls_total", "timedOut=\"true\"");
        long start = System.nanoTime();
        // an unknown key id makes the cache fetch the JWKS again
        Http.Response r = me(token(second, "ft-unknown-hang"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertRefused(r);
        assertThat(fetches.get()).as("the issuer was asked").isGreaterThan(before);
        // 5 s timeout, no retry after a timeout (jose4j's own client: 4 attempts of 20 s)
        assertThat(ms).as("refused after %d ms", ms).isBetween(4_000L, 9_000L);
        assertThat(metric("ft_timeout_calls_total", "timedOut=\"true\""))
                .as("the Fault Tolerance timeout ended it")
                .isGreaterThanOrEqualTo(timedOut + 1);
        // keys already cached keep verifying while the issuer hangs
        long cachedStart = System.nanoTime();
        assertThat(me(token(first, "ft-1")).status()).isEqualTo(200);
        assertThat((System.nanoTime() - cachedStart) / 1_000_000).isLessThan(2_000L);
    }

    @Test
    @Order(4)
    void anIssuerThatKeepsFailingOpensTheBreakerAndItClosesWhenTheIssuerAnswers() throws Exception {
        mode.set(Mode.FAIL);
        double opened = metric("ft_circuitbreaker_opened_total");
        // one failed refresh (two failed attempts after two good ones) leaves the breaker closed
        int before = fetches.get();
        assertRefused(me(token(second, "ft-unknown-fail")));
        assertThat(fetches.get() - before).as("a 500 is retried once").isEqualTo(2);
        Thread.sleep(400); // past jose4j's refresh reprieve (300 ms)
        before = fetches.get();
        assertRefused(me(token(second, "ft-unknown-fail")));
        assertThat(fetches.get())
                .as("one failed refresh does not open the breaker")
                .isGreaterThan(before);
        // the second failed refresh did (3 failures in the last 4 attempts): the issuer is no
        // longer called, and the refusal is immediate
        Thread.sleep(400);
        before = fetches.get();
        long start = System.nanoTime();
        assertRefused(me(token(second, "ft-unknown-fail")));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000L);
        assertThat(fetches.get()).as("the breaker is open").isEqualTo(before);
        assertThat(metric("ft_circuitbreaker_opened_total")).isGreaterThanOrEqualTo(opened + 1);
        assertThat(me(token(first, "ft-1")).status()).as("cached key").isEqualTo(200);

        // the issuer answers again, now with a new key: after the breaker's delay one trial
        // fetch closes it
        published.put("ft-3", second);
        mode.set(Mode.SERVE);
        long since = System.nanoTime();
        Http.Response r = me(token(second, "ft-3"));
        while (r.status() != 200
                && System.nanoTime() - since < Duration.ofSeconds(3L * BREAKER_DELAY).toNanos()) {
            Thread.sleep(500);
            r = me(token(second, "ft-3"));
        }
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(fetches.get()).isGreaterThan(before);
    }

    @Test
    @Order(5)
    void aKnownKeyKeepsVerifyingAfterTheCacheExpiredWhileTheIssuerFails() throws Exception {
        maxAge = 1;
        awaitServedFetches(1); // the keys now expire from the cache one second after this fetch
        mode.set(Mode.FAIL);
        Thread.sleep(1_500);
        int before = fetches.get();
        Http.Response r = me(token(first, "ft-1"));
        assertThat(fetches.get())
                .as("the expired cache was refreshed, and that failed")
                .isGreaterThan(before);
        assertThat(r.status()).as("jose4j kept the known keys: " + r).isEqualTo(200);
    }

    @Test
    @Order(6)
    void faultToleranceMetricsNameTheFetch() {
        HttpResponse<String> m =
                MetricsScrape.get(instance.httpsPort(), MetricsScrape.USER, MetricsScrape.PASSWORD);
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.body().lines().filter(l -> l.contains(METHOD)))
                .anyMatch(l -> l.startsWith("ft_invocations_total"))
                .anyMatch(l -> l.startsWith("ft_retry_retries_total"))
                .anyMatch(l -> l.startsWith("ft_timeout_calls_total"))
                .anyMatch(l -> l.startsWith("ft_circuitbreaker_opened_total"));
        // the BeforeEach fetches alone were answered and counted
        assertThat(metric("ft_invocations_total", "result=\"valueReturned\""))
                .isGreaterThanOrEqualTo(2);
    }
}
