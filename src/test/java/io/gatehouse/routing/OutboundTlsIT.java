package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsServer;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestCa;
import io.gatehouse.testing.TestIssuer;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every outbound path behind TLS signed by a private CA (a corporate CA, TLS inspection): provider
 * calls, webhook deliveries and the external issuer's JWKS fetch. A server without
 * GATEHOUSE_TLS_CA_BUNDLE, or a receiver presenting a certificate of a CA the bundle does not hold,
 * fails closed; the server with the CA's PEM bundle connects. One instance with the bundle serves
 * all three.
 */
class OutboundTlsIT {
    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"over private tls\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";
    static Path dir;
    static HttpsServer provider;
    static final AtomicInteger answered = new AtomicInteger();
    static LibertyInstance withBundle;

    /** The CA of the bundle, and another private CA the bundle does not hold. */
    static TestCa ca;

    static TestCa otherCa;
    static final AtomicReference<TestCa> hookPresents = new AtomicReference<>();
    static final AtomicReference<TestCa> jwksPresents = new AtomicReference<>();
    static HttpsServer hookReceiver;
    static final AtomicInteger hooksReceived = new AtomicInteger();
    static TestIssuer idp;
    static final String ISSUER = "https://idp.example.test/realms/tls";

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-test-ca");
        ca = TestCa.create(dir);
        otherCa = TestCa.create(Files.createTempDirectory("gatehouse-other-ca"));
        hookPresents.set(otherCa);
        jwksPresents.set(otherCa);
        hookReceiver = TestCa.httpsServer(hookPresents::get);
        hookReceiver.createContext(
                "/hook",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    hooksReceived.incrementAndGet();
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                });
        hookReceiver.start();
        idp = TestIssuer.serve("tls-idp-1", TestCa.httpsServer(jwksPresents::get));
        provider = ca.httpsServer();
        provider.createContext(
                "/",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    byte[] body = OK.getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                    answered.incrementAndGet();
                    ex.close();
                });
        provider.start();
        withBundle =
                LibertyInstance.start(
                        "gatehouse-ca-bundle",
                        Map.of(
                                "GATEHOUSE_TLS_CA_BUNDLE",
                                ca.caPem().toString(),
                                "GATEHOUSE_OIDC_ISSUER",
                                ISSUER,
                                "GATEHOUSE_OIDC_JWKS_URL",
                                idp.jwksUrl(),
                                "GATEHOUSE_OIDC_ROLE_MAP",
                                "tls-auditors=auditor",
                                "GATEHOUSE_OIDC_DEFAULT_TENANT",
                                "demo"));
        withBundle.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (withBundle != null) {
            withBundle.close();
        }
        if (provider != null) {
            provider.stop(0);
        }
        if (hookReceiver != null) {
            hookReceiver.stop(0);
        }
        if (idp != null) {
            idp.close();
        }
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    }

    @Test
    void aPrivateCaIsRefusedWithoutTheBundleAndTrustedWithIt() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "private-tls",
                "openai",
                "https://localhost:" + provider.getAddress().getPort() + "/v1",
                "{}",
                "m",
                "chat");
        CatalogFixture.route(t.id(), "private-tls", "chat", "priority", 0, "private-tls/m");

        Http.Response refused =
                Http.local().post("/v1/chat/completions", chat("private-tls"), t.keyAuth());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(502);
        assertThat(answered.get()).as("no request reached the provider").isZero();

        Http.Response ok =
                withBundle.http().post("/v1/chat/completions", chat("private-tls"), t.keyAuth());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body()).contains("over private tls");
        assertThat(answered.get()).isEqualTo(1);
    }

    @Test
    void webhookDeliveriesTrustTheBundleAndFailClosedOnAnotherCa() throws Exception {
        TestTenant t = TestTenant.fresh();
        int port = hookReceiver.getAddress().getPort();
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        Http.Response allowed =
                Http.local()
                        .method(
                                "PUT",
                                "/api/v1/platform/tenants/" + t.id() + "/egress-allowlist",
                                "{\"entries\":[{\"destination\":\"localhost\",\"port\":"
                                        + port
                                        + "},{\"destination\":\"127.0.0.1\",\"port\":"
                                        + port
                                        + "}]}",
                                "Authorization",
                                "Bearer " + platform);
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        Http.Response hook =
                Http.local()
                        .post(
                                "/api/v1/webhooks",
                                "{\"url\":\"https://localhost:" + port + "/hook\"}",
                                t.auth("admin"));
        assertThat(hook.status()).as(hook.toString()).isEqualTo(201);
        String id = hook.json().getString("id");

        // the receiver presents a certificate of a CA the bundle does not hold. Every instance
        // on the database may claim a delivery, and the shared test server (no bundle at all)
        // fails on any private CA: so wait for the attempt of the instance under test itself,
        // which its own log names, and see it refused in the handshake
        hookPresents.set(otherCa);
        String untrusted = newChange(t);
        String deliveryId =
                delivery(t, id, untrusted, d -> d.getInt("attempts") > 0).getString("id");
        String attempt = awaitOwnAttempt(deliveryId);
        assertThat(attempt).as(attempt).contains("failed: SSLHandshakeException");
        JsonObject failed = delivery(t, id, untrusted, d -> true);
        assertThat(failed.getString("lastOutcome")).isEqualTo("connection_failed");
        assertThat(failed.getString("status")).isNotEqualTo("delivered");
        assertThat(hooksReceived.get()).as("nothing reached the receiver").isZero();

        // the receiver presents the bundle's CA: the instance with the bundle delivers (a
        // delivery the test server claims first fails there, then is retried). Only an instance
        // trusting this run's fresh CA can deliver, and only this one was given it: the shared
        // server refuses it (aPrivateCaIsRefusedWithoutTheBundleAndTrustedWithIt)
        hookPresents.set(ca);
        String trusted = newChange(t);
        JsonObject delivered =
                delivery(t, id, trusted, d -> d.getString("status").equals("delivered"));
        assertThat(delivered.getString("lastOutcome")).isEqualTo("delivered");
        assertThat(hooksReceived.get()).isPositive();
    }

    /** The line of the instance under test's log about its own failed attempt at a delivery. */
    static String awaitOwnAttempt(String deliveryId) throws InterruptedException {
        String marker = "Webhook delivery " + deliveryId + " attempt ";
        for (int i = 0; i < 600; i++) {
            for (String line : withBundle.messagesLog().split("\n")) {
                if (line.contains(marker) && line.contains(" failed: ")) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "the instance with the bundle made no attempt at delivery " + deliveryId);
    }

    @Test
    void theExternalIssuersKeysAreFetchedOnlyFromAServerTheBundleTrusts() throws Exception {
        // the JWKS endpoint presents a certificate of another CA: the keys cannot be fetched, so
        // the token is refused like any unverifiable one (401 invalid_token), never accepted
        jwksPresents.set(otherCa);
        Http.Response refused = me(externalToken());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().getString("code")).isEqualTo("invalid_token");
        assertThat(idp.served()).as("no JWKS request got through the handshake").isZero();

        // the same endpoint with the bundle's CA: the keys are fetched and the token verifies
        jwksPresents.set(ca);
        Http.Response accepted = me(externalToken());
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        assertThat(accepted.json().getJsonArray("roles").toString()).isEqualTo("[\"auditor\"]");
        assertThat(idp.served()).isPositive();
    }

    static Http.Response me(String token) {
        return withBundle.http().get("/api/v1/me", "Authorization", "Bearer " + token);
    }

    static String externalToken() {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setAudience("gatehouse");
        c.setSubject("u-" + UUID.randomUUID());
        c.setStringListClaim("groups", List.of("tls-auditors"));
        c.setGeneratedJwtId();
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        return idp.sign(c);
    }

    /** A prompt change created on the instance with the bundle, which sends its webhook at once. */
    static String newChange(TestTenant t) {
        Http.Response r =
                withBundle
                        .http()
                        .post(
                                "/api/v1/changes",
                                Changes.body(
                                        "prompt",
                                        Changes.uniquePrompt(),
                                        Changes.prompt("over private tls"),
                                        "webhook over TLS"),
                                t.auth("author"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().getString("id");
    }

    /**
     * The webhook's delivery for change {@code changeId} once {@code done} holds (60 s at most).
     */
    static JsonObject delivery(
            TestTenant t, String webhookId, String changeId, Predicate<JsonObject> done)
            throws InterruptedException {
        JsonObject last = null;
        for (int i = 0; i < 600; i++) {
            JsonArray data =
                    Http.local()
                            .get("/api/v1/webhooks/" + webhookId + "/deliveries", t.auth("admin"))
                            .json()
                            .getJsonArray("data");
            for (JsonValue v : data) {
                JsonObject d = v.asJsonObject();
                if (d.getString("changeId").equals(changeId)) {
                    last = d;
                    if (done.test(d)) {
                        return d;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("delivery for change " + changeId + " not done: " + last);
    }
}
