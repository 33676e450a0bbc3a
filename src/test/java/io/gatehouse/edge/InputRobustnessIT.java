package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Burst;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Client text PostgreSQL cannot store (U+0000, unpaired surrogates) and JSON nested deeper than the
 * limit, on the management API, in paths, query parameters and headers: always a 400 (structured,
 * except where Liberty refuses a path itself), never a 5xx, and never a failed audit batch that
 * takes other tenants' requests down with it.
 */
class InputRobustnessIT {
    static final Http HTTP = Http.local();
    static final String DEEP = "[".repeat(5000) + "]".repeat(5000);
    static final String GOOD_CHAT =
            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"still served\"}]}";

    static void assertProblem(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonObject p = r.json();
        assertThat(p.getInt("status")).isEqualTo(status);
        assertThat(p.getString("code")).isEqualTo(code);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    /**
     * Issue 16 review, item 1: Parsson's readers (and JSON-B over them) stop after the first value
     * and ignore the rest, so {@code {..}{..}}, {@code {..}]} or {@code {..}"} were accepted with
     * the tail unread. Every kind of API body now answers 400 {@code invalid_json}.
     */
    @Test
    void textAfterTheJsonBodyIs400ProblemJsonOnEveryKindOfApiBody() {
        TestTenant t = TestTenant.fresh();
        for (String tail : List.of("{\"a\":1}", "]", "\"", "x")) {
            // JSON-B records (login is public), JSON-P objects, and String bodies
            assertProblem(
                    HTTP.post(
                            "/api/v1/auth/login", "{\"username\":\"u\",\"password\":\"p\"}" + tail),
                    400,
                    "invalid_json");
            assertProblem(
                    HTTP.post("/api/v1/keys", "{\"name\":\"tail\"}" + tail, t.auth("admin")),
                    400,
                    "invalid_json");
            assertProblem(
                    HTTP.method(
                            "PUT",
                            "/api/v1/audit/retention",
                            "{\"mode\":\"metadata\"}" + tail,
                            t.auth("admin")),
                    400,
                    "invalid_json");
            assertProblem(
                    HTTP.post("/api/v1/policies/test", "{\"a\":1}" + tail, t.auth("admin")),
                    400,
                    "invalid_json");
            assertProblem(
                    HTTP.post("/api/v1/changes", "{\"kind\":\"prompt\"}" + tail, t.auth("author")),
                    400,
                    "invalid_json");
            assertProblem(
                    HTTP.post(
                            "/api/v1/webhooks", "{\"url\":\"https://x\"}" + tail, t.auth("admin")),
                    400,
                    "invalid_json");
        }
        // nothing was created by any of them
        Http.Response keys = HTTP.get("/api/v1/keys", t.auth("admin"));
        assertThat(keys.body()).doesNotContain("\"tail\"");
        // trailing whitespace is no tail
        assertThat(HTTP.post("/api/v1/keys", "{\"name\":\"ok-ws\"} \n", t.auth("admin")).status())
                .isIn(200, 201);
    }

    @Test
    void deeplyNestedJsonIs400ProblemJsonOnEveryKindOfApiBody() {
        TestTenant t = TestTenant.fresh();
        // JSON-B records (login is public), JSON-P objects, and String bodies parsed by the
        // resource
        assertProblem(
                HTTP.post("/api/v1/auth/login", "{\"username\":" + DEEP + "}"),
                400,
                "json_too_deep");
        assertProblem(
                HTTP.post("/api/v1/keys", "{\"name\":\"k\",\"x\":" + DEEP + "}", t.auth("admin")),
                400,
                "json_too_deep");
        assertProblem(HTTP.post("/api/v1/users", DEEP, t.auth("admin")), 400, "json_too_deep");
        assertProblem(
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":" + DEEP + "}",
                        t.auth("admin")),
                400,
                "json_too_deep");
        assertProblem(
                HTTP.post("/api/v1/policies/test", "{\"a\":" + DEEP + "}", t.auth("admin")),
                400,
                "json_too_deep");
        String deepObjects = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
        assertProblem(
                HTTP.post("/api/v1/changes", deepObjects, t.auth("author")), 400, "json_too_deep");
        assertProblem(
                HTTP.post("/api/v1/webhooks", deepObjects, t.auth("admin")), 400, "json_too_deep");
        // within the limit, the endpoints answer as before
        assertThat(
                        HTTP.post(
                                        "/api/v1/keys",
                                        "{\"name\":\"ok\",\"x\":"
                                                + "[".repeat(50)
                                                + "]".repeat(50)
                                                + "}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(201);
    }

    @Test
    void unstorableNamesAre400AndNeverPoisonAnotherTenantsConcurrentRequests() throws Exception {
        TestTenant t = TestTenant.fresh();
        TestTenant demo = TestTenant.demo();
        String changeBody =
                "{\"kind\":\"prompt\",\"target\":\"p\\u0000x\",\"comment\":\"c\",\"content\":{\"messages\":"
                        + "[{\"role\":\"system\",\"content\":\"hi\"}],\"route\":\"sandbox\",\"label\":\"production\"}}";
        // even workers send good requests of the demo tenant, odd ones unstorable names of t
        String[][] badCalls = {
            // a failed login records the claimed name as the actor
            {"/api/v1/auth/login", "{\"username\":\"ad\\u0000min\",\"password\":\"x\"}", null},
            {
                "/api/v1/users",
                "{\"username\":\"u\\ud800\",\"password\":\"pw-long-enough-123\",\"roles\":[\"author\"]}",
                "admin"
            },
            {"/api/v1/keys", "{\"name\":\"key\\u0000\"}", "admin"},
            {"/api/v1/changes", changeBody, "author"},
            {
                "/api/v1/webhooks",
                "{\"url\":\"https://hooks.example/\\u0000\",\"events\":[\"change.published\"]}",
                "admin"
            }
        };
        List<List<Http.Response>> answers =
                Burst.perWorker(
                        6,
                        w -> 15,
                        (w, n) -> {
                            if (w % 2 == 0) {
                                return HTTP.post("/v1/chat/completions", GOOD_CHAT, demo.keyAuth());
                            }
                            String[] call = badCalls[n % badCalls.length];
                            return call[2] == null
                                    ? HTTP.post(call[0], call[1])
                                    : HTTP.post(call[0], call[1], t.auth(call[2]));
                        });
        for (int w = 0; w < answers.size(); w++) {
            if (w % 2 == 0) {
                assertThat(answers.get(w))
                        .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
            } else {
                assertThat(answers.get(w))
                        .allSatisfy(r -> assertProblem(r, 400, "unsupported_character"));
            }
        }
        Http.Response login =
                HTTP.post(
                        "/api/v1/auth/login", "{\"username\":\"ad\\u0000min\",\"password\":\"x\"}");
        assertThat(login.json().getString("param")).isEqualTo("username");
        Http.Response change = HTTP.post("/api/v1/changes", changeBody, t.auth("author"));
        assertThat(change.json().getString("param")).isEqualTo("target");
        assertThat(HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json().getBoolean("valid"))
                .isTrue();
        assertThat(
                        HTTP.get("/api/v1/audit/verify", demo.auth("auditor"))
                                .json()
                                .getBoolean("valid"))
                .isTrue();
    }

    /** Liberty itself refuses a percent-encoded NUL in the path, before any filter of ours runs. */
    static void assertRefusedByTheContainer(Http.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.body()).contains("CWWWC0005I").doesNotContain("Exception");
    }

    @Test
    void unstorablePathsAndQueryParametersAre400NotA500() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertRefusedByTheContainer(HTTP.get("/api/v1/policies/a%00b", t.auth("admin")));
        assertRefusedByTheContainer(
                HTTP.get("/api/v1/lineage/reviewers/x%00/changes", t.auth("auditor")));
        assertRefusedByTheContainer(HTTP.get("/v1/models/a%00", t.keyAuth()));
        // query parameters are decoded by the application: its own structured 400
        assertProblem(
                HTTP.get("/api/v1/audit/events?actor=a%00", t.auth("auditor")),
                400,
                "unsupported_character");
        assertProblem(
                HTTP.get("/api/v1/audit/events?target=%ED%A0%80%00", t.auth("auditor")),
                400,
                "unsupported_character");
        Http.Response v1 = HTTP.get("/v1/usage?groupBy=route%00", t.keyAuth());
        assertThat(v1.status()).as(v1.toString()).isEqualTo(400);
        assertThat(v1.json().getJsonObject("error").getString("type"))
                .isEqualTo("invalid_request_error");
        assertThat(v1.json().getJsonObject("error").getString("code"))
                .isEqualTo("unsupported_character");
        assertThat(v1.json().getJsonObject("error").getString("param")).isEqualTo("groupBy");
        assertThat(HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json().getBoolean("valid"))
                .isTrue();
    }

    @Test
    void aNulInARefusedCallsPathNeverReachesTheApplicationOrItsAuditTrail() throws Exception {
        String marker = "probe-" + UUID.randomUUID();
        assertRefusedByTheContainer(HTTP.get("/api/v1/" + marker + "%00"));
        assertRefusedByTheContainer(
                HTTP.get("/v1/" + marker + "%00", "Authorization", "Bearer gh_live_wrong"));
        // the same refused calls without the NUL are audited (401), with their path
        assertProblem(HTTP.get("/api/v1/" + marker), 401, "unauthenticated");
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE position(? in details->>'path') > 0",
                                    marker))
                    .as("only the call without the NUL reached the application")
                    .isEqualTo(1);
        }
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        JsonObject v =
                HTTP.get(
                                "/api/v1/audit/verify?chain=platform",
                                "Authorization",
                                "Bearer " + platform)
                        .json();
        assertThat(v.getBoolean("valid")).as(v.toString()).isTrue();
    }

    @Test
    void unstorableHeadersAreRefusedAndAClientRequestIdWithOneIsNeverEchoed() throws Exception {
        TestTenant demo = TestTenant.demo();
        byte[] body = GOOD_CHAT.getBytes(StandardCharsets.UTF_8);
        String auth = "Bearer " + demo.apiKey();
        Raw ok =
                raw(
                        "POST",
                        "/v1/chat/completions",
                        body,
                        "Authorization",
                        auth,
                        "User-Agent",
                        "fine/1.0");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        Raw nulAgent =
                raw(
                        "POST",
                        "/v1/chat/completions",
                        body,
                        "Authorization",
                        auth,
                        "User-Agent",
                        "evil\u0000agent");
        // Liberty passes a NUL in a header value through; the application refuses it
        assertThat(nulAgent.status()).as(nulAgent.text()).isEqualTo(400);
        assertThat(nulAgent.text()).contains("\"code\":\"unsupported_character\"");
        assertThat(nulAgent.text().toLowerCase()).contains("\"param\":\"user-agent\"");
        Raw nulId =
                raw(
                        "POST",
                        "/v1/chat/completions",
                        body,
                        "Authorization",
                        auth,
                        "X-Request-Id",
                        "id\u0000x");
        assertThat(nulId.status()).as(nulId.text()).isEqualTo(400);
        assertThat(nulId.text()).contains("\"code\":\"unsupported_character\"");
        assertThat(nulId.text().toLowerCase()).doesNotContain("x-client-request-id");
        // header bytes that are no UTF-8 arrive as Latin-1 characters: storable, served
        Raw latin =
                raw(
                        "POST",
                        "/v1/chat/completions",
                        body,
                        "Authorization",
                        auth,
                        "X-Gatehouse-User",
                        "\u00ed\u00a0\u0080");
        assertThat(latin.status()).as(latin.text()).isEqualTo(200);
        assertThat(
                        HTTP.get("/api/v1/audit/verify", demo.auth("auditor"))
                                .json()
                                .getBoolean("valid"))
                .isTrue();
    }

    record Raw(int status, String text) {}

    /**
     * One HTTP/1.1 exchange over a plain socket: java.net.http refuses to send a NUL in a header.
     */
    static Raw raw(String method, String path, byte[] body, String... headers) throws Exception {
        try (Socket s = new Socket("localhost", TestEnv.httpPort())) {
            s.setSoTimeout(30_000);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.write(
                    (method
                                    + " "
                                    + path
                                    + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: "
                                    + body.length
                                    + "\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i + 1 < headers.length; i += 2) {
                req.write(
                        (headers[i] + ": " + headers[i + 1] + "\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
            }
            req.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            req.write(body);
            OutputStream out = s.getOutputStream();
            out.write(req.toByteArray());
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int sp = text.indexOf(' ');
            int status = sp < 0 ? -1 : Integer.parseInt(text.substring(sp + 1, sp + 4));
            return new Raw(status, text);
        }
    }

    static String json(String k, String v) {
        return Json.createObjectBuilder().add(k, v).build().toString();
    }
}
