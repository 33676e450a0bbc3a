package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static io.gatehouse.testing.Changes.create;
import static io.gatehouse.testing.Changes.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stand-in endpoint receives one signed webhook per transition. */
class WebhooksIT {
    static final String SECRET = "whsec_it-0123456789abcdef";

    record Received(Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    // a second endpoint on the stand-in: its deliveries are the barrier for silence on the first
    final List<Received> receivedLive = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/hook",
                ex -> {
                    String body =
                            new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    int status = failFirst.getAndDecrement() > 0 ? 500 : 204;
                    if (status == 204) {
                        received.add(new Received(Map.copyOf(ex.getRequestHeaders()), body));
                    }
                    ex.sendResponseHeaders(status, -1);
                    ex.close();
                });
        server.createContext(
                "/hook-live",
                ex -> {
                    String body =
                            new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    receivedLive.add(new Received(Map.copyOf(ex.getRequestHeaders()), body));
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /**
     * The stand-in by name: the test server's operator entry allows "localhost" (not 127.0.0.1).
     */
    String url() {
        return "http://localhost:" + server.getAddress().getPort() + "/hook";
    }

    /**
     * What a receiver does: HMAC-SHA256 over "t.body" with the shared secret, compared in constant
     * time.
     */
    static boolean verify(String header, String body) throws Exception {
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals("t")) {
                t = kv[1];
            } else if (kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
        long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t));
        return age < 300 && MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1));
    }

    void awaitReceived(int n) throws InterruptedException {
        awaitReceived(received, n);
    }

    static void awaitReceived(List<Received> on, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (on.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(on).hasSizeGreaterThanOrEqualTo(n);
    }

    /** The endpoint's deliveries once none is pending (delivered and failed are final). */
    static JsonArray settledDeliveries(TestTenant t, String webhookId, int n)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        JsonArray data;
        do {
            data =
                    HTTP.get("/api/v1/webhooks/" + webhookId + "/deliveries", t.auth("admin"))
                            .json()
                            .getJsonArray("data");
            if (data.size() >= n
                    && data.stream()
                            .noneMatch(
                                    d -> d.asJsonObject().getString("status").equals("pending"))) {
                return data;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return data;
    }

    @Test
    void everyTransitionIsPostedOnceSignedAndWithoutContent() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response w =
                HTTP.post(
                        "/api/v1/webhooks",
                        "{\"url\":\""
                                + url()
                                + "\",\"secret\":\""
                                + SECRET
                                + "\",\"description\":\"chat\"}",
                        t.auth("admin"));
        assertThat(w.status()).as(w.toString()).isEqualTo(201);
        String webhookId = w.json().getString("id");
        assertThat(HTTP.get("/api/v1/webhooks", t.auth("admin")).body()).doesNotContain(SECRET);

        String name = Changes.uniquePrompt();
        String id = create(t, "author", name, "Signed");
        ok(t, "author", id, "submit");
        ok(t, "reviewer", id, "approve");
        ok(t, "admin", id, "publish");

        awaitReceived(4);
        // Once: every delivery row is in a final state (never claimed again) after one attempt,
        // and a later event that is delivered after them finds no duplicate before it (the
        // dispatcher sends in the order the rows were written).
        JsonArray settled = settledDeliveries(t, webhookId, 4);
        assertThat(settled)
                .hasSize(4)
                .extracting(v -> v.asJsonObject().getString("status"))
                .containsOnly("delivered");
        assertThat(settled).extracting(v -> v.asJsonObject().getInt("attempts")).containsOnly(1);
        String later = create(t, "author", Changes.uniquePrompt(), "Later");
        awaitReceived(5);
        assertThat(received).hasSize(5);
        assertThat(received.get(4).json().getJsonObject("change").getString("id")).isEqualTo(later);
        received.remove(4);
        assertThat(received)
                .extracting(r -> r.header("X-Gatehouse-Delivery"))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        settled.stream().map(v -> v.asJsonObject().getString("id")).toList());
        assertThat(received)
                .extracting(r -> r.header("X-Gatehouse-Event"))
                .containsExactlyInAnyOrder(
                        "change.create", "change.submit", "change.approve", "change.publish");
        for (Received r : received) {
            assertThat(verify(r.header("X-Gatehouse-Signature"), r.body())).as(r.body()).isTrue();
            assertThat(verify(r.header("X-Gatehouse-Signature"), r.body() + " ")).isFalse();
            JsonObject p = r.json();
            assertThat(p.getString("tenantId")).isEqualTo(t.id());
            assertThat(p.getJsonObject("change").getString("id")).isEqualTo(id);
            assertThat(p.getJsonObject("change").getString("target")).isEqualTo(name);
            assertThat(r.body())
                    .doesNotContain("messages")
                    .doesNotContain("Signed")
                    .doesNotContain(SECRET);
            assertThat(r.header("X-Gatehouse-Delivery")).isEqualTo(p.getString("id"));
        }
        JsonObject publish =
                received.stream()
                        .filter(r -> r.header("X-Gatehouse-Event").equals("change.publish"))
                        .findFirst()
                        .orElseThrow()
                        .json();
        assertThat(publish.getJsonObject("change").getString("state")).isEqualTo("published");
        assertThat(publish.getJsonObject("change").getString("previousState"))
                .isEqualTo("approved");

        assertThat(settled)
                .extracting(v -> v.asJsonObject().getString("lastOutcome"))
                .containsOnly("delivered");
        // another tenant sees neither the endpoint nor its deliveries
        assertThat(
                        HTTP.get(
                                        "/api/v1/webhooks/" + webhookId + "/deliveries",
                                        TestTenant.demo().auth("admin"))
                                .status())
                .isEqualTo(404);
    }

    @Test
    void aFailedDeliveryIsRetried() throws Exception {
        TestTenant t = TestTenant.fresh();
        failFirst.set(1);
        assertThat(
                        HTTP.post(
                                        "/api/v1/webhooks",
                                        "{\"url\":\"" + url() + "\",\"secret\":\"" + SECRET + "\"}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(201);
        create(t, "author", Changes.uniquePrompt(), "Retried");
        awaitReceived(1);
        assertThat(received.get(0).header("X-Gatehouse-Event")).isEqualTo("change.create");
        assertThat(verify(received.get(0).header("X-Gatehouse-Signature"), received.get(0).body()))
                .isTrue();
    }

    @Test
    void deactivatedEndpointsGetNothingAndBadUrlsAreRefused() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response w =
                HTTP.post("/api/v1/webhooks", "{\"url\":\"" + url() + "\"}", t.auth("admin"));
        assertThat(w.status()).isEqualTo(201);
        assertThat(w.json().getString("secret")).startsWith("whsec_");
        assertThat(
                        HTTP.method(
                                        "DELETE",
                                        "/api/v1/webhooks/" + w.json().getString("id"),
                                        null,
                                        t.auth("admin"))
                                .json()
                                .getBoolean("active"))
                .isFalse();
        // barrier: an active endpoint of the same tenant gets the transition's message
        Http.Response live =
                HTTP.post("/api/v1/webhooks", "{\"url\":\"" + url() + "-live\"}", t.auth("admin"));
        assertThat(live.status()).isEqualTo(201);
        String change = create(t, "author", Changes.uniquePrompt(), "Unheard");
        awaitReceived(receivedLive, 1);
        assertThat(receivedLive.get(0).json().getJsonObject("change").getString("id"))
                .isEqualTo(change);
        assertThat(received).isEmpty();
        // and the deactivated one has no message queued that could still arrive
        assertThat(
                        HTTP.get(
                                        "/api/v1/webhooks/"
                                                + w.json().getString("id")
                                                + "/deliveries",
                                        t.auth("admin"))
                                .json()
                                .getJsonArray("data"))
                .isEmpty();
        assertThat(HTTP.post("/api/v1/webhooks", "{\"url\":\"ftp://x\"}", t.auth("admin")).status())
                .isEqualTo(400);
        assertThat(
                        HTTP.post(
                                        "/api/v1/webhooks",
                                        "{\"url\":\"http://u:p@x/\"}",
                                        t.auth("admin"))
                                .status())
                .isEqualTo(400);
        // no deliveries to cloud metadata or link-local addresses (SSRF)
        for (String ssrf :
                List.of(
                        "http://169.254.169.254/latest/meta-data/",
                        "http://metadata.google.internal/computeMetadata/v1/",
                        "http://[fe80::1]/hook",
                        "http://0.0.0.0:8080/hook")) {
            Http.Response refused =
                    HTTP.post("/api/v1/webhooks", "{\"url\":\"" + ssrf + "\"}", t.auth("admin"));
            assertThat(refused.status()).as(ssrf).isEqualTo(400);
            assertThat(refused.body()).as(ssrf).contains("url refused");
        }
    }

    @Test
    void aDestinationRefusedAtSendTimeIsNotRetried() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response w =
                HTTP.post("/api/v1/webhooks", "{\"url\":\"" + url() + "\"}", t.auth("admin"));
        assertThat(w.status()).isEqualTo(201);
        String id = w.json().getString("id");
        // as if its name now resolved to the metadata service (or the row predates the guard)
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE governance_webhooks SET url = ? WHERE id = ?::uuid")) {
            ps.setString(1, "http://169.254.169.254/latest/meta-data/");
            ps.setString(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        create(t, "author", Changes.uniquePrompt(), "Refused");
        JsonObject d = null;
        for (int i = 0; i < 100 && d == null; i++) {
            var data =
                    HTTP.get("/api/v1/webhooks/" + id + "/deliveries", t.auth("admin"))
                            .json()
                            .getJsonArray("data");
            if (!data.isEmpty() && !data.getJsonObject(0).getString("status").equals("pending")) {
                d = data.getJsonObject(0);
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(d).as("delivery attempted").isNotNull();
        assertThat(d.getString("status")).isEqualTo("failed");
        assertThat(d.getInt("attempts")).isEqualTo(1);
        // an outcome class, not the guard's reasoning
        assertThat(d.getString("lastOutcome")).isEqualTo("refused");
        assertThat(d.containsKey("lastError")).isFalse();
        assertThat(received).isEmpty();
    }
}
