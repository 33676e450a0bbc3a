package io.gatehouse.routing.internal.provider;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A small blocking HTTP/1.1 client for {@code http://} providers (self-hosted models, sidecars,
 * stand-ins): keep-alive sockets pooled per host and port, and the request runs entirely on the
 * caller's thread. The JDK's {@code HttpClient} hands every exchange to its selector thread and a
 * worker and back (measured at about a third of Gatehouse's CPU per request, see
 * docs/benchmarks.md); for plain HTTP/1.1 none of that machinery is needed.
 *
 * <p>Deadlines: every read waits at most until the call's deadline ({@code SO_TIMEOUT} set to what
 * is left); streams instead use an idle timeout between reads. A pooled connection the server has
 * closed meanwhile shows as a failed write or end-of-stream before any answer byte: the request is
 * then sent once more on a fresh connection, as keep-alive clients commonly do.
 *
 * <p>Long on purpose: a complete HTTP/1.1 client (pool, fixed-length and chunked bodies, stream
 * reads, one resend on a stale connection) whose parts are private to each other.
 */
final class Http1Client {
    /**
     * Servers close idle keep-alive connections (uvicorn after 5 s): never reuse one idle longer.
     */
    static final long MAX_IDLE_NANOS = 4_000_000_000L;

    private static final int MAX_IDLE_PER_HOST = 256;
    private static final int CONNECT_TIMEOUT_MS = 5000;
    private static final byte[] CRLF = {'\r', '\n'};

    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final InetSocketAddress proxy; // null: straight to the provider
    private final LongSupplier nanoTime; // deadlines and idle ages are measured on this clock

    Http1Client() {
        this(null);
    }

    /**
     * @param proxy an HTTP proxy to send every request through (absolute-form request target; the
     *     proxy resolves the provider's name), or null
     */
    Http1Client(InetSocketAddress proxy) {
        this(proxy, System::nanoTime);
    }

    /**
     * @param nanoTime the clock (in the manner of {@link System#nanoTime}) that deadlines and idle
     *     ages are measured on; tests move it instead of waiting
     */
    Http1Client(InetSocketAddress proxy, LongSupplier nanoTime) {
        this.proxy = proxy;
        this.nanoTime = nanoTime;
    }

    /** An answer's status, headers (lower-case names, first value) and body. */
    record Response(int status, Map<String, String> headers, InputStream body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private static final class Pool {
        final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
        final AtomicInteger size = new AtomicInteger();
    }

    private static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final Pool pool;
        long idleSince;

        Conn(Socket socket, Pool pool) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
            this.pool = pool;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /**
     * Sends a POST and returns once the status line and headers are read. The body stream must be
     * read to its end (the connection then returns to the pool) or closed (the connection is
     * closed).
     *
     * @param streamIdleMillis 0: every read is bounded by the deadline; otherwise reads of the body
     *     are bounded by this idle time instead (streams may last longer than one read's deadline)
     */
    Response post(
            URI uri,
            Map<String, String> headers,
            byte[] body,
            long deadlineNanos,
            long streamIdleMillis)
            throws IOException {
        String host = uri.getHost();
        if (host == null) {
            throw new IOException("no host in " + uri);
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        String path =
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        String target =
                proxy == null ? path : "http://" + host + (port == 80 ? "" : ":" + port) + path;
        byte[] head = head(target, host, port, headers, body.length);
        Pool pool = pools.computeIfAbsent(host + ":" + port, k -> new Pool());
        String connectHost = proxy == null ? host : proxy.getHostString();
        int connectPort = proxy == null ? port : proxy.getPort();
        Conn c = borrow(pool);
        boolean reused = c != null;
        if (c == null) {
            c = connect(connectHost, connectPort, pool, deadlineNanos);
        }
        try {
            return exchange(c, head, body, deadlineNanos, streamIdleMillis);
        } catch (StaleConnection e) {
            // The server closed this pooled connection before reading the request: send it afresh.
            c.close();
            if (!reused) {
                throw new IOException("connection closed by the provider before it answered");
            }
            Conn fresh = connect(connectHost, connectPort, pool, deadlineNanos);
            try {
                return exchange(fresh, head, body, deadlineNanos, streamIdleMillis);
            } catch (StaleConnection again) {
                fresh.close();
                throw new IOException("connection closed by the provider before it answered");
            } catch (IOException | RuntimeException other) {
                fresh.close();
                throw other;
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Closes every pooled connection (server shutdown). */
    void close() {
        for (Pool p : pools.values()) {
            for (Conn c; (c = p.idle.pollFirst()) != null; ) {
                p.size.decrementAndGet();
                c.close();
            }
        }
    }

    private static final class StaleConnection extends IOException {
        StaleConnection() {
            super("stale pooled connection", null);
        }
    }

    private Response exchange(
            Conn c, byte[] head, byte[] body, long deadlineNanos, long streamIdleMillis)
            throws IOException {
        try {
            // One write for small requests: head and body in one segment.
            if (head.length + body.length <= 64 * 1024) {
                byte[] all = new byte[head.length + body.length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(body, 0, all, head.length, body.length);
                c.out.write(all);
            } else {
                c.out.write(head);
                c.out.write(body);
            }
            c.out.flush();
        } catch (IOException e) {
            throw new StaleConnection();
        }
        int status;
        Map<String, String> headers;
        boolean keepAlive;
        while (true) {
            setTimeout(c, deadlineNanos);
            String statusLine = readLine(c.in, true);
            if (statusLine == null) {
                throw new StaleConnection();
            }
            // "HTTP/1.1 200 OK"
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.x answer");
            }
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("bad status line");
            }
            headers = new HashMap<>();
            for (String line = readLine(c.in, false);
                    !line.isEmpty();
                    line = readLine(c.in, false)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(
                            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            if (status >= 100 && status < 200) {
                continue; // 100 Continue and friends: the real answer follows
            }
            keepAlive =
                    statusLine.startsWith("HTTP/1.1")
                            && !"close".equalsIgnoreCase(headers.get("connection"));
            break;
        }
        InputStream bodyIn;
        String te = headers.get("transfer-encoding");
        String cl = headers.get("content-length");
        if (status == 204 || status == 304) {
            bodyIn =
                    new Body(
                            c,
                            this,
                            new FixedLength(c.in, 0),
                            keepAlive,
                            deadlineNanos,
                            streamIdleMillis);
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            bodyIn =
                    new Body(
                            c, this, new Chunked(c.in), keepAlive, deadlineNanos, streamIdleMillis);
        } else if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length");
            }
            bodyIn =
                    new Body(
                            c,
                            this,
                            new FixedLength(c.in, n),
                            keepAlive,
                            deadlineNanos,
                            streamIdleMillis);
        } else {
            bodyIn = new Body(c, this, c.in, false, deadlineNanos, streamIdleMillis); // until close
        }
        return new Response(status, headers, bodyIn);
    }

    private void setTimeout(Conn c, long deadlineNanos) throws IOException {
        long left = (deadlineNanos - nanoTime.getAsLong()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        c.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    private Conn borrow(Pool pool) {
        long now = nanoTime.getAsLong();
        for (Conn c; (c = pool.idle.pollFirst()) != null; ) {
            pool.size.decrementAndGet();
            if (now - c.idleSince < MAX_IDLE_NANOS && !c.socket.isClosed()) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private void release(Conn c) {
        Pool pool = c.pool;
        if (pool.size.incrementAndGet() > MAX_IDLE_PER_HOST) {
            pool.size.decrementAndGet();
            c.close();
            return;
        }
        c.idleSince = nanoTime.getAsLong();
        pool.idle.offerFirst(c); // most recently used first: warm connections stay warm
        closeExpired(pool, c.idleSince);
    }

    /**
     * Idle connections sink to the tail; close the expired ones there instead of keeping their
     * sockets.
     */
    private static void closeExpired(Pool pool, long now) {
        for (Conn oldest; (oldest = pool.idle.pollLast()) != null; ) {
            if (now - oldest.idleSince < MAX_IDLE_NANOS) {
                pool.idle.offerLast(oldest);
                return;
            }
            pool.size.decrementAndGet();
            oldest.close();
        }
    }

    /** Idle connections held for a host (for tests). */
    int idleConnections(String host, int port) {
        Pool p = pools.get(host + ":" + port);
        return p == null ? 0 : p.idle.size();
    }

    private Conn connect(String host, int port, Pool pool, long deadlineNanos) throws IOException {
        long left = (deadlineNanos - nanoTime.getAsLong()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(host, port), (int) Math.min(CONNECT_TIMEOUT_MS, left));
            return new Conn(s, pool);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static byte[] head(
            String path, String host, int port, Map<String, String> headers, int length) {
        StringBuilder b = new StringBuilder(256);
        b.append("POST ").append(path).append(" HTTP/1.1\r\n");
        b.append("Host: ").append(host);
        if (port != 80) {
            b.append(':').append(port);
        }
        b.append(
                "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n");
        b.append("Content-Length: ").append(length).append("\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            checkHeader(h.getKey());
            checkHeader(h.getValue());
            b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Header injection guard: a credential or option with a line break must never split the head.
     */
    private static void checkHeader(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0) {
                throw new IllegalArgumentException("header contains a line break");
            }
        }
    }

    /** A CRLF- (or LF-) terminated ASCII line; null at end of stream only when {@code eofOk}. */
    private static String readLine(InputStream in, boolean eofOk) throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int ch = in.read();
            if (ch == -1) {
                if (eofOk && b.length() == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the answer's head");
            }
            if (ch == '\n') {
                int n = b.length();
                if (n > 0 && b.charAt(n - 1) == '\r') {
                    b.setLength(n - 1);
                }
                return b.toString();
            }
            if (b.length() > 16 * 1024) {
                throw new IOException("answer head line too long");
            }
            b.append((char) ch);
        }
    }

    /**
     * The answer's body: bounds each read by the deadline (or the stream's idle time), returns the
     * connection to the pool once the body was read to its end, and closes it if abandoned earlier.
     */
    private static final class Body extends InputStream {
        private final Conn conn;
        private final Http1Client client;
        private final InputStream in;
        private final boolean reusable;
        private final long deadlineNanos;
        private final long idleMillis;
        private boolean finished;

        Body(
                Conn conn,
                Http1Client client,
                InputStream in,
                boolean reusable,
                long deadlineNanos,
                long idleMillis) {
            this.conn = conn;
            this.client = client;
            this.in = in;
            this.reusable = reusable;
            this.deadlineNanos = deadlineNanos;
            this.idleMillis = idleMillis;
        }

        private void bound() throws IOException {
            if (idleMillis > 0) {
                conn.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleMillis));
            } else {
                client.setTimeout(conn, deadlineNanos);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (finished) {
                return -1;
            }
            bound();
            int n = in.read(b, off, len);
            if (n == -1) {
                finish(true);
            }
            return n;
        }

        /** Reads what is left, up to {@code max} bytes; more than that closes the connection. */
        byte[] readAll(int max) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
            byte[] buf = new byte[8192];
            for (int n; (n = read(buf, 0, buf.length)) != -1; ) {
                out.write(buf, 0, n);
                if (out.size() > max) {
                    close();
                    break;
                }
            }
            return out.toByteArray();
        }

        private void finish(boolean atEnd) {
            if (finished) {
                return;
            }
            finished = true;
            if (atEnd && reusable) {
                client.release(conn);
            } else {
                conn.close();
            }
        }

        @Override
        public void close() {
            if (!finished && reusable) {
                drainBuffered();
            }
            finish(false);
        }

        /**
         * A stream's reader stops at its last event ("data: [DONE]"); the end of the body (the last
         * chunk) has usually arrived with it. Reading what is already buffered keeps the connection
         * reusable without waiting for anything that has not arrived.
         */
        private void drainBuffered() {
            byte[] buf = new byte[1024];
            try {
                conn.socket.setSoTimeout(20);
                for (int guard = 0; guard < 64 && conn.in.available() > 0; guard++) {
                    if (in.read(buf, 0, buf.length) == -1) {
                        finish(true);
                        return;
                    }
                }
                if (!finished
                        && conn.in.available() == 0
                        && in instanceof Chunked ch
                        && ch.atEnd()) {
                    finish(true);
                }
            } catch (IOException e) {
                // not reusable then; close() closes it
            }
        }
    }

    private static final class FixedLength extends InputStream {
        private final InputStream in;
        private long left;

        FixedLength(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n == -1) {
                throw new EOFException("answer shorter than its Content-Length");
            }
            left -= n;
            return n;
        }
    }

    /** Chunked transfer coding (RFC 9112 section 7.1); trailers are read and dropped. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean eof;

        Chunked(InputStream in) {
            this.in = in;
        }

        boolean atEnd() {
            return eof;
        }

        @Override
        public int read() throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (eof) {
                return -1;
            }
            if (left == 0) {
                String size = readLine(in, false);
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size");
                }
                if (left == 0) {
                    for (String t = readLine(in, false); !t.isEmpty(); t = readLine(in, false)) {
                        // trailer fields: not used
                    }
                    eof = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n == -1) {
                throw new EOFException("answer cut inside a chunk");
            }
            left -= n;
            if (left == 0) {
                if (!readLine(in, false).isEmpty()) {
                    throw new IOException("bad chunk end");
                }
            }
            return n;
        }
    }
}
