package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook receivers on private, loopback or link-local addresses need the tenant's egress
 * allow-list (refused when added, 400, and again before every send); delivery records show outcome
 * classes, never the receiver's status code or our exception names (no port scanner for tenant
 * admins).
 */
class WebhookEgressIT {
    HttpServer server;
    final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/hook",
                ex -> {
                    received.incrementAndGet();
                    ex.getRequestBody().readAllBytes();
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                });
        server.createContext(
                "/missing",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    ex.sendResponseHeaders(404, -1);
                    ex.close();
                });
        server.createContext(
                "/broken",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    ex.sendResponseHeaders(503, -1);
                    ex.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    int port() {
        return server.getAddress().getPort();
    }

    static String[] platform() {
        return new String[] {
            "Authorization",
            "Bearer "
                    + TestTenant.login(
                            TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD)
        };
    }

    static void allow(TestTenant t, String entries) {
        Http.Response r =
                HTTP.method(
                        "PUT",
                        "/api/v1/platform/tenants/" + t.id() + "/egress-allowlist",
                        "{\"entries\":" + entries + "}",
                        platform());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    static Http.Response addWebhook(TestTenant t, String url) {
        return HTTP.post("/api/v1/webhooks", "{\"url\":\"" + url + "\"}", t.auth("admin"));
    }

    /** The first delivery of the endpoint once it was attempted at least once. */
    static JsonObject attempted(TestTenant t, String webhookId) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            JsonArray data =
                    HTTP.get("/api/v1/webhooks/" + webhookId + "/deliveries", t.auth("admin"))
                            .json()
                            .getJsonArray("data");
            if (!data.isEmpty() && data.getJsonObject(0).getInt("attempts") > 0) {
                return data.getJsonObject(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no delivery attempted for " + webhookId);
    }

    @Test
    void privateReceiversAreRefusedUnlessTheTenantsListCoversThemAndAgainAtSendTime()
            throws Exception {
        TestTenant t = TestTenant.fresh();
        for (String url :
                new String[] {
                    "http://127.0.0.1:" + port() + "/hook",
                    "http://[::1]:" + port() + "/hook",
                    "http://10.1.2.3/hook",
                    "http://192.168.1.10/hook",
                    "http://172.16.0.1/hook",
                    "http://169.254.10.10/hook",
                    "http://[fe80::1]/hook",
                    "http://2130706433/hook"
                }) {
            Http.Response r = addWebhook(t, url);
            assertThat(r.status()).as(url + ": " + r).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().getString("param")).isEqualTo("url");
            assertThat(r.json().getString("detail")).startsWith("url refused");
        }

        allow(
                t,
                "[{\"destination\":\"127.0.0.1\",\"port\":"
                        + port()
                        + ",\"note\":\"IT receiver\"}]");
        Http.Response w = addWebhook(t, "http://127.0.0.1:" + port() + "/hook");
        assertThat(w.status()).as(w.toString()).isEqualTo(201);
        String id = w.json().getString("id");
        try (ServerSocket other = new ServerSocket(0)) {
            assertThat(addWebhook(t, "http://127.0.0.1:" + other.getLocalPort() + "/hook").status())
                    .isEqualTo(400);
        }

        Changes.create(t, "author", Changes.uniquePrompt(), "Allowed");
        JsonObject delivered = attempted(t, id);
        assertThat(delivered.getString("lastOutcome")).isEqualTo("delivered");
        assertThat(received.get()).isEqualTo(1);

        // the platform admin takes the entry away: the next delivery is refused before it is sent
        allow(t, "[]");
        Changes.create(t, "author", Changes.uniquePrompt(), "Refused");
        JsonObject refused = null;
        for (int i = 0; i < 150 && refused == null; i++) {
            for (var v :
                    HTTP.get("/api/v1/webhooks/" + id + "/deliveries", t.auth("admin"))
                            .json()
                            .getJsonArray("data")) {
                if (v.asJsonObject().getString("status").equals("failed")) {
                    refused = v.asJsonObject();
                }
            }
            Thread.sleep(100);
        }
        assertThat(refused).as("refused delivery").isNotNull();
        assertThat(refused.getString("lastOutcome")).isEqualTo("refused");
        assertThat(refused.getInt("attempts")).isEqualTo(1);
        assertThat(received.get()).isEqualTo(1);
    }

    @Test
    void deliveryRecordsShowOutcomeClassesNotStatusCodesOrExceptionNames() throws Exception {
        TestTenant t = TestTenant.fresh();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        allow(
                t,
                "[{\"destination\":\"127.0.0.1\",\"port\":"
                        + port()
                        + "},"
                        + "{\"destination\":\"127.0.0.1\",\"port\":"
                        + closed
                        + "}]");
        String missing =
                addWebhook(t, "http://127.0.0.1:" + port() + "/missing").json().getString("id");
        String broken =
                addWebhook(t, "http://127.0.0.1:" + port() + "/broken").json().getString("id");
        String nobody =
                addWebhook(t, "http://127.0.0.1:" + closed + "/hook").json().getString("id");
        Changes.create(t, "author", Changes.uniquePrompt(), "Outcomes");
        try {
            assertThat(attempted(t, missing).getString("lastOutcome")).isEqualTo("http_error_4xx");
            assertThat(attempted(t, broken).getString("lastOutcome")).isEqualTo("http_error_5xx");
            assertThat(attempted(t, nobody).getString("lastOutcome"))
                    .isEqualTo("connection_failed");
            for (String id : new String[] {missing, broken, nobody}) {
                Http.Response r =
                        HTTP.get("/api/v1/webhooks/" + id + "/deliveries", t.auth("admin"));
                JsonObject d = r.json().getJsonArray("data").getJsonObject(0);
                assertThat(d.keySet())
                        .containsExactlyInAnyOrderElementsOf(
                                Set.of(
                                        "id",
                                        "changeId",
                                        "event",
                                        "status",
                                        "attempts",
                                        "lastOutcome",
                                        "createdAt",
                                        "deliveredAt"));
                assertThat(r.body()).doesNotContain("Exception").doesNotContain("HTTP ");
            }
        } finally {
            for (String id : new String[] {missing, broken, nobody}) {
                HTTP.method("DELETE", "/api/v1/webhooks/" + id, null, t.auth("admin"));
            }
        }
    }
}
