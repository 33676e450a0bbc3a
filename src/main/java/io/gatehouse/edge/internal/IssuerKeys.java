package io.gatehouse.edge.internal;

import io.gatehouse.shared.net.EgressPolicy;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jose4j.http.SimpleResponse;
import org.jose4j.jwk.HttpsJwks;

/**
 * Fetches the external OpenID Connect issuer's JWKS for jose4j's key cache ({@code HttpsJwks},
 * which {@link TokenService} gives it as its HTTP client), through the outbound proxy and CA bundle
 * like every outbound call. MicroProfile Fault Tolerance makes an unreachable issuer fail fast and
 * recover on its own:
 *
 * <ul>
 *   <li>{@code @Timeout} 5 s per attempt, covering connect, headers and body (a hanging issuer
 *       refuses the token within it instead of holding the request thread);
 *   <li>{@code @Retry} once, after 200 ms (± 100 ms), only when the issuer could not be reached
 *       (connect refused or timed out) or answered 5xx ({@link OidcHttp.Unavailable}); never on a
 *       4xx (a 429 asks us to call less, not more), a timeout (it would double the wait) or an open
 *       breaker. Worst case for one refused token: 2 × 5 s + 300 ms;
 *   <li>{@code @CircuitBreaker}: each attempt counts (the retry wraps the breaker); when 3 of the
 *       last 4 attempts failed it opens for 30 s, during which a token naming an unknown key is
 *       refused at once without calling the issuer; then one trial fetch decides. One failed
 *       refresh is at most 2 failed attempts, so it alone never opens the breaker.
 * </ul>
 *
 * Keys already cached keep verifying while the issuer is down: {@link TokenService} has jose4j keep
 * its cache after a failed refresh ({@code gatehouse.oidc.jwks.retain-on-error-seconds}). There is
 * one issuer per installation, so one breaker per method is the right granularity here (unlike the
 * gateway's providers, docs/gateway.md). Every value can be overridden with MP Config, in the
 * annotation's unit, e.g. {@code io.gatehouse.edge.internal.IssuerKeys/get/CircuitBreaker/delay}
 * (seconds, as {@code delayUnit} says).
 */
@ApplicationScoped
public class IssuerKeys {
    private static final Logger LOG = Logger.getLogger(IssuerKeys.class.getName());

    /** A JWKS is a few kilobytes; anything far larger is not one. */
    static final int MAX_BODY = 512 * 1024;

    @Inject EgressPolicy egress;

    private HttpClient http;

    @PostConstruct
    void init() {
        http = OidcHttp.client(egress);
    }

    /** The JWKS document at {@code location}; an error status is an {@link IOException}. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(
            maxRetries = 1,
            delay = 200,
            jitter = 100,
            retryOn = {
                ConnectException.class,
                HttpConnectTimeoutException.class,
                OidcHttp.Unavailable.class
            },
            abortOn = CircuitBreakerOpenException.class)
    @CircuitBreaker(
            requestVolumeThreshold = 4,
            failureRatio = 0.75,
            delay = 30,
            delayUnit = ChronoUnit.SECONDS,
            successThreshold = 1)
    public SimpleResponse get(String location) throws IOException, InterruptedException {
        HttpResponse<byte[]> res = OidcHttp.getJson(http, location, "The issuer's JWKS", MAX_BODY);
        return new Response(
                res.statusCode(), res.headers(), new String(res.body(), StandardCharsets.UTF_8));
    }

    /**
     * A jose4j key cache for the key set at {@code location}, fetched through {@code keys} (the CDI
     * proxy, so Fault Tolerance's timeout, retry and breaker apply; jose4j's own client would retry
     * 3 times with 20 s timeouts). It keeps its keys {@code retainOnErrorSeconds} after a failed
     * refresh (jose4j's default, 0, would empty it).
     */
    static HttpsJwks keySet(IssuerKeys keys, String location, long retainOnErrorSeconds) {
        HttpsJwks jwks = new HttpsJwks(location);
        jwks.setSimpleHttpGet(l -> fetch(keys, l));
        jwks.setRetainCacheOnErrorDuration(Math.max(0, retainOnErrorSeconds)); // seconds
        return jwks;
    }

    /** A key set for jose4j; any failure is an I/O failure to jose4j (the token is refused). */
    private static SimpleResponse fetch(IssuerKeys keys, String location) throws IOException {
        try {
            return keys.get(location);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while fetching the issuer's keys", e);
        } catch (CircuitBreakerOpenException e) {
            throw new IOException("The issuer's keys are not fetched for now (breaker open)", e);
        } catch (FaultToleranceException e) {
            Thread.interrupted(); // a timeout's interrupt must not reach the rest of the request
            LOG.warning("The issuer's keys could not be fetched: " + e);
            throw new IOException("The issuer's keys could not be fetched in time", e);
        } catch (IOException e) {
            LOG.warning("The issuer's keys could not be fetched: " + e.getMessage());
            throw e;
        }
    }

    /** What jose4j reads: the body and the caching headers. */
    private record Response(int status, HttpHeaders headers, String body)
            implements SimpleResponse {
        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getStatusMessage() {
            return String.valueOf(status);
        }

        @Override
        public Collection<String> getHeaderNames() {
            return new ArrayList<>(headers.map().keySet());
        }

        @Override
        public List<String> getHeaderValues(String name) {
            return headers.allValues(name);
        }

        @Override
        public String getBody() {
            return body;
        }
    }
}
