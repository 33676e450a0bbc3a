package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain-HTTP client against a raw socket server that answers exactly as each test scripts.
 * Waits are barriers on what the server did, and the passing of time (idle ages, deadlines) is a
 * clock the test moves: nothing sleeps for time to pass.
 */
class Http1ClientTest {
    private final Http1Client client = new Http1Client();
    // the clock of the client under test where a test moves time
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final Http1Client clocked = new Http1Client(null, nanos::get);
    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    // one permit per connection the server has closed
    private final Semaphore serverClosed = new Semaphore(0);
    // released when the test is over: a silent server stays silent until then
    private final CountDownLatch testOver = new CountDownLatch(1);

    @AfterEach
    void close() throws IOException {
        testOver.countDown();
        client.close();
        clocked.close();
        if (server != null) {
            server.close();
        }
    }

    /** Serves connections; {@code answer} gets each request's body and the output to answer on. */
    private URI serve(int answersPerConnection, BiConsumer<String, OutputStream> answer)
            throws IOException {
        server = new ServerSocket(0);
        Thread t =
                new Thread(
                        () -> {
                            while (!server.isClosed()) {
                                try {
                                    Socket s = server.accept();
                                    connections.incrementAndGet();
                                    Thread c =
                                            new Thread(
                                                    () -> handle(s, answersPerConnection, answer));
                                    c.setDaemon(true);
                                    c.start();
                                } catch (IOException e) {
                                    return;
                                }
                            }
                        });
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
    }

    private void handle(Socket s, int answers, BiConsumer<String, OutputStream> answer) {
        try (s) {
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            for (int i = 0; i < answers; i++) {
                String requestLine = in.readLine();
                if (requestLine == null) {
                    return;
                }
                requestLines.add(requestLine);
                int length = 0;
                for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                    if (h.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    read += in.read(body, read, length - read);
                }
                answer.accept(new String(body), s.getOutputStream());
            }
        } catch (IOException e) {
            // test over
        } finally {
            serverClosed.release(); // the socket is closed by now (try-with-resources)
        }
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static long inSeconds(int s) {
        return System.nanoTime() + s * 1_000_000_000L;
    }

    private String post(URI uri, String body) throws IOException {
        Http1Client.Response r =
                client.post(uri, Map.of(), body.getBytes(StandardCharsets.UTF_8), inSeconds(5), 0);
        return r.status() + " " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void keepAliveReusesOneConnectionForSequentialRequests() throws Exception {
        URI uri =
                serve(
                        100,
                        (body, out) ->
                                write(
                                        out,
                                        "HTTP/1.1 200 OK\r\nContent-Length: "
                                                + body.length()
                                                + "\r\n\r\n"
                                                + body));
        for (int i = 0; i < 5; i++) {
            assertThat(post(uri, "{\"n\":" + i + "}")).isEqualTo("200 {\"n\":" + i + "}");
        }
        assertThat(connections.get()).isEqualTo(1);
        assertThat(requestLines).allMatch(l -> l.equals("POST /v1/chat/completions HTTP/1.1"));
    }

    @Test
    void behindAProxyTheRequestGoesToTheProxyInAbsoluteFormAndTheProxyResolvesTheName()
            throws Exception {
        URI proxyUri =
                serve(
                        10,
                        (body, out) ->
                                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        Http1Client proxied =
                new Http1Client(
                        java.net.InetSocketAddress.createUnresolved(
                                "127.0.0.1", proxyUri.getPort()));
        try {
            // a name only the proxy could resolve: the client never looks it up itself
            Http1Client.Response r =
                    proxied.post(
                            URI.create(
                                    "http://models.internal.invalid:8000/v1/chat/completions?x=1"),
                            Map.of(),
                            "{}".getBytes(StandardCharsets.UTF_8),
                            inSeconds(5),
                            0);
            assertThat(r.status()).isEqualTo(200);
            r.body().readAllBytes();
        } finally {
            proxied.close();
        }
        assertThat(requestLines)
                .containsExactly(
                        "POST http://models.internal.invalid:8000/v1/chat/completions?x=1 HTTP/1.1");
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedTransparently() throws Exception {
        // one answer per connection, without "Connection: close": the next request finds it closed
        URI uri =
                serve(
                        1,
                        (body, out) ->
                                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assertThat(post(uri, "{}")).isEqualTo("200 ok");
        assertThat(serverClosed.tryAcquire(10, TimeUnit.SECONDS))
                .as("the server closed the first connection")
                .isTrue();
        assertThat(post(uri, "{}")).isEqualTo("200 ok");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void concurrentCallsPoolSeveralConnectionsAndReuseThem() throws Exception {
        // no answer until all four calls of a round are in: they overlap by construction
        CyclicBarrier allIn = new CyclicBarrier(4);
        URI uri =
                serve(
                        1000,
                        (body, out) -> {
                            try {
                                allIn.await(10, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                return; // no answer: the calls fail
                            }
                            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                        });
        for (int round = 0; round < 2; round++) {
            List<Thread> calls = new java.util.ArrayList<>();
            List<String> answers = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t =
                        new Thread(
                                () -> {
                                    try {
                                        answers.add(post(uri, "{}"));
                                    } catch (IOException e) {
                                        answers.add(e.toString());
                                    }
                                });
                t.start();
                calls.add(t);
            }
            for (Thread t : calls) {
                t.join();
            }
            assertThat(answers).containsOnly("200 ok").hasSize(4);
        }
        assertThat(connections.get()).isEqualTo(4);
        assertThat(client.idleConnections("127.0.0.1", uri.getPort())).isEqualTo(4);
    }

    @Test
    void connectionCloseIsNotReused() throws Exception {
        URI uri =
                serve(
                        100,
                        (body, out) ->
                                write(
                                        out,
                                        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));
        assertThat(post(uri, "{}")).isEqualTo("200 ok");
        assertThat(post(uri, "{}")).isEqualTo("200 ok");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void chunkedAnswersAreDecodedAndTheConnectionIsReused() throws Exception {
        URI uri =
                serve(
                        100,
                        (body, out) ->
                                write(
                                        out,
                                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                + "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n"));
        assertThat(post(uri, "{}")).isEqualTo("200 hello world");
        assertThat(post(uri, "{}")).isEqualTo("200 hello world");
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void aStreamClosedAfterItsLastEventKeepsTheConnectionWhenTheEndArrived() throws Exception {
        Semaphore answered = new Semaphore(0);
        URI uri =
                serve(
                        100,
                        (body, out) -> {
                            write(
                                    out,
                                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            + "e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n");
                            answered.release();
                        });
        for (int i = 0; i < 3; i++) {
            Http1Client.Response r =
                    client.post(
                            uri,
                            Map.of(),
                            "{}".getBytes(StandardCharsets.UTF_8),
                            inSeconds(5),
                            1000);
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("data: [DONE]");
            // the terminating chunk was written (on loopback: it is in the client's buffer)
            assertThat(answered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            r.body().close();
        }
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void errorStatusAndHeadersAreReported() throws Exception {
        URI uri =
                serve(
                        100,
                        (body, out) ->
                                write(
                                        out,
                                        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nslow"));
        Http1Client.Response r =
                client.post(uri, Map.of(), "{}".getBytes(StandardCharsets.UTF_8), inSeconds(5), 0);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("retry-after")).isEqualTo("7");
        assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("slow");
    }

    @Test
    void aSilentServerHitsTheDeadline() throws Exception {
        URI uri =
                serve(
                        100,
                        (body, out) -> {
                            try {
                                testOver.await(30, TimeUnit.SECONDS); // neither answers nor closes
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        long start = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                client.post(
                                        uri,
                                        Map.of(),
                                        "{}".getBytes(StandardCharsets.UTF_8),
                                        System.nanoTime() + 300_000_000L,
                                        0))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
    }

    @Test
    void anAnswerCutBeforeItsContentLengthIsAnError() throws Exception {
        URI uri =
                serve(
                        1,
                        (body, out) ->
                                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"));
        Http1Client.Response r =
                client.post(uri, Map.of(), "{}".getBytes(StandardCharsets.UTF_8), inSeconds(5), 0);
        assertThatThrownBy(() -> r.body().readAllBytes()).isInstanceOf(IOException.class);
    }

    @Test
    void headerValuesWithLineBreaksAreRefused() throws Exception {
        URI uri =
                serve(
                        100,
                        (body, out) -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assertThatThrownBy(
                        () ->
                                client.post(
                                        uri,
                                        Map.of("Authorization", "Bearer x\r\nX-Evil: 1"),
                                        "{}".getBytes(StandardCharsets.UTF_8),
                                        inSeconds(5),
                                        0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(requestLines).isEmpty();
    }

    @Test
    void anIdleConnectionIsReusedUpToTheIdleLimitAndReplacedAfterIt() throws Exception {
        URI uri =
                serve(
                        100,
                        (body, out) ->
                                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        assertThat(clockedPost(uri)).isEqualTo("200 ok");
        nanos.addAndGet(Http1Client.MAX_IDLE_NANOS - 1);
        assertThat(clockedPost(uri)).isEqualTo("200 ok");
        assertThat(connections.get()).as("reused just before the limit").isEqualTo(1);
        nanos.addAndGet(Http1Client.MAX_IDLE_NANOS);
        assertThat(clockedPost(uri)).isEqualTo("200 ok");
        assertThat(connections.get()).as("a new connection once idle that long").isEqualTo(2);
        assertThat(clocked.idleConnections("127.0.0.1", uri.getPort()))
                .as("the expired one is closed, not kept")
                .isEqualTo(1);
    }

    @Test
    void aCallWhoseDeadlineHasPassedNeverConnects() throws Exception {
        URI uri =
                serve(
                        100,
                        (body, out) ->
                                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        long deadline = nanos.get() + 300_000_000L;
        nanos.addAndGet(300_000_000L);
        assertThatThrownBy(
                        () ->
                                clocked.post(
                                        uri,
                                        Map.of(),
                                        "{}".getBytes(StandardCharsets.UTF_8),
                                        deadline,
                                        0))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("deadline passed");
        // barrier: the server accepts connections in order, so once a later call was answered it
        // has counted any connection the expired call made
        assertThat(clockedPost(uri)).isEqualTo("200 ok");
        assertThat(connections.get()).isEqualTo(1);
        assertThat(requestLines).hasSize(1);
    }

    @Test
    void readingTheBodyAfterTheDeadlineFailsEvenWhenTheBytesAreThere() throws Exception {
        Semaphore answered = new Semaphore(0);
        URI uri =
                serve(
                        100,
                        (body, out) -> {
                            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                            answered.release();
                        });
        Http1Client.Response r =
                clocked.post(
                        uri,
                        Map.of(),
                        "{}".getBytes(StandardCharsets.UTF_8),
                        nanos.get() + 5_000_000_000L,
                        0);
        assertThat(r.status()).isEqualTo(200);
        assertThat(answered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        nanos.addAndGet(5_000_000_000L);
        assertThatThrownBy(() -> r.body().readAllBytes())
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("deadline passed");
    }

    private String clockedPost(URI uri) throws IOException {
        Http1Client.Response r =
                clocked.post(
                        uri,
                        Map.of(),
                        "{}".getBytes(StandardCharsets.UTF_8),
                        nanos.get() + 5_000_000_000L,
                        0);
        return r.status() + " " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
    }
}
