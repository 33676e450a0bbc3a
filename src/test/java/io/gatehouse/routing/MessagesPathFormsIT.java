package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Messages dialect's key rules (x-api-key or Bearer, the same key when both) hold for its path
 * however it is written: a form of {@code /v1/messages} the edge would read as another path ({@code
 * //}, {@code .}, {@code ..}, matrix parameters, other case) is either served exactly as {@code
 * /v1/messages}, with its credential rules, or refused; never authenticated by a looser rule
 * (Bearer only, a conflicting x-api-key ignored). Sent over a plain socket, the path exactly as
 * written. Beside it, every other path's non-canonical forms (/api, /mcp) are refused before any
 * credential is looked at.
 */
class MessagesPathFormsIT {
    static final String BODY =
            "{\"model\":\"sandbox\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static final List<String> FORMS =
            List.of(
                    "/v1//messages",
                    "/v1/./messages",
                    "/v1/%2e/messages",
                    "/v1/x/../messages",
                    "/v1/x/%2e%2e/messages",
                    "/v1/messages;x=y",
                    "/v1;x=y/messages",
                    "/v1/messages/",
                    "/V1/messages",
                    "/v1/MESSAGES");

    record Answer(int status, String head, String body) {
        boolean anthropicError() {
            return body.contains("\"type\":\"error\"") && !body.contains("Exception");
        }

        /** JSON the application wrote (a refusal by the container itself, before it, is not). */
        boolean fromTheApplication() {
            return head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    @Test
    void theCanonicalPathAppliesTheMessagesRulesInAnthropicsShape() throws Exception {
        String person = TestTenant.demo().token("admin");
        Answer ok = post("/v1/messages", "x-api-key", TestTenant.DEMO_API_KEY);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body()).contains("\"type\":\"message\"");
        for (Answer refused :
                List.of(
                        post("/v1/messages"),
                        post(
                                "/v1/messages",
                                "x-api-key",
                                "gh_live_nope",
                                "Authorization",
                                "Bearer " + TestTenant.DEMO_API_KEY),
                        post("/v1/messages", "Authorization", "Bearer " + person))) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.anthropicError()).as(refused.toString()).isTrue();
        }
    }

    @Test
    void everyOtherFormIsServedAsTheMessagesPathOrRefusedNeverByALooserRule() throws Exception {
        String person = TestTenant.demo().token("admin");
        for (String form : FORMS) {
            Answer xKey = post(form, "x-api-key", TestTenant.DEMO_API_KEY);
            assertThat(xKey.status()).as(form + ": " + xKey).isIn(200, 400, 401, 404);
            if (xKey.status() == 200) {
                // served: then exactly as /v1/messages (the container read it so)
                assertThat(xKey.body()).as(form).contains("\"type\":\"message\"");
            } else {
                assertThat(xKey.body()).as(form).doesNotContain("at io.gatehouse");
            }
            // the Messages rule refuses a Bearer key beside a different x-api-key; a Bearer-only
            // rule would ignore the header and let it pass
            Answer conflicting =
                    post(
                            form,
                            "x-api-key",
                            "gh_live_nope",
                            "Authorization",
                            "Bearer " + TestTenant.DEMO_API_KEY);
            assertThat(conflicting.status()).as(form + ": " + conflicting).isIn(400, 401, 404);
            Answer asPerson = post(form, "Authorization", "Bearer " + person);
            assertThat(asPerson.status()).as(form + ": " + asPerson).isIn(400, 401, 404);
            Answer anonymous = post(form);
            assertThat(anonymous.status()).as(form + ": " + anonymous).isIn(400, 401, 404);
            // a refusal on a form of the Messages path speaks the Messages dialect's shape
            if (!form.startsWith("/V1") && !form.endsWith("MESSAGES")) {
                for (Answer a : List.of(conflicting, asPerson, anonymous)) {
                    if (a.fromTheApplication()) {
                        assertThat(a.anthropicError()).as(form + ": " + a).isTrue();
                    } else {
                        // Liberty itself refuses an encoded dot (%2e) before the application
                        // runs, with its own HTML page: a refusal all the same
                        assertThat(a.status()).as(form + ": " + a).isEqualTo(400);
                    }
                    assertThat(a.body()).as(form).doesNotContain("at io.gatehouse");
                }
            }
        }
    }

    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    /**
     * Every path, not only /v1, is refused (404, or 400 by the container itself) when written
     * another way than its canonical form, before its credential is looked at and whatever the
     * credential: the person path (/api) and the key paths (/v1, /mcp) are chosen from the
     * canonical path, so a form cannot move a request from one's rules to the other's.
     */
    @Test
    void everyNonCanonicalPathIsRefusedBeforeAuthenticationWhateverItsPrefix() throws Exception {
        String person = "Bearer " + TestTenant.demo().token("admin");
        String key = "Bearer " + TestTenant.DEMO_API_KEY;
        // the canonical paths answer: the person on /api, the key on /mcp
        Answer me = send("GET", "/api/v1/me", null, "Authorization", person);
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        Answer ping = send("POST", "/mcp", PING, "Authorization", key);
        assertThat(ping.status()).as(ping.toString()).isEqualTo(200);

        // each form with the canonical path a reader could take it for
        Map<String, String> gets = new LinkedHashMap<>();
        gets.put("/v1/../api/v1/me", "/api/v1/me");
        gets.put("/v1/x/../../api/v1/me", "/api/v1/me");
        gets.put("/api/v1//me", "/api/v1/me");
        gets.put("/api/v1/./me", "/api/v1/me");
        gets.put("/api/v1/x/../me", "/api/v1/me");
        gets.put("/api/v1/me;x=1", "/api/v1/me");
        gets.put("/api;x=1/v1/me", "/api/v1/me");
        gets.put("/api/v1%2fme", "/api/v1/me");
        gets.put("/api%2Fv1/me", "/api/v1/me");
        gets.put("/api/v1%5cme", "/api/v1/me");
        gets.put("/api/v1\\me", "/api/v1/me");
        for (var form : gets.entrySet()) {
            for (String credential : List.of(person, key)) {
                Answer canonical = send("GET", form.getValue(), null, "Authorization", credential);
                Answer a = send("GET", form.getKey(), null, "Authorization", credential);
                assertRefusedOrServedAsItsCanonicalPath(form.getKey(), a, canonical);
            }
        }
        Map<String, String> posts = new LinkedHashMap<>();
        posts.put("/mcp;x=1", "/mcp");
        posts.put("/mcp/;x=1", "/mcp/");
        posts.put("//mcp", "/mcp");
        posts.put("/./mcp", "/mcp");
        posts.put("/x/../mcp", "/mcp");
        posts.put("/api/../mcp", "/mcp");
        posts.put("/mcp%2f", "/mcp/");
        posts.put("/mcp%5C", "/mcp");
        posts.put("/v1%2fmessages", "/v1/messages");
        posts.put("/v1/chat%2Fcompletions", "/v1/chat/completions");
        posts.put("/v1\\messages", "/v1/messages");
        for (var form : posts.entrySet()) {
            for (String credential : List.of(person, key)) {
                Answer canonical = send("POST", form.getValue(), PING, "Authorization", credential);
                Answer a = send("POST", form.getKey(), PING, "Authorization", credential);
                assertRefusedOrServedAsItsCanonicalPath(form.getKey(), a, canonical);
            }
        }
    }

    /**
     * Refused by its form: a 404 by the edge, or the container's own 400 before the application
     * runs. Or, where the container itself resolved the form to the canonical path before the
     * application saw it (dot segments), served exactly as that path is (same status, same rules).
     * Never a credential judged by another path's rules.
     */
    private static void assertRefusedOrServedAsItsCanonicalPath(
            String form, Answer a, Answer canonical) {
        assertThat(a.body()).as(form).doesNotContain("at io.gatehouse");
        if (!a.fromTheApplication()) {
            assertThat(a.status()).as(form + ": " + a).isIn(400, 404);
        } else if (a.status() == 404) {
            assertThat(a.body()).as(form + ": " + a).contains("canonical form");
        } else {
            // only dot segments are the container's to resolve; anything else reached the edge
            assertThat(form).as(form + ": " + a).contains("/.");
            assertThat(a.status())
                    .as(form + " served, then as its canonical path: " + a + " vs " + canonical)
                    .isEqualTo(canonical.status());
        }
    }

    /** One POST of the Messages body over a plain socket, the path sent exactly as given. */
    static Answer post(String path, String... headers) throws Exception {
        return send("POST", path, BODY, headers);
    }

    /**
     * One request over a plain socket, the path sent exactly as given; {@code json} may be null.
     */
    static Answer send(String method, String path, String json, String... headers)
            throws Exception {
        try (Socket s = new Socket("localhost", TestEnv.httpPort())) {
            s.setSoTimeout(30_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            StringBuilder head =
                    new StringBuilder(method + " ")
                            .append(path)
                            .append(" HTTP/1.1\r\nHost: localhost\r\n")
                            .append("Content-Type: application/json\r\n")
                            .append("Content-Length: ")
                            .append(body.length)
                            .append("\r\nConnection: close\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            head.append("\r\n");
            s.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
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
            String all = out.toString(StandardCharsets.UTF_8);
            assertThat(all).as(path).startsWith("HTTP/1.1 ");
            int split = all.indexOf("\r\n\r\n");
            return new Answer(
                    Integer.parseInt(all.substring(9, 12)),
                    split < 0 ? all : all.substring(0, split),
                    split < 0 ? "" : all.substring(split + 4));
        }
    }
}
