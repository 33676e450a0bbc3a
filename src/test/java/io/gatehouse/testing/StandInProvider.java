package io.gatehouse.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.routing.CatalogFixture;
import jakarta.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A stand-in provider (WireMock) for integration tests of the gateway's client endpoints, and the
 * fresh tenants whose routes go to it: one server per test class ({@link #start}, {@link #stop}),
 * each test on its own path so that stubs and received requests of tests do not mix.
 */
public final class StandInProvider {
    private final WireMockServer server;

    private StandInProvider(WireMockServer server) {
        this.server = server;
    }

    public static StandInProvider start() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        return new StandInProvider(server);
    }

    public void stop() {
        server.stop();
    }

    /** The server itself, for stubs of another shape. */
    public WireMockServer server() {
        return server;
    }

    /** The stand-in's base URL for {@code path} (e.g. {@code /msg1/v1}). */
    public String baseUrl(String path) {
        return "http://localhost:" + server.port() + path;
    }

    /**
     * A fresh tenant with a provider {@code provider} of {@code kind} ({@code openai}, {@code
     * anthropic}) at {@code path} serving {@code model} with {@code capabilities}, and a chat route
     * {@code alias} to it.
     */
    public TestTenant tenant(
            String kind,
            String path,
            String provider,
            String model,
            String capabilities,
            String alias)
            throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), provider, kind, baseUrl(path), "{}", model, capabilities);
        CatalogFixture.route(t.id(), alias, "chat", "priority", 0, provider + "/" + model);
        return t;
    }

    /**
     * An OpenAI chat completion ({@code id} c1, {@code created} 1) of {@code model} whose one
     * choice's text is {@code text} (escaped as JSON), stopped, with the given token usage: what a
     * stand-in answers to a chat call.
     */
    public static String chatCompletion(
            String model, String text, int promptTokens, int completionTokens) {
        return Json.createObjectBuilder()
                .add("id", "c1")
                .add("object", "chat.completion")
                .add("created", 1)
                .add("model", model)
                .add(
                        "choices",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("index", 0)
                                                .add(
                                                        "message",
                                                        Json.createObjectBuilder()
                                                                .add("role", "assistant")
                                                                .add("content", text))
                                                .add("finish_reason", "stop")))
                .add(
                        "usage",
                        Json.createObjectBuilder()
                                .add("prompt_tokens", promptTokens)
                                .add("completion_tokens", completionTokens)
                                .add("total_tokens", promptTokens + completionTokens))
                .build()
                .toString();
    }

    /** POST {@code url} answers {@code json}. */
    public void answerJson(String url, String json) {
        answer(url, "application/json", json);
    }

    /** POST {@code url} answers the event stream {@code sse}. */
    public void answerStream(String url, String sse) {
        answer(url, "text/event-stream", sse);
    }

    private void answer(String url, String contentType, String body) {
        server.stubFor(
                post(urlEqualTo(url))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", contentType)
                                        .withBody(body)));
    }

    /** The bodies POSTed to {@code url}, oldest first. */
    public List<String> received(String url) {
        List<String> bodies =
                new ArrayList<>(
                        server.getAllServeEvents().stream()
                                .filter(e -> e.getRequest().getUrl().equals(url))
                                .map(e -> e.getRequest().getBodyAsString())
                                .toList());
        Collections.reverse(bodies); // WireMock lists the newest first
        return bodies;
    }
}
