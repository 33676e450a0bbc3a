package io.gatehouse.routing.internal.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.TestCatalog;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.internal.resilience.ProviderHealthRegistry;
import io.gatehouse.routing.internal.resilience.RetryBudget;
import io.gatehouse.shared.net.EgressPolicy;
import io.gatehouse.shared.net.EgressRule;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider adapters and failover against WireMock stand-in providers, counting the calls each one
 * received: failover order, no failover on the client's 4xx, timeouts, breakers per provider,
 * Retry-After, malformed answers, streams cut or stalled mid-way, Anthropic translation on the
 * wire.
 */
class StandInProvidersTest {
    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"from %s\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}";

    WireMockServer a;
    WireMockServer b;
    HttpTransport http = new HttpTransport();
    // the stand-ins' entries, as an operator configures them (loopback is refused without them)
    EgressPolicy egress =
            EgressPolicy.of(List.of(EgressRule.parse("localhost"), EgressRule.parse("127.0.0.1")));
    OpenAiAdapter openai = new OpenAiAdapter(http, egress);
    AnthropicAdapter anthropic = new AnthropicAdapter(http, egress);
    // the breakers' clock: the tests move it, nothing waits for the wall clock to pass
    AtomicLong now = new AtomicLong(1_000_000);
    ProviderHealthRegistry registry = new ProviderHealthRegistry(now::get);
    Failover failover = new Failover(registry);

    @BeforeEach
    void start() {
        a = new WireMockServer(options().dynamicPort());
        b = new WireMockServer(options().dynamicPort());
        a.start();
        b.start();
    }

    @AfterEach
    void stop() {
        a.stop();
        b.stop();
    }

    Provider provider(
            String name, WireMockServer s, String kind, JsonObject options, int timeoutMs) {
        Provider p =
                TestCatalog.provider(name, kind, "http://localhost:" + s.port() + "/v1", options);
        return new Provider(
                p.id(),
                p.tenant(),
                p.name(),
                p.kind(),
                p.baseUrl(),
                null,
                p.region(),
                p.clearance(),
                timeoutMs,
                p.maxConcurrency(),
                p.options(),
                true,
                p.version(),
                p.models());
    }

    Provider provider(String name, WireMockServer s) {
        return provider(name, s, "openai", Json.createObjectBuilder().build(), 2000);
    }

    static JsonObject body(boolean stream) {
        var b =
                Json.createObjectBuilder()
                        .add("model", "m")
                        .add(
                                "messages",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("role", "system")
                                                        .add("content", "sys"))
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("role", "user")
                                                        .add("content", "hi")));
        if (stream) {
            b.add("stream", true)
                    .add("stream_options", Json.createObjectBuilder().add("include_usage", true));
        }
        return b.build();
    }

    ProviderCall call(Candidate c, boolean stream) {
        return new ProviderCall(
                c.provider(),
                c.model(),
                body(stream),
                Duration.ofMillis(c.provider().timeoutMs()),
                "sk-test");
    }

    Failover.Outcome<JsonObject> chat(Candidate... cs) throws Failover.Exhausted {
        return failover.run(
                List.of(cs),
                null,
                false,
                c ->
                        (c.provider().kind().equals("anthropic") ? anthropic : openai)
                                .chat(call(c, false)));
    }

    static void ok(WireMockServer s, String who) {
        s.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(OK.formatted(who))));
    }

    static void status(WireMockServer s, int status) {
        s.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withStatus(status)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"error\":{\"message\":\"nope "
                                                        + status
                                                        + "\"}}")));
    }

    static int calls(WireMockServer s) {
        return s.countRequestsMatching(
                        postRequestedFor(urlPathEqualTo("/v1/chat/completions")).build())
                .getCount();
    }

    static String content(JsonObject answer) {
        return answer.getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content");
    }

    @Test
    void failsOverOn5xxInRouteOrderAndSendsTheCredential() throws Exception {
        status(a, 503);
        ok(b, "b");
        var out =
                chat(
                        TestCatalog.candidate(provider("a", a), 1, 0),
                        TestCatalog.candidate(provider("b", b), 1, 1));
        assertThat(content(out.result())).isEqualTo("from b");
        assertThat(out.candidate().provider().name()).isEqualTo("b");
        assertThat(calls(a)).isEqualTo(1);
        assertThat(calls(b)).isEqualTo(1);
        assertThat(out.attempts())
                .extracting(Failover.AttemptRecord::result)
                .containsExactly("server", "ok");
        b.verify(
                postRequestedFor(urlEqualTo("/v1/chat/completions"))
                        .withHeader("Authorization", equalTo("Bearer sk-test")));
    }

    @Test
    void neverFailsOverOnTheClientsOwn4xx() {
        status(a, 400);
        ok(b, "b");
        assertThatThrownBy(
                        () ->
                                chat(
                                        TestCatalog.candidate(provider("a", a), 1, 0),
                                        TestCatalog.candidate(provider("b", b), 1, 1)))
                .isInstanceOf(Failover.Exhausted.class)
                .satisfies(
                        e ->
                                assertThat(((Failover.Exhausted) e).last().kind())
                                        .isEqualTo(ProviderException.Kind.CLIENT))
                .hasMessageContaining("nope 400");
        assertThat(calls(a)).isEqualTo(1);
        assertThat(calls(b)).isZero();
    }

    @Test
    void rateLimitFailsOverAndRetryAfterKeepsTheProviderAside() throws Exception {
        a.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withStatus(429)
                                        .withHeader("Retry-After", "30")
                                        .withBody("{}")));
        ok(b, "b");
        Candidate ca = TestCatalog.candidate(provider("a", a), 1, 0);
        Candidate cb = TestCatalog.candidate(provider("b", b), 1, 1);
        assertThat(content(chat(ca, cb).result())).isEqualTo("from b");
        var second = chat(ca, cb);
        assertThat(content(second.result())).isEqualTo("from b");
        assertThat(second.attempts().get(0).result()).isEqualTo("circuit_open");
        assertThat(calls(a)).isEqualTo(1);
        assertThat(calls(b)).isEqualTo(2);
        now.addAndGet(29_999);
        assertThat(chat(ca, cb).attempts().get(0).result())
                .as("aside until the Retry-After has passed")
                .isEqualTo("circuit_open");
        assertThat(calls(a)).isEqualTo(1);
        now.addAndGet(1);
        assertThat(chat(ca, cb).attempts().get(0).result())
                .as("tried again once it has")
                .isEqualTo("rate_limited");
        assertThat(calls(a)).isEqualTo(2);
    }

    @Test
    void aHangingProviderTimesOutAndTheNextAnswers() throws Exception {
        a.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(aResponse().withFixedDelay(3000).withBody(OK.formatted("a"))));
        ok(b, "b");
        Provider slow = provider("a", a, "openai", Json.createObjectBuilder().build(), 300);
        long start = System.nanoTime();
        var out =
                chat(
                        TestCatalog.candidate(slow, 1, 0),
                        TestCatalog.candidate(provider("b", b), 1, 1));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(content(out.result())).isEqualTo("from b");
        assertThat(out.attempts().get(0).result()).isEqualTo("timeout");
        assertThat(ms).isLessThan(2500);
    }

    @Test
    void aHangingProviderAloneGivesATimeoutError() {
        a.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(aResponse().withFixedDelay(3000).withBody(OK.formatted("a"))));
        Provider slow = provider("a", a, "openai", Json.createObjectBuilder().build(), 300);
        assertThatThrownBy(() -> chat(TestCatalog.candidate(slow, 1, 0)))
                .isInstanceOf(Failover.Exhausted.class)
                .satisfies(
                        e ->
                                assertThat(((Failover.Exhausted) e).last().kind())
                                        .isEqualTo(ProviderException.Kind.TIMEOUT));
    }

    @Test
    void connectErrorsFailOver() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Provider dead =
                TestCatalog.provider(
                        "dead",
                        "openai",
                        "http://127.0.0.1:" + closedPort + "/v1",
                        Json.createObjectBuilder().build());
        ok(b, "b");
        var out =
                chat(
                        TestCatalog.candidate(dead, 1, 0),
                        TestCatalog.candidate(provider("b", b), 1, 1));
        assertThat(content(out.result())).isEqualTo("from b");
        assertThat(out.attempts().get(0).result()).isEqualTo("connect");
    }

    @Test
    void malformedAnswersFailOver() throws Exception {
        a.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(aResponse().withBody("<html>oops")));
        ok(b, "b");
        var out =
                chat(
                        TestCatalog.candidate(provider("a", a), 1, 0),
                        TestCatalog.candidate(provider("b", b), 1, 1));
        assertThat(out.attempts().get(0).result()).isEqualTo("malformed");
        assertThat(content(out.result())).isEqualTo("from b");
    }

    @Test
    void breakerOpensAndHalfOpensPerProvider() throws Exception {
        status(a, 500);
        ok(b, "b");
        Provider pa =
                provider(
                        "a",
                        a,
                        "openai",
                        Json.createObjectBuilder()
                                .add("breakerFailures", 2)
                                .add("breakerOpenMs", 400)
                                .build(),
                        2000);
        Candidate ca = TestCatalog.candidate(pa, 1, 0);
        Candidate cb = TestCatalog.candidate(provider("b", b), 1, 1);
        for (int i = 0; i < 5; i++) {
            assertThat(content(chat(ca, cb).result())).isEqualTo("from b");
        }
        assertThat(calls(a)).as("open after two failures").isEqualTo(2);
        assertThat(calls(b)).isEqualTo(5);
        ok(a, "a");
        now.addAndGet(399);
        assertThat(content(chat(ca, cb).result())).as("still open").isEqualTo("from b");
        assertThat(calls(a)).as("no call during the cool-down").isEqualTo(2);
        now.addAndGet(1);
        assertThat(content(chat(ca, cb).result()))
                .as("half-open trial succeeds")
                .isEqualTo("from a");
        assertThat(calls(a)).isEqualTo(3);
        assertThat(content(chat(ca, cb).result())).as("closed again").isEqualTo("from a");
        assertThat(calls(a)).isEqualTo(4);
        // the breaker that opened and had its trial succeed is closed (not one that never failed)
        assertThat(registry.of(ca.provider()).breaker().state().name()).isEqualTo("CLOSED");
    }

    @Test
    void retryBudgetStopsFailoverFromAmplifyingAnOutage() {
        status(a, 500);
        status(b, 500);
        RetryBudget budget = new RetryBudget(0.0, 1, 60_000, now::get);
        Provider pa =
                provider(
                        "a",
                        a,
                        "openai",
                        Json.createObjectBuilder().add("breakerFailures", 100).build(),
                        2000);
        Provider pb =
                provider(
                        "b",
                        b,
                        "openai",
                        Json.createObjectBuilder().add("breakerFailures", 100).build(),
                        2000);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(
                            () ->
                                    failover.run(
                                            List.of(
                                                    TestCatalog.candidate(pa, 1, 0),
                                                    TestCatalog.candidate(pb, 1, 1)),
                                            budget,
                                            false,
                                            c -> openai.chat(call(c, false))))
                    .isInstanceOf(Failover.Exhausted.class);
        }
        assertThat(calls(a)).isEqualTo(3);
        assertThat(calls(b)).as("one retry in the budget").isEqualTo(1);
    }

    static String sse(String... data) {
        StringBuilder sb = new StringBuilder();
        for (String d : data) {
            sb.append("data: ").append(d).append("\n\n");
        }
        return sb.toString();
    }

    static String chunk(String text) {
        return "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\""
                + text
                + "\"},\"finish_reason\":null}]}";
    }

    @Test
    void streamsPassThroughChunkByChunk() throws Exception {
        a.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(
                                                sse(
                                                        chunk("Hel"),
                                                        chunk("lo"),
                                                        "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                                                                + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2,\"total_tokens\":6}}",
                                                        "[DONE]"))));
        try (ProviderStream s =
                openai.stream(call(TestCatalog.candidate(provider("a", a), 1, 0), true))) {
            List<JsonObject> chunks = new ArrayList<>();
            for (Optional<JsonObject> c = s.next(); c.isPresent(); c = s.next()) {
                chunks.add(c.get());
            }
            assertThat(chunks).hasSize(3);
            assertThat(chunks.get(2).getJsonObject("usage").getInt("total_tokens")).isEqualTo(6);
        }
        a.verify(
                postRequestedFor(urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(containing("\"include_usage\":true")));
    }

    @Test
    void aStreamCutMidWayIsAnErrorAndNeverFailsOver() throws Exception {
        a.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(sse(chunk("Hel"), chunk("lo")))));
        ok(b, "b");
        Candidate ca = TestCatalog.candidate(provider("a", a), 1, 0);
        Candidate cb = TestCatalog.candidate(provider("b", b), 1, 1);
        var out =
                failover.run(
                        List.of(ca, cb),
                        null,
                        true,
                        c -> {
                            ProviderStream s = openai.stream(call(c, true));
                            return new Object[] {s, s.next()};
                        });
        ProviderStream s = (ProviderStream) out.result()[0];
        try {
            assertThat(s.next()).isPresent();
            assertThatThrownBy(s::next)
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("before [DONE]");
        } finally {
            s.close();
            out.release();
        }
        assertThat(calls(b)).isZero();
    }

    @Test
    void aStalledStreamTimesOutInsteadOfHanging() throws Exception {
        // A raw server: answers 200 and one event at once, then goes silent until the test is
        // over (WireMock delays headers too).
        CountDownLatch testOver = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0)) {
            Thread t =
                    new Thread(
                            () -> {
                                try (var socket = server.accept()) {
                                    var in =
                                            new java.io.BufferedReader(
                                                    new java.io.InputStreamReader(
                                                            socket.getInputStream()));
                                    for (String line = in.readLine();
                                            line != null && !line.isEmpty();
                                            line = in.readLine()) {
                                        // request headers
                                    }
                                    String first = sse(chunk("a"));
                                    String head =
                                            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
                                    var out = socket.getOutputStream();
                                    out.write(
                                            (head
                                                            + Integer.toHexString(first.length())
                                                            + "\r\n"
                                                            + first
                                                            + "\r\n")
                                                    .getBytes());
                                    out.flush();
                                    testOver.await(30, TimeUnit.SECONDS);
                                } catch (Exception e) {
                                    // test over
                                }
                            });
            t.setDaemon(true);
            t.start();
            Provider base =
                    TestCatalog.provider(
                            "stall",
                            "openai",
                            "http://127.0.0.1:" + server.getLocalPort() + "/v1",
                            Json.createObjectBuilder().build());
            Provider p =
                    new Provider(
                            base.id(),
                            base.tenant(),
                            base.name(),
                            base.kind(),
                            base.baseUrl(),
                            null,
                            "eu",
                            3,
                            500,
                            8,
                            base.options(),
                            true,
                            "v1",
                            base.models());
            long start = System.nanoTime();
            try (ProviderStream s = openai.stream(call(TestCatalog.candidate(p, 1, 0), true))) {
                assertThat(s.next()).isPresent();
                assertThatThrownBy(s::next)
                        .isInstanceOf(ProviderException.class)
                        .satisfies(
                                e ->
                                        assertThat(((ProviderException) e).kind())
                                                .isEqualTo(ProviderException.Kind.TIMEOUT));
            }
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
        } finally {
            testOver.countDown();
        }
    }

    @Test
    void azureUsesDeploymentUrlApiVersionAndApiKeyHeader() throws Exception {
        a.stubFor(
                post(urlPathEqualTo("/openai/deployments/m-az/chat/completions"))
                        .willReturn(aResponse().withBody(OK.formatted("azure"))));
        Provider p =
                TestCatalog.provider(
                        "az",
                        "azure-openai",
                        "http://localhost:" + a.port(),
                        Json.createObjectBuilder().add("apiVersion", "2024-06-01").build());
        var out =
                openai.chat(
                        new ProviderCall(
                                p,
                                p.models().get(0),
                                body(false),
                                Duration.ofSeconds(2),
                                "az-key"));
        assertThat(content(out)).isEqualTo("from azure");
        a.verify(
                postRequestedFor(
                                urlEqualTo(
                                        "/openai/deployments/m-az/chat/completions?api-version=2024-06-01"))
                        .withHeader("api-key", equalTo("az-key")));
    }

    @Test
    void anthropicOnTheWireBothWaysWithToolCalls() throws Exception {
        a.stubFor(
                post(urlEqualTo("/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m-an\","
                                                        + "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"weather\",\"input\":{\"city\":\"Oslo\"}}],"
                                                        + "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":9,\"output_tokens\":4}}")));
        Provider p = provider("an", a, "anthropic", Json.createObjectBuilder().build(), 2000);
        var out = anthropic.chat(call(TestCatalog.candidate(p, 1, 0), false));
        var choice = out.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
        assertThat(
                        choice.getJsonObject("message")
                                .getJsonArray("tool_calls")
                                .getJsonObject(0)
                                .getJsonObject("function")
                                .getString("name"))
                .isEqualTo("weather");
        assertThat(out.getJsonObject("usage").getInt("total_tokens")).isEqualTo(13);
        a.verify(
                postRequestedFor(urlEqualTo("/v1/messages"))
                        .withHeader("x-api-key", equalTo("sk-test"))
                        .withHeader("anthropic-version", equalTo("2023-06-01"))
                        .withRequestBody(containing("\"system\":\"sys\""))
                        .withRequestBody(containing("\"max_tokens\":1024")));
    }

    @Test
    void anthropicStreamingEventsBecomeOpenAiChunks() throws Exception {
        String events =
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"model\":\"m-an\",\"usage\":{\"input_tokens\":7,\"output_tokens\":1}}}\n\n"
                        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                        + "event: ping\ndata: {\"type\":\"ping\"}\n\n"
                        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n"
                        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n"
                        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        a.stubFor(
                post(urlEqualTo("/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(events)));
        Provider p = provider("an", a, "anthropic", Json.createObjectBuilder().build(), 2000);
        List<JsonObject> chunks = new ArrayList<>();
        try (ProviderStream s = anthropic.stream(call(TestCatalog.candidate(p, 1, 0), true))) {
            for (Optional<JsonObject> c = s.next(); c.isPresent(); c = s.next()) {
                chunks.add(c.get());
            }
        }
        assertThat(chunks).hasSize(4);
        assertThat(
                        chunks.get(1)
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("delta")
                                .getString("content"))
                .isEqualTo("Hello");
        assertThat(
                        chunks.get(2)
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getString("finish_reason"))
                .isEqualTo("stop");
        assertThat(chunks.get(3).getJsonObject("usage").getInt("completion_tokens")).isEqualTo(5);
        a.verify(
                postRequestedFor(urlEqualTo("/v1/messages"))
                        .withRequestBody(containing("\"stream\":true")));
    }

    @Test
    void providerErrorMessagesAreShortAndCarryNoBodyInternals() {
        String huge = "x".repeat(5000);
        a.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withStatus(400)
                                        .withBody("{\"error\":{\"message\":\"" + huge + "\"}}")));
        assertThatThrownBy(
                        () ->
                                openai.chat(
                                        call(TestCatalog.candidate(provider("a", a), 1, 0), false)))
                .isInstanceOf(ProviderException.class)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400));
    }

    static JsonObject parse(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }
}
