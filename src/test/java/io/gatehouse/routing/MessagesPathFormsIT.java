package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Messages dialect's key rules (x-api-key or Bearer, the same key when both) hold for its path
 * however it is written: a form of {@code /v1/messages} the edge would read as another path ({@code
 * //}, {@code .}, {@code ..}, matrix parameters, other case) is either served exactly as {@code
 * /v1/messages}, with its credential rules, or refused; never authenticated by a looser rule
 * (Bearer only, a conflicting x-api-key ignored). Sent over a plain socket, the path exactly as
 * written.
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

    /** One POST over a plain socket, the path sent exactly as given. */
    static Answer post(String path, String... headers) throws Exception {
        try (Socket s = new Socket("localhost", TestEnv.httpPort())) {
            s.setSoTimeout(30_000);
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            StringBuilder head =
                    new StringBuilder("POST ")
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
