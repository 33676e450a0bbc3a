package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an OpenAI-compatible provider receives (issue 16): the client's exact bytes with only the
 * model value swapped when no stage changed the request and every field is on the allow-list; a
 * rendering of the typed request otherwise, e.g. for a body that repeats a key (the provider must
 * read the value the gateway checked, never the other one).
 */
class ForwardedBodyIT {
    static WireMockServer provider;

    static final String ANSWER =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"mx\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";

    /** Every field the gateway passes upstream, spaced and numbered as a client might. */
    static final String EVERY_FIELD =
            """
            {"model" : "fw",   "messages":[
              {"role":"system","content":"Be brief.","name":"sys"},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"-3C"},
              {"role":"user","content":"And tomorrow? \\u00e9"}],
             "temperature":0.70,"top_p":1e-1,"n":1,"stop":["END"],"max_tokens":100,
             "presence_penalty":-0.5,"frequency_penalty":0.25,"logit_bias":{"50256":-100},
             "logprobs":true,"top_logprobs":2,"user":"u1","seed":7,
             "tools":[{"type":"function","function":{"name":"weather","description":"d",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"auto","parallel_tool_calls":false,
             "response_format":{"type":"json_object"},"stream":false}""";

    @BeforeAll
    static void start() {
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
    }

    @AfterAll
    static void stop() {
        provider.stop();
    }

    /** A fresh tenant whose route {@code fw} goes to the stand-in's model {@code mx}. */
    static TestTenant tenant(String path) throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(),
                "pw",
                "openai",
                "http://localhost:" + provider.port() + path,
                "{}",
                "mx",
                "chat,streaming,tools,vision,json");
        CatalogFixture.route(t.id(), "fw", "chat", "priority", 0, "pw/mx");
        return t;
    }

    static String received(String path) {
        List<ServeEvent> events =
                provider.getAllServeEvents().stream()
                        .filter(e -> e.getRequest().getUrl().equals(path + "/chat/completions"))
                        .toList();
        assertThat(events).hasSize(1);
        return events.get(0).getRequest().getBodyAsString();
    }

    @Test
    void theProviderGetsTheClientsBytesWithOnlyTheModelSwapped() throws Exception {
        String path = "/fw1/v1";
        provider.stubFor(
                post(urlEqualTo(path + "/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(ANSWER)));
        TestTenant t = tenant(path);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                EVERY_FIELD,
                                "Authorization",
                                "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(received(path))
                .isEqualTo(EVERY_FIELD.replace("\"model\" : \"fw\"", "\"model\" : \"mx\""));
    }

    @Test
    void aStreamIsForwardedWithTheGatewaysUsageRequestFirst() throws Exception {
        String path = "/fw2/v1";
        provider.stubFor(
                post(urlEqualTo(path + "/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(
                                                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                                                        + "\"model\":\"mx\",\"choices\":[{\"index\":0,\"delta\":"
                                                        + "{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
                                                        + "data: [DONE]\n\n")));
        TestTenant t = tenant(path);
        String body =
                "{\"model\":\"fw\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                body,
                                "Authorization",
                                "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("data: [DONE]");
        assertThat(received(path))
                .isEqualTo(
                        "{\"stream_options\":{\"include_usage\":true},\"model\":\"mx\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    }

    @Test
    void aBodyThatRepeatsAKeyIsRenderedWithTheValueTheGatewayRead() throws Exception {
        String path = "/fw3/v1";
        provider.stubFor(
                post(urlEqualTo(path + "/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(ANSWER)));
        TestTenant t = tenant(path);
        String body =
                "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":\"first-value\","
                        + "\"content\":\"second-value\"}],\"api_base\":\"http://evil.example\"}";
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                body,
                                "Authorization",
                                "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String sent = received(path);
        assertThat(sent).isNotEqualTo(body.replace("\"fw\"", "\"mx\"")).doesNotContain("evil");
        assertThat(sent.contains("first-value") ^ sent.contains("second-value"))
                .as("exactly one of the two values reaches the provider: " + sent)
                .isTrue();
        assertThat(sent.split("\"content\"", -1)).hasSize(2);
    }

    @Test
    void anAnswerNoStageChangesReachesTheClientAsTheProviderSentIt() throws Exception {
        String path = "/fw4/v1";
        String answer =
                "{ \"id\" : \"c9\", \"object\":\"chat.completion\",\"created\":1,\"model\":\"mx\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"weather\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15},"
                        + "\"system_fingerprint\":\"fp_1\" }";
        provider.stubFor(
                post(urlEqualTo(path + "/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(answer)));
        TestTenant t = tenant(path);
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                "Authorization",
                                "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(answer);
    }
}
