package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsServer;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestCa;
import io.gatehouse.testing.TestTenant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider behind TLS signed by a private CA (a corporate CA, TLS inspection): the server without
 * GATEHOUSE_TLS_CA_BUNDLE refuses the connection (the certificate is not trusted), the server with
 * the CA's PEM bundle calls it.
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

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-test-ca");
        TestCa ca = TestCa.create(dir);
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
                        Map.of("GATEHOUSE_TLS_CA_BUNDLE", ca.caPem().toString()));
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
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    }

    @Test
    void aPrivateCaIsRefusedWithoutTheBundleAndTrustedWithIt() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogRows.provider(
                t.id(),
                "private-tls",
                "openai",
                "https://localhost:" + provider.getAddress().getPort() + "/v1",
                "{}",
                "m",
                "chat");
        CatalogRows.route(t.id(), "private-tls", "chat", "priority", 0, "private-tls/m");

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
}
