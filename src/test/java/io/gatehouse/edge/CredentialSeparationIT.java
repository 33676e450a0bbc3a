package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One holder for the caller, two credentials that never stand in for each other (issue 16): an API
 * key never satisfies anything under {@code /api/v1} (401, whatever the path says first), and a
 * person's token, a platform admin's included, never passes as a {@code /v1} key (401 {@code
 * invalid_api_key}).
 */
class CredentialSeparationIT {
    private static final Http HTTP = Http.local();
    private static final String CHAT =
            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void anApiKeyNeverPassesOnTheAdministrationApi() throws Exception {
        TestTenant t = TestTenant.fresh();
        String[] key = t.keyAuth();
        assertThat(HTTP.get("/v1/models", key).status()).as("the key itself works").isEqualTo(200);
        for (String path :
                List.of(
                        "/api/v1/me",
                        "/api/v1/usage",
                        "/api/v1/keys",
                        "/api/v1/audit/events",
                        "/api/v1/changes")) {
            Http.Response r = HTTP.get(path, key);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.header("Content-Type")).as(path).startsWith("application/problem+json");
        }
        Http.Response create = HTTP.post("/api/v1/keys", "{\"name\":\"made by a key\"}", key);
        assertThat(create.status()).isEqualTo(401);
        assertThat(HTTP.get("/api/v1/keys", t.auth("admin")).body())
                .doesNotContain("made by a key");
        // paths that start like /v1 and lead to /api: never a person's answer (the tenant id)
        for (String path :
                List.of(
                        "/v1/../api/v1/me",
                        "/v1/%2e%2e/api/v1/me",
                        "/v1;x=1/../api/v1/me",
                        "/v1/..;/api/v1/me",
                        "/v1//../api/v1/me")) {
            String answer = raw("GET", path, t.apiKey());
            assertThat(status(answer)).as(path + ": " + answer).isIn(400, 401, 403, 404);
            assertThat(answer).as(path).doesNotContain(t.id());
        }
    }

    @Test
    void aPersonsTokenNeverPassesAsAnApiKey() throws Exception {
        TestTenant t = TestTenant.fresh();
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        assertThat(HTTP.get("/api/v1/me", t.auth("admin")).status())
                .as("the token itself works")
                .isEqualTo(200);
        for (String token : List.of(t.token("admin"), t.token("auditor"), platform)) {
            String[] auth = {"Authorization", "Bearer " + token};
            List<Http.Response> answers =
                    List.of(
                            HTTP.get("/v1/models", auth),
                            HTTP.get("/v1/models/sandbox", auth),
                            HTTP.get("/v1/usage", auth),
                            HTTP.post("/v1/chat/completions", CHAT, auth),
                            HTTP.post(
                                    "/v1/embeddings",
                                    "{\"model\":\"embeddings\",\"input\":\"hi\"}",
                                    auth));
            for (Http.Response r : answers) {
                assertThat(r.status()).as(r.toString()).isEqualTo(401);
                assertThat(r.json().getJsonObject("error").getString("code"))
                        .isEqualTo("invalid_api_key");
                assertThat(r.header("x-gatehouse-route")).isNull();
            }
            // a path the authentication filter does not read as /v1, but the resource matches:
            // the resource itself asks for a key
            for (String path : List.of("/v1;x=1/models", "/v1;x=1/usage")) {
                String answer = raw("GET", path, token);
                assertThat(status(answer)).as(path + ": " + answer).isIn(400, 401, 404);
                assertThat(answer).as(path).doesNotContain("\"object\":\"list\"");
                assertThat(answer).as(path).doesNotContain("\"groups\"");
            }
        }
    }

    /** One request over a plain socket, the path sent exactly as given. */
    static String raw(String method, String path, String bearer) throws Exception {
        try (Socket s = new Socket("localhost", TestEnv.httpPort())) {
            s.setSoTimeout(20_000);
            String head =
                    method
                            + " "
                            + path
                            + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                            + bearer
                            + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
            } catch (java.io.IOException e) {
                // a reset after the answer: what arrived is judged
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static int status(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 ");
        return Integer.parseInt(answer.substring(9, 12));
    }
}
