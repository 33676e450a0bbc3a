package io.gatehouse.edge.internal;

import io.gatehouse.shared.net.EgressPolicy;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The server's calls to the OpenID Connect provider at sign-in: its discovery document and its
 * token endpoint, through the outbound proxy and CA bundle like every outbound call, with
 * MicroProfile Fault Tolerance as for its JWKS ({@link IssuerKeys}): a 5 s timeout, one retry only
 * when the provider could not be reached (the discovery document also on a 5xx; the code exchange
 * never after the request was sent, since a code is good once), and a breaker that opens after 3 of
 * the last 4 calls failed.
 */
@ApplicationScoped
public class OidcProviderCalls {
    static final int MAX_BODY = 256 * 1024;

    @Inject EgressPolicy egress;

    private HttpClient http;

    @PostConstruct
    void init() {
        http = OidcHttp.client(egress);
    }

    /** A JSON document (the discovery document); an error status is an {@link IOException}. */
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
    public JsonObject getJson(String location) throws IOException, InterruptedException {
        HttpResponse<byte[]> res = OidcHttp.getJson(http, location, location, MAX_BODY);
        return OidcHttp.parse(res.body(), MAX_BODY);
    }

    /** The provider's answer to a form POST (the token endpoint): its status and JSON body. */
    public record Answer(int status, JsonObject body) {}

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(
            maxRetries = 1,
            delay = 200,
            jitter = 100,
            retryOn = {ConnectException.class, HttpConnectTimeoutException.class},
            abortOn = CircuitBreakerOpenException.class)
    @CircuitBreaker(
            requestVolumeThreshold = 4,
            failureRatio = 0.75,
            delay = 30,
            delayUnit = ChronoUnit.SECONDS,
            successThreshold = 1)
    public Answer postForm(String location, Map<String, String> form, String basicAuth)
            throws IOException, InterruptedException {
        String body = OidcHttp.formEncode(form);
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(location))
                        .timeout(Duration.ofSeconds(10))
                        .header("Accept", "application/json")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (basicAuth != null) {
            b.header("Authorization", "Basic " + basicAuth);
        }
        HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonObject json;
        try {
            json = OidcHttp.parse(res.body(), MAX_BODY);
        } catch (IOException e) {
            json = JsonObject.EMPTY_JSON_OBJECT;
        }
        return new Answer(res.statusCode(), json);
    }
}
