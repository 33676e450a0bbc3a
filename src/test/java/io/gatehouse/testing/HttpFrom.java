package io.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 requests sent from a chosen local address (e.g. {@code 127.0.0.2}, which Linux routes
 * over loopback like {@code 127.0.0.1}), so that tests can act as different clients or as a reverse
 * proxy. The JDK's HttpClient cannot bind its local address on Java 17.
 */
public final class HttpFrom {
    private final InetAddress local;

    private HttpFrom(InetAddress local) {
        this.local = local;
    }

    public static HttpFrom address(String ip) {
        try {
            return new HttpFrom(InetAddress.getByName(ip));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A POST with a JSON body; {@code headers} are name, value pairs. */
    public Http.Response post(String path, String json, String... headers) {
        return send("POST", path, json, headers);
    }

    /** A GET; {@code headers} are name, value pairs. */
    public Http.Response get(String path, String... headers) {
        return send("GET", path, "", headers);
    }

    private Http.Response send(String method, String path, String json, String... headers) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder();
        req.append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: localhost:")
                .append(TestEnv.httpPort())
                .append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ")
                .append(body.length)
                .append("\r\n")
                .append("Connection: close\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        req.append("\r\n");
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(local, 0));
            s.connect(new InetSocketAddress("127.0.0.1", TestEnv.httpPort()), 5_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return parse(s.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Http.Response parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("No HTTP response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim();
            String value = lines[i].substring(colon + 1).trim();
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            chunked |=
                    name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked");
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        byte[] body = chunked ? dechunk(new java.io.ByteArrayInputStream(rest)) : rest;
        return new Http.Response(status, new String(body, StandardCharsets.UTF_8), headers);
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            String hex = size.toString().split(";")[0].trim();
            if (hex.isEmpty() || Integer.parseInt(hex, 16) == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(Integer.parseInt(hex, 16)));
            in.read(); // \r
            in.read(); // \n
        }
    }
}
