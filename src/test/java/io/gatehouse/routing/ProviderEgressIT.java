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
import io.gatehouse.testing.TestTenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Provider base URLs on private, loopback or link-local addresses: refused when a change names them
 * (400) and again on every call (502), until a platform admin puts them on the tenant's egress
 * allow-list. The stand-in is addressed as 127.0.0.1, which the test server's operator entry
 * ("localhost") does not cover.
 */
class ProviderEgressIT {
    static final Http HTTP = Http.local();
    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"from %s\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
    static WireMockServer standIn;

    @BeforeAll
    static void start() {
        standIn = new WireMockServer(options().dynamicPort());
        standIn.start();
    }

    @AfterAll
    static void stop() {
        standIn.stop();
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

    static Http.Response proposeProvider(
            TestTenant t, String name, String baseUrl, String options) {
        return HTTP.post(
                "/api/v1/changes",
                "{\"kind\":\"provider\",\"target\":\""
                        + name
                        + "\",\"content\":{\"kind\":\"openai\",\"baseUrl\":\""
                        + baseUrl
                        + "\",\"options\":"
                        + options
                        + ",\"models\":[{\"name\":\"m\"}]}}",
                t.auth("admin"));
    }

    static Http.Response chat(TestTenant t, String model) {
        return HTTP.post(
                "/v1/chat/completions",
                "{\"model\":\""
                        + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                t.keyAuth());
    }

    long standInCalls() {
        return standIn.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
    }

    @Test
    void aProviderChangeNamingAPrivateAddressIsRefusedUntilTheTenantsListCoversIt() {
        TestTenant t = TestTenant.fresh();
        int port = standIn.port();
        for (String url :
                new String[] {
                    "http://127.0.0.1:" + port + "/v1",
                    "http://10.0.0.5/v1",
                    "http://192.168.1.5:8000/v1",
                    "http://[::1]:" + port + "/v1",
                    "http://169.254.10.10/v1",
                    "http://[fe80::1]/v1",
                    "http://172.16.0.1/v1",
                    "http://127.0.0.1.nip.localhost/v1"
                }) {
            Http.Response r = proposeProvider(t, "private-p", url, "{}");
            assertThat(r.status()).as(url + ": " + r).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().getString("param")).isEqualTo("content.baseUrl");
            assertThat(r.json().getString("detail")).contains("refused");
        }
        // a provider can no longer exempt itself
        Http.Response optOut =
                proposeProvider(
                        t, "private-p", "http://169.254.10.10/v1", "{\"allowLinkLocal\":true}");
        assertThat(optOut.status()).isEqualTo(400);

        allow(t, "[{\"destination\":\"127.0.0.1\",\"port\":" + port + "}]");
        assertThat(
                        proposeProvider(t, "private-p", "http://127.0.0.1:" + port + "/v1", "{}")
                                .status())
                .isEqualTo(201);
        // the entry covers that port only
        assertThat(
                        proposeProvider(
                                        t,
                                        "other-p",
                                        "http://127.0.0.1:"
                                                + (port == 65535 ? 1 : port + 1)
                                                + "/v1",
                                        "{}")
                                .status())
                .isEqualTo(400);
    }

    @Test
    void aLoopbackStandInAnswersOnlyWhileTheTenantsListCoversIt() throws Exception {
        TestTenant t = TestTenant.fresh();
        TestTenant other = TestTenant.fresh();
        standIn.stubFor(
                post(urlEqualTo("/lo/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(OK.formatted("lo"))));
        String url = "http://127.0.0.1:" + standIn.port() + "/lo/v1";
        for (TestTenant each : new TestTenant[] {t, other}) {
            CatalogFixture.provider(each.id(), "lo", "openai", url, "{}", "m", "chat");
            CatalogFixture.route(each.id(), "lo", "chat", "priority", 0, "lo/m");
        }
        long before = standInCalls();

        Http.Response refused = chat(t, "lo");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(502);
        assertThat(refused.json().getJsonObject("error").getString("message")).contains("refused");
        assertThat(standInCalls()).isEqualTo(before);

        allow(t, "[{\"destination\":\"127.0.0.1\",\"port\":" + standIn.port() + "}]");
        Http.Response ok = chat(t, "lo");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(
                        ok.json()
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("message")
                                .getString("content"))
                .isEqualTo("from lo");
        assertThat(standInCalls()).isEqualTo(before + 1);

        // the list is the tenant's own: another tenant with the same provider is still refused
        assertThat(chat(other, "lo").status()).isEqualTo(502);
        assertThat(standInCalls()).isEqualTo(before + 1);

        // taking the entry away takes effect on the next call
        allow(t, "[]");
        assertThat(chat(t, "lo").status()).isEqualTo(502);
        assertThat(standInCalls()).isEqualTo(before + 1);
    }
}
