package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server configured with an outbound proxy (GATEHOUSE_EGRESS_PROXY) sends provider calls through
 * it: the provider's name is checked by name and left to the proxy to resolve (here a name no DNS
 * knows), while literal private addresses are still refused before anything is sent.
 */
class EgressProxyIT {
    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"via proxy\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
    static HttpServer proxy;
    static final List<String> seen = new CopyOnWriteArrayList<>();
    static LibertyInstance proxied;

    @BeforeAll
    static void start() throws Exception {
        // stands in for the proxy: records the absolute-form target and answers as the provider
        // would
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext(
                "/",
                ex -> {
                    if (ex.getRequestURI()
                            .getPath()
                            .endsWith("/chat/completions")) { // not other tests' webhooks
                        seen.add(
                                ex.getRequestMethod()
                                        + " "
                                        + ex.getRequestURI()
                                        + " Host="
                                        + ex.getRequestHeaders().getFirst("Host"));
                    }
                    ex.getRequestBody().readAllBytes();
                    byte[] body = OK.getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                    ex.close();
                });
        proxy.start();
        proxied =
                LibertyInstance.start(
                        "gatehouse-egress-proxy",
                        Map.of(
                                "GATEHOUSE_EGRESS_PROXY",
                                "http://127.0.0.1:" + proxy.getAddress().getPort()));
        proxied.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (proxied != null) {
            proxied.close();
        }
        proxy.stop(0);
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    }

    @Test
    void providerCallsGoThroughTheProxyWhichResolvesTheName() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogRows.provider(
                t.id(), "named", "openai", "http://models.corp.invalid:8000/v1", "{}", "m", "chat");
        CatalogRows.route(t.id(), "named", "chat", "priority", 0, "named/m");
        CatalogRows.provider(
                t.id(), "literal", "openai", "http://10.0.0.7:8000/v1", "{}", "m", "chat");
        CatalogRows.route(t.id(), "literal", "chat", "priority", 0, "literal/m");
        Http http = proxied.http();

        Http.Response ok = http.post("/v1/chat/completions", chat("named"), t.keyAuth());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body()).contains("via proxy");
        assertThat(seen)
                .containsExactly(
                        "POST http://models.corp.invalid:8000/v1/chat/completions Host=models.corp.invalid:8000");

        // a literal private address is judged here, proxy or not
        Http.Response refused = http.post("/v1/chat/completions", chat("literal"), t.keyAuth());
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.json().getJsonObject("error").getString("message")).contains("refused");
        assertThat(seen).hasSize(1);

        // the same named provider on the server without a proxy: the name does not resolve, nothing
        // is sent
        Http.Response direct =
                Http.local().post("/v1/chat/completions", chat("named"), t.keyAuth());
        assertThat(direct.status()).isEqualTo(502);
        assertThat(seen).hasSize(1);
    }
}
