import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Time to first streamed chunk: POSTs a streaming chat request over a fresh loopback connection and
 * measures from the last byte written to the first {@code data:} line read, n times after a
 * warm-up; a sample counts only when the stream ends with {@code data: [DONE]}. Plain sockets, so
 * the probe itself adds as little as possible and the same for all.
 *
 * <p>The warm-up runs the same request for WARMUP_S seconds (at least 20 times): a JVM target
 * compiles its connection-setup path only after thousands of fresh connections, which the
 * keep-alive load before never exercises (with a 60-request warm-up Gatehouse's p50 was ~3x its
 * warm value).
 *
 * <pre>java bench/TtfcProbe.java URL N WARMUP_S BODY [Header: value ...]</pre>
 *
 * Prints {@code TTFC n=.. ok=.. errors=.. p50_us=.. p90_us=.. p99_us=..} (ok counts the warm-up
 * too).
 */
public final class TtfcProbe {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        long warmupNanos = Long.parseLong(args[2]) * 1_000_000_000L;
        byte[] body = args[3].getBytes(StandardCharsets.UTF_8);
        StringBuilder head =
                new StringBuilder("POST ")
                        .append(uri.getRawPath())
                        .append(" HTTP/1.1\r\n")
                        .append("Host: ")
                        .append(uri.getHost())
                        .append(':')
                        .append(uri.getPort())
                        .append("\r\n")
                        .append("Content-Type: application/json\r\nAccept: text/event-stream\r\n")
                        .append("Connection: close\r\nContent-Length: ")
                        .append(body.length)
                        .append("\r\n");
        for (int i = 4; i < args.length; i++) {
            head.append(args[i]).append("\r\n");
        }
        head.append("\r\n");
        byte[] request = concat(head.toString().getBytes(StandardCharsets.US_ASCII), body);
        long[] samples = new long[n];
        int errors = 0;
        int taken = 0;
        int ok = 0;
        long warmupEnd = System.nanoTime() + warmupNanos;
        for (int i = 0; i < 20 || System.nanoTime() < warmupEnd; i++) {
            if (once(uri, request) < 0) {
                errors++;
            } else {
                ok++;
            }
        }
        for (int i = 0; i < n; i++) {
            long t = once(uri, request);
            if (t < 0) {
                errors++;
            } else {
                ok++;
                samples[taken++] = t;
            }
        }
        long[] s = Arrays.copyOf(samples, taken);
        Arrays.sort(s);
        System.out.printf(
                "TTFC n=%d ok=%d errors=%d p50_us=%d p90_us=%d p99_us=%d%n",
                taken, ok, errors, pct(s, 50), pct(s, 90), pct(s, 99));
    }

    /** Nanoseconds to the first "data:" line converted to microseconds, or -1 on a failure. */
    private static long once(URI uri, byte[] request) {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(5_000);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            out.write(request);
            out.flush();
            byte[] buf = new byte[16384];
            // The first "\ndata:" (the first SSE event's line after the headers) stops the clock;
            // the
            // probe then reads on to "[DONE]" and closes, so the gateway finishes (and records) the
            // request normally without relying on it to close the connection.
            byte[] first = "\ndata:".getBytes(StandardCharsets.US_ASCII);
            byte[] done = "[DONE]".getBytes(StandardCharsets.US_ASCII);
            int matched = 0;
            long firstAt = -1;
            boolean finished = false;
            int statusLen = 0;
            byte[] status = new byte[12];
            int r;
            while (!finished && (r = in.read(buf)) > 0) {
                for (int i = 0; i < r && statusLen < status.length; i++) {
                    status[statusLen++] = buf[i];
                }
                for (int i = 0; i < r; i++) {
                    byte[] needle = firstAt < 0 ? first : done;
                    matched =
                            buf[i] == needle[matched] ? matched + 1 : (buf[i] == needle[0] ? 1 : 0);
                    if (matched == needle.length) {
                        matched = 0;
                        if (firstAt < 0) {
                            firstAt = System.nanoTime();
                        } else {
                            finished = true;
                            break;
                        }
                    }
                }
            }
            boolean ok;
            ok =
                    new String(status, 0, statusLen, StandardCharsets.US_ASCII)
                            .matches("HTTP/1\\.[01] 2\\d\\d");
            return ok && firstAt > 0 && finished ? (firstAt - start) / 1_000 : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
