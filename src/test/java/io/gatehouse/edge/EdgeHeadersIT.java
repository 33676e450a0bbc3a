package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Security headers, the CORS allowlist, the body size limit and the signing key rotation. */
class EdgeHeadersIT {
    private final Http http = Http.local();

    @Test
    void securityHeadersOnApiAnswers() {
        Http.Response r = http.get("/api/v1/me", TestTenant.demo().auth("admin"));
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'");
    }

    @Test
    void corsOnlyForAllowedOrigins() {
        String allowed = "http://console.example.test";
        Http.Response pre =
                http.send(
                        HttpRequest.newBuilder(URI.create(http0() + "/api/v1/me"))
                                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                        "Origin",
                        allowed,
                        "Access-Control-Request-Method",
                        "GET");
        assertThat(pre.status()).isEqualTo(204);
        assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo(allowed);
        Http.Response other = http.get("/api/v1/me", "Origin", "http://evil.example.test");
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
        // A preflight from an origin not on the list (nor one that merely starts like an allowed
        // one)
        // is granted nothing.
        for (String origin :
                new String[] {"http://evil.example.test", allowed + ".evil.example.test"}) {
            Http.Response refused =
                    http.send(
                            HttpRequest.newBuilder(URI.create(http0() + "/api/v1/me"))
                                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                            "Origin",
                            origin,
                            "Access-Control-Request-Method",
                            "GET");
            assertThat(refused.header("Access-Control-Allow-Origin")).as(origin).isNull();
            assertThat(refused.header("Access-Control-Allow-Methods")).as(origin).isNull();
            assertThat(refused.header("Access-Control-Allow-Headers")).as(origin).isNull();
        }
    }

    @Test
    void oversizedBodiesAreRefusedBeforeParsing() throws Exception {
        // A raw request announcing 5 MB: the server must answer 413 from the header alone, without
        // waiting for (or buffering) the body.
        String v1 = rawPost("/v1/chat/completions", 5_000_000, TestTenant.DEMO_API_KEY);
        assertThat(v1).startsWith("HTTP/1.1 413");
        assertThat(v1)
                .contains("\"code\":\"request_too_large\"")
                .contains("\"type\":\"invalid_request_error\"");
        String api = rawPost("/api/v1/auth/login", 5_000_000, null);
        assertThat(api).startsWith("HTTP/1.1 413");
        assertThat(api.toLowerCase(java.util.Locale.ROOT))
                .contains("content-type: application/problem+json");
    }

    /** Without Content-Length the limit holds too: the body is cut off once it passes 4 MiB. */
    @Test
    void oversizedChunkedBodiesAreRefusedToo() throws Exception {
        String v1 = rawChunkedPost("/v1/chat/completions", TestTenant.DEMO_API_KEY);
        assertThat(v1).startsWith("HTTP/1.1 413");
        assertThat(v1).contains("\"code\":\"request_too_large\"").doesNotContain("Exception");
        String api = rawChunkedPost("/api/v1/auth/login", null);
        assertThat(api).startsWith("HTTP/1.1 413");
        assertThat(api.toLowerCase(java.util.Locale.ROOT))
                .contains("content-type: application/problem+json");
        assertThat(api).contains("request_too_large").doesNotContain("Exception");
    }

    /** A JSON string of 5 MB sent in 64 KiB chunks; the answer, whenever it comes. */
    private static String rawChunkedPost(String path, String key) throws Exception {
        try (java.net.Socket s =
                new java.net.Socket("localhost", io.gatehouse.testing.TestEnv.httpPort())) {
            s.setSoTimeout(30_000);
            java.io.OutputStream out = s.getOutputStream();
            String head =
                    "POST "
                            + path
                            + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] chunk = new byte[65_536];
            java.util.Arrays.fill(chunk, (byte) 'a');
            byte[] first = "{\"model\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(first, 0, chunk, 0, first.length);
            try {
                for (int sent = 0; sent < 5_000_000; sent += chunk.length) {
                    out.write(
                            (Integer.toHexString(chunk.length) + "\r\n")
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.flush();
                }
                out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException e) {
                // the server may answer and close before the body is through
            }
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = s.getInputStream().read(buf)) > 0) {
                    answer.write(buf, 0, n);
                }
            } catch (java.io.IOException e) {
                // a reset after the answer: what arrived is judged
            }
            return answer.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String rawPost(String path, int announced, String key) throws Exception {
        try (java.net.Socket s =
                new java.net.Socket("localhost", io.gatehouse.testing.TestEnv.httpPort())) {
            s.setSoTimeout(20_000);
            String head =
                    "POST "
                            + path
                            + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                            + "Content-Length: "
                            + announced
                            + "\r\nConnection: close\r\n\r\n{\"model\":\"";
            s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] buf = new byte[8192];
            StringBuilder out = new StringBuilder();
            java.io.InputStream in = s.getInputStream();
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    out.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                    if (out.indexOf("}") > 0 && out.indexOf("\r\n\r\n") > 0) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // whatever arrived is judged below
            }
            return out.toString();
        }
    }

    @Test
    void signingKeyRotationKeepsEarlierTokensValid() {
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        String before = TestTenant.login("dave", TestTenant.DEMO_PASSWORD);
        int keysBefore = http.get("/.well-known/jwks.json").json().getJsonArray("keys").size();
        assertThat(
                        http.post(
                                        "/api/v1/platform/signing-keys/rotate",
                                        "",
                                        TestTenant.demo().auth("admin"))
                                .status())
                .isEqualTo(403);
        assertThat(
                        http.post(
                                        "/api/v1/platform/signing-keys/rotate",
                                        "",
                                        "Authorization",
                                        "Bearer " + platform)
                                .status())
                .isEqualTo(204);
        assertThat(http.get("/.well-known/jwks.json").json().getJsonArray("keys").size())
                .isEqualTo(keysBefore + 1);
        String after = TestTenant.login("dave", TestTenant.DEMO_PASSWORD);
        assertThat(header(after)).isNotEqualTo(header(before));
        assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + before).status())
                .isEqualTo(200);
        assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + after).status())
                .isEqualTo(200);
    }

    private static String header(String jwt) {
        return jwt.substring(0, jwt.indexOf('.'));
    }

    private static String http0() {
        return io.gatehouse.testing.TestEnv.baseUrl();
    }
}
