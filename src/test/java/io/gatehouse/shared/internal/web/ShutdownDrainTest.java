package io.gatehouse.shared.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The drain's own behaviour, which a server stop rarely reaches (Liberty's quiesce answers the
 * requests inside before the application stops, see ShutdownDrainIT): the stop waits for the
 * requests the filter counted in, at most the configured time, and once it has begun the filter
 * refuses new requests with the structured 503 {@code shutting_down} without running them.
 * Deterministic: latches, no sleeps.
 */
class ShutdownDrainTest {

    /** What a fake response was given. */
    static final class Answer {
        int status;
        final Map<String, String> headers = new HashMap<>();
        String contentType;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    static HttpServletRequest request(String uri) {
        return (HttpServletRequest)
                Proxy.newProxyInstance(
                        ShutdownDrainTest.class.getClassLoader(),
                        new Class<?>[] {HttpServletRequest.class},
                        (p, m, args) ->
                                switch (m.getName()) {
                                    case "getRequestURI" -> uri;
                                    case "isAsyncStarted" -> false;
                                    default -> null;
                                });
    }

    static HttpServletResponse response(Answer a) {
        ServletOutputStream out =
                new ServletOutputStream() {
                    @Override
                    public void write(int b) {
                        a.body.write(b);
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener l) {}
                };
        return (HttpServletResponse)
                Proxy.newProxyInstance(
                        ShutdownDrainTest.class.getClassLoader(),
                        new Class<?>[] {HttpServletResponse.class},
                        (p, m, args) -> {
                            switch (m.getName()) {
                                case "setStatus" -> a.status = (Integer) args[0];
                                case "setHeader", "addHeader" ->
                                        a.headers.put((String) args[0], (String) args[1]);
                                case "setContentType" -> a.contentType = (String) args[0];
                                case "getOutputStream" -> {
                                    return out;
                                }
                                default -> {}
                            }
                            return null;
                        });
    }

    static DrainFilter filter(ShutdownDrain drain) {
        DrainFilter f = new DrainFilter();
        f.drain = drain;
        return f;
    }

    static ShutdownDrain drain(int seconds) {
        ShutdownDrain d = new ShutdownDrain();
        d.drainSeconds = seconds;
        return d;
    }

    @Test
    void theStopWaitsForTheRequestInsideAndRefusesNewOnesMeanwhile() throws Exception {
        ShutdownDrain drain = drain(60);
        DrainFilter filter = filter(drain);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Answer held = new Answer();
        Thread request =
                new Thread(
                        () -> {
                            try {
                                filter.doFilter(
                                        request("/v1/chat/completions"),
                                        response(held),
                                        (FilterChain)
                                                (rq, rs) -> {
                                                    inside.countDown();
                                                    try {
                                                        release.await(30, TimeUnit.SECONDS);
                                                    } catch (InterruptedException e) {
                                                        Thread.currentThread().interrupt();
                                                    }
                                                    ((HttpServletResponse) rs).setStatus(200);
                                                });
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        request.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.inFlight()).isEqualTo(1);

        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop =
                new Thread(
                        () -> {
                            drain.onStop(null);
                            stopped.countDown();
                        });
        stop.start();
        // the stop has begun (draining) but waits: the request inside is not answered yet
        while (!drain.draining()) {
            Thread.onSpinWait();
        }
        assertThat(stopped.await(300, TimeUnit.MILLISECONDS)).as("stop waits").isFalse();

        // a new request meanwhile: refused, not run, structured per API
        AtomicBoolean ran = new AtomicBoolean();
        Answer v1 = new Answer();
        filter.doFilter(request("/v1/models"), response(v1), (rq, rs) -> ran.set(true));
        assertThat(ran).isFalse();
        assertThat(v1.status).isEqualTo(503);
        assertThat(v1.headers)
                .containsEntry("Connection", "close")
                .containsEntry("Retry-After", "1");
        assertThat(v1.contentType).isEqualTo("application/json;charset=UTF-8");
        assertThat(v1.body())
                .startsWith("{\"error\":{")
                .contains("\"code\":\"shutting_down\"")
                .contains("\"type\":\"server_error\"");
        Answer api = new Answer();
        filter.doFilter(request("/api/v1/changes"), response(api), (rq, rs) -> ran.set(true));
        assertThat(ran).isFalse();
        assertThat(api.status).isEqualTo(503);
        assertThat(api.contentType).isEqualTo("application/problem+json;charset=UTF-8");
        assertThat(api.body())
                .contains("\"status\":503")
                .contains("\"code\":\"shutting_down\"")
                .contains("\"type\":\"urn:gatehouse:problem:shutting_down\"");
        assertThat(drain.inFlight()).as("refusals are not counted in").isEqualTo(1);

        // the request inside is answered; only then does the stop go on
        release.countDown();
        request.join(10_000);
        assertThat(held.status).isEqualTo(200);
        assertThat(stopped.await(10, TimeUnit.SECONDS)).as("stop went on").isTrue();
        assertThat(drain.inFlight()).isZero();
    }

    @Test
    void theStopWaitsAtMostTheConfiguredTime() throws Exception {
        ShutdownDrain drain = drain(1);
        assertThat(drain.enter()).isTrue(); // a request that never ends
        long start = System.nanoTime();
        drain.onStop(null);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).isBetween(900L, 10_000L);
        assertThat(drain.enter()).as("no request gets in once stopping").isFalse();
        assertThat(drain.inFlight()).isEqualTo(1);
    }

    @Test
    void aStopWithNothingInsideDoesNotWait() {
        ShutdownDrain drain = drain(60);
        assertThat(drain.enter()).isTrue();
        drain.leave();
        long start = System.nanoTime();
        drain.onStop(null);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000L);
        assertThat(drain.draining()).isTrue();
    }
}
