package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.ForwardProxy;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestCa;
import io.gatehouse.testing.TestIssuer;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server configured with an outbound proxy (GATEHOUSE_EGRESS_PROXY) sends every outbound call
 * through it: provider calls (http in absolute form, https by CONNECT), webhook deliveries and the
 * external issuer's JWKS fetch (https by CONNECT). Every destination is named with a host name no
 * DNS knows ({@code *.corp.invalid}) that only the test's proxy ({@link ForwardProxy}) resolves, so
 * an answer from it cannot have come around the proxy; the proxy's record shows the request. Names
 * are checked by name and left to the proxy, while literal private addresses are still refused
 * before anything is sent. The https destinations present a certificate of a private CA that the
 * instance trusts through GATEHOUSE_TLS_CA_BUNDLE (a corporate network: proxy plus in-house CA).
 * One Liberty instance serves all (about 30 s of start).
 */
class EgressProxyIT {
    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"via proxy\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
    static final String ISSUER = "https://idp.corp.invalid/realms/proxied";
    static HttpServer provider;
    static HttpsServer tlsProvider;
    static HttpsServer hookReceiver;
    static TestIssuer idp;
    static ForwardProxy proxy;
    static final List<String> providerHosts = new CopyOnWriteArrayList<>();
    static final List<String> hooksReceived = new CopyOnWriteArrayList<>();
    static LibertyInstance proxied;

    @BeforeAll
    static void start() throws Exception {
        TestCa ca =
                TestCa.create(
                        Files.createTempDirectory("gatehouse-proxy-ca"),
                        "models.corp.invalid",
                        "hooks.corp.invalid",
                        "idp.corp.invalid");
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/", EgressProxyIT::answerAsProvider);
        provider.start();
        tlsProvider = ca.httpsServer();
        tlsProvider.createContext("/", EgressProxyIT::answerAsProvider);
        tlsProvider.start();
        hookReceiver = ca.httpsServer();
        hookReceiver.createContext(
                "/hook",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    hooksReceived.add(ex.getRequestHeaders().getFirst("X-Gatehouse-Delivery"));
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                });
        hookReceiver.start();
        idp = TestIssuer.serve("proxied-idp-1", ca.httpsServer());
        proxy =
                ForwardProxy.start(
                        Map.of(
                                "models.corp.invalid:8000", provider.getAddress(),
                                "models.corp.invalid:443", tlsProvider.getAddress(),
                                "hooks.corp.invalid:443", hookReceiver.getAddress(),
                                "idp.corp.invalid:443", idp.address()));
        proxied =
                LibertyInstance.start(
                        "gatehouse-egress-proxy",
                        Map.of(
                                "GATEHOUSE_EGRESS_PROXY",
                                proxy.url(),
                                "GATEHOUSE_TLS_CA_BUNDLE",
                                ca.caPem().toString(),
                                "GATEHOUSE_OIDC_ISSUER",
                                ISSUER,
                                "GATEHOUSE_OIDC_JWKS_URL",
                                "https://idp.corp.invalid/certs",
                                "GATEHOUSE_OIDC_ROLE_MAP",
                                "proxied-auditors=auditor",
                                "GATEHOUSE_OIDC_DEFAULT_TENANT",
                                "demo"));
        proxied.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (proxied != null) {
            proxied.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        for (HttpServer s : new HttpServer[] {provider, tlsProvider, hookReceiver}) {
            if (s != null) {
                s.stop(0);
            }
        }
        if (idp != null) {
            idp.close();
        }
    }

    static void answerAsProvider(com.sun.net.httpserver.HttpExchange ex)
            throws java.io.IOException {
        providerHosts.add(ex.getRequestHeaders().getFirst("Host"));
        ex.getRequestBody().readAllBytes();
        byte[] body = OK.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    }

    /** What the proxy handled for {@code host}, in order. */
    static List<String> proxied(String host) {
        return proxy.seen().stream().filter(l -> l.contains(host)).toList();
    }

    @Test
    void providerCallsGoThroughTheProxyWhichResolvesTheName() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(), "named", "openai", "http://models.corp.invalid:8000/v1", "{}", "m", "chat");
        CatalogFixture.route(t.id(), "named", "chat", "priority", 0, "named/m");
        CatalogFixture.provider(
                t.id(), "tls", "openai", "https://models.corp.invalid/v1", "{}", "m", "chat");
        CatalogFixture.route(t.id(), "tls", "chat", "priority", 0, "tls/m");
        CatalogFixture.provider(
                t.id(), "literal", "openai", "http://10.0.0.7:8000/v1", "{}", "m", "chat");
        CatalogFixture.route(t.id(), "literal", "chat", "priority", 0, "literal/m");
        Http http = proxied.http();

        // plain http: the request in absolute form, the proxy resolves the name and forwards
        Http.Response ok = http.post("/v1/chat/completions", chat("named"), t.keyAuth());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body()).contains("via proxy");
        assertThat(proxied("models.corp.invalid:8000"))
                .containsExactly("POST http://models.corp.invalid:8000/v1/chat/completions");
        assertThat(providerHosts).containsExactly("models.corp.invalid:8000");

        // https: a CONNECT tunnel to the name, TLS end to end with the provider
        Http.Response tls = http.post("/v1/chat/completions", chat("tls"), t.keyAuth());
        assertThat(tls.status()).as(tls.toString()).isEqualTo(200);
        assertThat(tls.body()).contains("via proxy");
        assertThat(proxied("models.corp.invalid:443"))
                .containsExactly("CONNECT models.corp.invalid:443");
        assertThat(providerHosts).hasSize(2);

        // a literal private address is judged here, proxy or not
        Http.Response refused = http.post("/v1/chat/completions", chat("literal"), t.keyAuth());
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.json().getJsonObject("error").getString("message")).contains("refused");
        assertThat(proxied("10.0.0.7")).isEmpty();

        // the same named provider on the server without a proxy: the name does not resolve, nothing
        // is sent
        Http.Response direct =
                Http.local().post("/v1/chat/completions", chat("named"), t.keyAuth());
        assertThat(direct.status()).isEqualTo(502);
        assertThat(providerHosts).hasSize(2);
    }

    @Test
    void webhookDeliveriesGoThroughTheProxy() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response hook =
                proxied.http()
                        .post(
                                "/api/v1/webhooks",
                                "{\"url\":\"https://hooks.corp.invalid/hook\"}",
                                t.auth("admin"));
        assertThat(hook.status()).as(hook.toString()).isEqualTo(201);
        String webhookId = hook.json().getString("id");

        Http.Response change =
                proxied.http()
                        .post(
                                "/api/v1/changes",
                                Changes.body(
                                        "prompt",
                                        Changes.uniquePrompt(),
                                        Changes.prompt("through the proxy"),
                                        "webhook through the proxy"),
                                t.auth("author"));
        assertThat(change.status()).as(change.toString()).isEqualTo(201);
        String changeId = change.json().getString("id");

        // The shared test server may claim the delivery too: it has no proxy, cannot resolve the
        // name, and records connection_failed, which is retried. Only through the proxy can the
        // receiver be reached.
        JsonObject delivered = null;
        for (int i = 0; i < 600 && delivered == null; i++) {
            for (JsonValue v :
                    Http.local()
                            .get("/api/v1/webhooks/" + webhookId + "/deliveries", t.auth("admin"))
                            .json()
                            .getJsonArray("data")) {
                JsonObject d = v.asJsonObject();
                if (d.getString("changeId").equals(changeId)
                        && d.getString("status").equals("delivered")) {
                    delivered = d;
                }
            }
            Thread.sleep(100);
        }
        assertThat(delivered).as("delivered within 60 s").isNotNull();
        assertThat(hooksReceived).contains(delivered.getString("id"));
        assertThat(proxied("hooks.corp.invalid"))
                .isNotEmpty()
                .allMatch(l -> l.equals("CONNECT hooks.corp.invalid:443"));
    }

    @Test
    void theExternalIssuersKeysAreFetchedThroughTheProxy() throws Exception {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setAudience("gatehouse");
        c.setSubject("u-" + UUID.randomUUID());
        c.setStringListClaim("groups", List.of("proxied-auditors"));
        c.setGeneratedJwtId();
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);

        Http.Response me =
                proxied.http().get("/api/v1/me", "Authorization", "Bearer " + idp.sign(c));
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().getJsonArray("roles").toString()).isEqualTo("[\"auditor\"]");
        assertThat(idp.served()).isPositive();
        assertThat(proxied("idp.corp.invalid"))
                .isNotEmpty()
                .allMatch(l -> l.equals("CONNECT idp.corp.invalid:443"));
    }
}
