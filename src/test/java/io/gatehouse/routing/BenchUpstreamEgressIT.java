package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark upstream the operator configures (GATEHOUSE_BENCH_UPSTREAM, on loopback) is allowed
 * by that configuration, for its host and port only: another loopback service stays refused, and a
 * server without the setting refuses the upstream too. No blanket loopback exemption. (Demo mode is
 * off on the extra server so that it seeds nothing into the shared test database.)
 */
class BenchUpstreamEgressIT {
    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"from bench\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
    static WireMockServer upstream;
    static WireMockServer sideService;
    static LibertyInstance bench;

    @BeforeAll
    static void start() {
        upstream = new WireMockServer(options().dynamicPort());
        sideService = new WireMockServer(options().dynamicPort());
        upstream.start();
        sideService.start();
        for (WireMockServer s : new WireMockServer[] {upstream, sideService}) {
            s.stubFor(
                    post(urlEqualTo("/v1/chat/completions"))
                            .willReturn(
                                    aResponse()
                                            .withHeader("Content-Type", "application/json")
                                            .withBody(OK)));
        }
        bench =
                LibertyInstance.start(
                        "gatehouse-bench-egress",
                        Map.of(
                                "GATEHOUSE_BENCH_UPSTREAM",
                                "http://127.0.0.1:" + upstream.port() + "/v1",
                                "GATEHOUSE_DEMO_ENABLED",
                                "false"));
        bench.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (bench != null) {
            bench.close();
        }
        upstream.stop();
        sideService.stop();
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    }

    static long calls(WireMockServer s) {
        return s.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
    }

    @Test
    void theConfiguredUpstreamIsAllowedForItsHostAndPortOnly() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "up",
                "openai",
                "http://127.0.0.1:" + upstream.port() + "/v1",
                "{}",
                "m",
                "chat");
        CatalogFixture.route(t.id(), "up", "chat", "priority", 0, "up/m");
        CatalogFixture.provider(
                t.id(),
                "side",
                "openai",
                "http://127.0.0.1:" + sideService.port() + "/v1",
                "{}",
                "m",
                "chat");
        CatalogFixture.route(t.id(), "side", "chat", "priority", 0, "side/m");

        Http.Response ok = bench.http().post("/v1/chat/completions", chat("up"), t.keyAuth());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.body()).contains("from bench");
        assertThat(calls(upstream)).isEqualTo(1);

        Http.Response side = bench.http().post("/v1/chat/completions", chat("side"), t.keyAuth());
        assertThat(side.status()).as(side.toString()).isEqualTo(502);
        assertThat(side.json().getJsonObject("error").getString("message")).contains("refused");
        assertThat(calls(sideService)).isZero();

        // the test server has no such setting: the same upstream is refused there
        Http.Response elsewhere =
                Http.local().post("/v1/chat/completions", chat("up"), t.keyAuth());
        assertThat(elsewhere.status()).isEqualTo(502);
        assertThat(calls(upstream)).isEqualTo(1);
    }
}
