package io.gatehouse.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP forward proxy for tests, as an operator's outbound proxy: absolute-form requests
 * for {@code http://} targets (forwarded one per connection, {@code Connection: close}) and {@code
 * CONNECT} tunnels for {@code https://}. It resolves names from its own table only (names no DNS
 * knows, such as {@code *.corp.invalid}), so a call that reached a target by such a name went
 * through it. {@link #seen()} records the request line of every request it handled.
 */
public final class ForwardProxy implements AutoCloseable {
    private final ServerSocket server;
    private final Map<String, InetSocketAddress> routes;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final ExecutorService threads =
            Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "test-forward-proxy");
                        t.setDaemon(true);
                        return t;
                    });

    private ForwardProxy(ServerSocket server, Map<String, InetSocketAddress> routes) {
        this.server = server;
        this.routes = routes;
    }

    /**
     * Starts on 127.0.0.1; {@code routes} maps {@code host:port} as clients name it to where the
     * proxy connects. Any other target is answered 502.
     */
    public static ForwardProxy start(Map<String, InetSocketAddress> routes) throws IOException {
        ForwardProxy p =
                new ForwardProxy(
                        new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                        Map.copyOf(routes));
        p.threads.execute(p::acceptLoop);
        return p;
    }

    /** {@code http://127.0.0.1:port}: the value of GATEHOUSE_EGRESS_PROXY. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Request lines handled so far: {@code CONNECT host:port} or {@code POST http://host/path}. */
    public List<String> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                threads.execute(() -> handle(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String[] requestLine = head.get(0).split(" ");
            String method = requestLine[0];
            String target = requestLine[1];
            if (method.equals("CONNECT")) {
                seen.add("CONNECT " + target);
                InetSocketAddress to = routes.get(target);
                if (to == null) {
                    out.write(status(502));
                    return;
                }
                try (Socket upstream = new Socket(to.getAddress(), to.getPort())) {
                    out.write(
                            "HTTP/1.1 200 Connection Established\r\n\r\n"
                                    .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    threads.execute(
                            () -> {
                                try {
                                    in.transferTo(upstream.getOutputStream());
                                    upstream.shutdownOutput();
                                } catch (IOException e) {
                                    // the tunnel ends
                                }
                            });
                    upstream.getInputStream().transferTo(out);
                }
                return;
            }
            seen.add(method + " " + target);
            URI uri = URI.create(target);
            InetSocketAddress to =
                    "http".equals(uri.getScheme())
                            ? routes.get(
                                    uri.getHost()
                                            + ":"
                                            + (uri.getPort() == -1 ? 80 : uri.getPort()))
                            : null;
            if (to == null) {
                out.write(status(502));
                return;
            }
            long length = 0;
            StringBuilder forward =
                    new StringBuilder(method)
                            .append(' ')
                            .append(uri.getRawPath())
                            .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                            .append(" HTTP/1.1\r\n");
            for (String h : head.subList(1, head.size())) {
                String name =
                        h.substring(0, Math.max(0, h.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
                if (name.equals("transfer-encoding")) {
                    out.write(status(501)); // not needed by the clients under test
                    return;
                }
                if (name.equals("content-length")) {
                    length = Long.parseLong(h.substring(h.indexOf(':') + 1).trim());
                }
                if (!name.equals("connection")
                        && !name.equals("proxy-connection")
                        && !name.equals("keep-alive")) {
                    forward.append(h).append("\r\n");
                }
            }
            forward.append("Connection: close\r\n\r\n");
            byte[] body = in.readNBytes((int) length);
            byte[] response;
            try (Socket upstream = new Socket(to.getAddress(), to.getPort())) {
                OutputStream up = upstream.getOutputStream();
                up.write(forward.toString().getBytes(StandardCharsets.ISO_8859_1));
                up.write(body);
                up.flush();
                response = upstream.getInputStream().readAllBytes();
            }
            out.write(closing(response));
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client sees the connection end
        }
    }

    /** The upstream's response with {@code Connection: close}: one request per connection. */
    private static byte[] closing(byte[] response) throws IOException {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return response;
        }
        StringBuilder head = new StringBuilder();
        for (String line : text.substring(0, end).split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                head.append(line).append("\r\n");
            }
        }
        head.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        b.write(response, end + 4, response.length - end - 4);
        return b.toByteArray();
    }

    private static byte[] status(int code) {
        return ("HTTP/1.1 "
                        + code
                        + " Proxy Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The request line and headers, up to the empty line. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String l = line.toString(StandardCharsets.ISO_8859_1);
                if (l.endsWith("\r")) {
                    l = l.substring(0, l.length() - 1);
                }
                if (l.isEmpty()) {
                    return lines;
                }
                lines.add(l);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return List.of();
    }
}
