package io.gatehouse.governance.internal;

import io.gatehouse.shared.net.EgressPolicy;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * One webhook POST. {@link WebhookDispatcher} calls it through its CDI proxy, so MicroProfile Fault
 * Tolerance bounds the whole exchange: the HTTP client's own request timeout ends when the response
 * headers arrive, and a receiver that then trickles or withholds its body would otherwise hold the
 * instance's only delivery loop (every tenant's deliveries) for as long as it likes. On timeout the
 * thread is interrupted (the JDK client's {@code send} gives up on interrupt) and the caller gets
 * {@code TimeoutException}; the outbox retries the delivery on its durable schedule.
 *
 * <p>Override with MP Config: {@code
 * io.gatehouse.governance.internal.WebhookSender/post/Timeout/value} (in the annotation's unit:
 * seconds).
 */
@ApplicationScoped
public class WebhookSender {
    /** Connecting and waiting for the receiver's headers; the FT timeout bounds the rest. */
    static final Duration CONNECT = Duration.ofSeconds(5);

    static final Duration HEADERS = Duration.ofSeconds(10);

    /**
     * The whole attempt, as {@code @Timeout} below says (the dispatcher sizes its claims by it).
     */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Inject EgressPolicy egress;

    private HttpClient http;

    @PostConstruct
    void init() {
        // behind an outbound proxy the proxy resolves names and enforces (the guard checked the
        // name); https receivers are trusted by the configured CA bundle, if any
        http = egress.httpClient(CONNECT).build();
    }

    /** Posts {@code payload} with {@code headers}; the receiver's status code. */
    @Timeout(value = 15, unit = ChronoUnit.SECONDS)
    public int post(java.net.URI url, Map<String, String> headers, String payload)
            throws IOException, InterruptedException {
        HttpRequest.Builder req =
                HttpRequest.newBuilder(url)
                        .timeout(HEADERS)
                        .POST(HttpRequest.BodyPublishers.ofString(payload));
        headers.forEach(req::header);
        return http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
