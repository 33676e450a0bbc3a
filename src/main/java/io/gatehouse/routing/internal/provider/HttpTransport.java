package io.gatehouse.routing.internal.provider;

import io.gatehouse.shared.JsonInput;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * HTTP to providers: on https the JDK client (HTTP/2 negotiated by ALPN, pooled); on plain http
 * Gatehouse's own pooled HTTP/1.1 client ({@link Http1Client}: no thread hand-offs on the hot path;
 * h2c upgrades of POST bodies are unreliable anyway). An overall deadline per call, and for streams
 * an idle deadline between lines.
 *
 * <p>Long on purpose: both clients (the JDK's on https, {@link Http1Client} on http) share one
 * classification of failures (status, {@code Retry-After}, the provider's message, malformed JSON),
 * kept next to both call paths.
 */
public final class HttpTransport {
    private static final int MAX_ERROR_BODY = 2048;
    private final HttpClient h2; // https only; plain http goes through Http1Client
    private final Http1Client plain;
    private final ScheduledExecutorService watchdog;

    /** Straight to the providers. */
    public HttpTransport() {
        this(Optional.empty());
    }

    /** Through the outbound proxy when one is given (https tunnelled with CONNECT). */
    public HttpTransport(Optional<InetSocketAddress> proxy) {
        this(proxy, null);
    }

    /**
     * Through the outbound proxy when one is given, trusting what {@code tls} trusts on https
     * (null: the JVM's default context).
     */
    public HttpTransport(Optional<InetSocketAddress> proxy, SSLContext tls) {
        HttpClient.Builder b =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_2)
                        .connectTimeout(Duration.ofSeconds(5))
                        .followRedirects(HttpClient.Redirect.NEVER);
        proxy.ifPresent(p -> b.proxy(ProxySelector.of(p)));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.h2 = b.build();
        this.plain = new Http1Client(proxy.orElse(null));
        this.watchdog =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "gatehouse-stream-watchdog");
                            t.setDaemon(true);
                            return t;
                        });
    }

    private static HttpRequest request(
            URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return b.build();
    }

    private static boolean plainHttp(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme());
    }

    /** POSTs JSON and reads a JSON object answer within {@code timeout} (headers and body). */
    public JsonObject postJson(
            URI uri, Map<String, String> headers, JsonObject body, Duration timeout)
            throws ProviderException {
        return postJson(uri, headers, body.toString().getBytes(StandardCharsets.UTF_8), timeout);
    }

    /** As above, with the body's bytes as rendered (or forwarded) by the adapter. */
    public JsonObject postJson(URI uri, Map<String, String> headers, byte[] body, Duration timeout)
            throws ProviderException {
        return postJsonRaw(uri, headers, body, timeout).json();
    }

    /** An answer's text as received and its parse. */
    public record Raw(String text, JsonObject json) {}

    /** As {@link #postJson}, keeping the answer's text (to pass it on unchanged). */
    public Raw postJsonRaw(URI uri, Map<String, String> headers, byte[] body, Duration timeout)
            throws ProviderException {
        headers = TraceHeaders.withTraceparent(headers);
        if (plainHttp(uri)) {
            return postJsonPlain(uri, headers, body, timeout);
        }
        CompletableFuture<HttpResponse<String>> f =
                h2.sendAsync(
                        request(uri, headers, body, timeout), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r = await(f, timeout);
        if (r.statusCode() / 100 != 2) {
            throw errorFromStatus(r.statusCode(), r.body(), r.headers());
        }
        return new Raw(r.body(), parseObject(r.body()));
    }

    private Raw postJsonPlain(URI uri, Map<String, String> headers, byte[] body, Duration timeout)
            throws ProviderException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Http1Client.Response r = plain.post(uri, headers, body, deadline, 0);
            if (r.status() / 100 != 2) {
                String text =
                        new String(r.body().readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
                r.body().close();
                throw errorFromStatus(r.status(), text, r::header);
            }
            // The length sizes the read only when the client framed the body by it (not chunked)
            String framedBy =
                    r.header("transfer-encoding") == null && r.status() != 204
                            ? r.header("content-length")
                            : null;
            byte[] bytes;
            try {
                bytes = readAnswer(r.body(), framedBy);
            } catch (IOException | RuntimeException e) {
                r.body().close(); // a half-read answer's connection is closed, never pooled
                throw e;
            }
            String answer = new String(bytes, StandardCharsets.UTF_8);
            return new Raw(answer, parseObject(answer));
        } catch (IOException | IllegalArgumentException e) {
            throw classifyPlain(e);
        }
    }

    /**
     * Answers up to this size are read into one array of their announced {@code Content-Length};
     * larger ones (or a length that is not a number) are read as they come, so that a wrong length
     * never makes Gatehouse reserve memory the answer does not fill.
     */
    static final int PRESIZED_ANSWER_MAX = 1024 * 1024;

    /** The first buffer for an announced length; it doubles up to the length as bytes come. */
    static final int FIRST_ANSWER_BUFFER = 64 * 1024;

    /**
     * The whole answer. With a {@code Content-Length} up to {@link #PRESIZED_ANSWER_MAX} it is read
     * straight into an array of that size (no growing buffer and no final copy, as {@link
     * InputStream#readAllBytes} makes); the stream is then read to its end, which returns the
     * connection to the pool. Without one, as it comes.
     */
    /**
     * The answer of an HTTP/2 call within {@code timeout}: cancelled and a timeout when it takes
     * longer or the thread is interrupted; its failure classified.
     */
    private static <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> f, Duration timeout)
            throws ProviderException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new ProviderException(ProviderException.Kind.TIMEOUT, "provider timed out");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.TIMEOUT, "interrupted");
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
    }

    static byte[] readAnswer(InputStream in, String contentLength) throws IOException {
        long n = -1;
        if (contentLength != null) {
            try {
                n = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
        }
        if (n < 0 || n > PRESIZED_ANSWER_MAX) {
            return in.readAllBytes();
        }
        // sized by the length, but never reserved ahead of the bytes that came: a provider (or
        // anyone on a plain-HTTP path) announcing a large answer and stalling holds little
        int length = (int) n;
        byte[] buf = new byte[Math.min(length, FIRST_ANSWER_BUFFER)];
        int got = 0;
        while (got < length) {
            if (got == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
            }
            int r = in.read(buf, got, buf.length - got);
            if (r < 0) {
                throw new EOFException("answer shorter than its Content-Length");
            }
            got += r;
        }
        int next = in.read(); // -1 at the end; the connection goes back to the pool
        if (next == -1) {
            return buf;
        }
        // more than announced (not from Http1Client, which stops at the length): keep it all
        byte[] rest = in.readAllBytes();
        byte[] all = java.util.Arrays.copyOf(buf, buf.length + 1 + rest.length);
        all[buf.length] = (byte) next;
        System.arraycopy(rest, 0, all, buf.length + 1, rest.length);
        return all;
    }

    private LineStream postStreamPlain(
            URI uri, Map<String, String> headers, byte[] body, Duration timeout)
            throws ProviderException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Http1Client.Response r =
                    plain.post(uri, headers, body, deadline, Math.max(1, timeout.toMillis()));
            if (r.status() / 100 != 2) {
                String text =
                        new String(r.body().readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
                r.body().close();
                throw errorFromStatus(r.status(), text, r::header);
            }
            // Idle time between reads is bounded by the socket timeout: no watchdog task needed.
            return new LineStream(r.body(), timeout.toMillis(), null);
        } catch (IOException | IllegalArgumentException e) {
            throw classifyPlain(e);
        }
    }

    static ProviderException classifyPlain(Exception e) {
        if (e instanceof java.net.SocketTimeoutException) {
            return new ProviderException(ProviderException.Kind.TIMEOUT, "provider timed out");
        }
        if (e instanceof ConnectException
                || e instanceof java.net.UnknownHostException
                || e instanceof java.net.NoRouteToHostException) {
            return new ProviderException(
                    ProviderException.Kind.CONNECT, "cannot connect to provider");
        }
        return new ProviderException(
                ProviderException.Kind.CONNECT,
                "provider connection failed (" + e.getClass().getSimpleName() + ")");
    }

    /** POSTs JSON and opens the answer as lines, once the provider answered 2xx. */
    public LineStream postStream(
            URI uri, Map<String, String> headers, JsonObject body, Duration timeout)
            throws ProviderException {
        return postStream(uri, headers, body.toString().getBytes(StandardCharsets.UTF_8), timeout);
    }

    /** As above, with the body's bytes as rendered (or forwarded) by the adapter. */
    public LineStream postStream(
            URI uri, Map<String, String> headers, byte[] body, Duration timeout)
            throws ProviderException {
        headers = TraceHeaders.withTraceparent(headers);
        if (plainHttp(uri)) {
            return postStreamPlain(uri, headers, body, timeout);
        }
        CompletableFuture<HttpResponse<InputStream>> f =
                h2.sendAsync(
                        request(uri, headers, body, timeout),
                        HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> r = await(f, timeout);
        if (r.statusCode() / 100 != 2) {
            String text;
            try (InputStream in = r.body()) {
                text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            throw errorFromStatus(r.statusCode(), text, r.headers());
        }
        return new LineStream(r.body(), timeout.toMillis(), watchdog);
    }

    static ProviderException classify(Throwable t) {
        if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException) {
            return new ProviderException(
                    ProviderException.Kind.CONNECT, "cannot connect to provider");
        }
        if (t instanceof HttpTimeoutException) {
            return new ProviderException(ProviderException.Kind.TIMEOUT, "provider timed out");
        }
        return new ProviderException(
                ProviderException.Kind.CONNECT,
                "provider connection failed (" + t.getClass().getSimpleName() + ")");
    }

    static ProviderException errorFromStatus(int status, String body, HttpHeaders headers) {
        return errorFromStatus(status, body, name -> headers.firstValue(name).orElse(null));
    }

    static ProviderException errorFromStatus(
            int status, String body, Function<String, String> header) {
        return ProviderException.fromStatus(
                status, providerMessage(status, body), retryAfter(header));
    }

    /**
     * The provider's own error message if it sent one in OpenAI's or Anthropic's shape, shortened.
     */
    static String providerMessage(int status, String body) {
        String msg = null;
        try {
            JsonObject o = parseObject(body);
            if (o.get("error") instanceof JsonObject e && e.containsKey("message")) {
                msg = e.getString("message", null);
            } else if (o.containsKey("message")) {
                msg = o.getString("message", null);
            }
        } catch (ProviderException | RuntimeException e) {
            msg = null;
        }
        String base = "provider answered HTTP " + status;
        if (msg == null || msg.isBlank()) {
            return base;
        }
        msg = msg.replaceAll("[\\p{Cntrl}]", " ");
        return base + ": " + (msg.length() > 300 ? msg.substring(0, 300) + "..." : msg);
    }

    /**
     * Retry-After as seconds or an HTTP date, or {@code retry-after-ms}; null when absent or bad.
     */
    static Long retryAfter(Function<String, String> header) {
        String ms = header.apply("retry-after-ms");
        if (ms != null) {
            try {
                return Math.max(0, (long) Double.parseDouble(ms));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        String ra = header.apply("retry-after");
        if (ra == null) {
            return null;
        }
        String v = ra.trim();
        try {
            return Math.max(0, Long.parseLong(v)) * 1000;
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime t = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, t.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }

    /**
     * A provider's answer or stream event: one JSON object and nothing after it. Anything else,
     * text after the object included, is MALFORMED (502, failover and breakers as for any bad
     * answer), never a 500: output policy would check the first object while the client got both.
     */
    static JsonObject parseObject(String text) throws ProviderException {
        try {
            JsonInput.scan(
                    text); // a provider's answer nested past the limit would exhaust the stack
            return JsonInput.readObject(text);
        } catch (RuntimeException e) {
            throw new ProviderException(
                    ProviderException.Kind.MALFORMED,
                    502,
                    "provider sent a malformed answer",
                    null);
        }
    }

    /** Lines of a streamed answer with an idle deadline: no line for {@code idleMillis} cuts it. */
    public static final class LineStream implements AutoCloseable {
        private final InputStream in;
        private final BufferedReader reader;
        private final long idleMillis;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean timedOut;
        private final ScheduledFuture<?> check;

        /** {@code watchdog} null: the stream bounds its own reads (socket timeout). */
        LineStream(InputStream in, long idleMillis, ScheduledExecutorService watchdog) {
            this.in = in;
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            this.idleMillis = idleMillis;
            long period = Math.max(50, Math.min(idleMillis / 4, 1000));
            this.check =
                    watchdog == null
                            ? null
                            : watchdog.scheduleAtFixedRate(
                                    this::checkIdle, period, period, TimeUnit.MILLISECONDS);
        }

        private void checkIdle() {
            if ((System.nanoTime() - lastProgress) / 1_000_000 > idleMillis) {
                timedOut = true;
                close();
            }
        }

        /**
         * True when a line can be read without waiting for the network (bytes already buffered).
         */
        public boolean ready() {
            try {
                return reader.ready();
            } catch (IOException e) {
                return false;
            }
        }

        /** The next line, or null at the end of the stream. */
        public String readLine() throws ProviderException {
            try {
                String line = reader.readLine();
                lastProgress = System.nanoTime();
                if (line == null && timedOut) {
                    throw new ProviderException(
                            ProviderException.Kind.TIMEOUT, "provider stream stalled");
                }
                return line;
            } catch (IOException e) {
                if (timedOut || e instanceof java.net.SocketTimeoutException) {
                    throw new ProviderException(
                            ProviderException.Kind.TIMEOUT, "provider stream stalled");
                }
                throw new ProviderException(
                        ProviderException.Kind.CONNECT, "provider stream was cut");
            }
        }

        @Override
        public void close() {
            if (check != null) {
                check.cancel(false);
            }
            try {
                in.close();
            } catch (IOException e) {
                // closing to cancel; nothing to do
            }
        }
    }
}
