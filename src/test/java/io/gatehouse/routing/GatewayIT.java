package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.gatehouse.testing.Burst;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway against the running server: the official OpenAI Java SDK as the client (demo key and
 * the seeded sandbox aliases), and WireMock stand-in providers put into a fresh tenant's catalog.
 */
class GatewayIT {
    static WireMockServer a;
    static WireMockServer b;

    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"from %s\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}";

    @BeforeAll
    static void start() {
        a = new WireMockServer(options().dynamicPort());
        b = new WireMockServer(options().dynamicPort());
        a.start();
        b.start();
    }

    @AfterAll
    static void stop() {
        a.stop();
        b.stop();
    }

    static OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(TestEnv.baseUrl() + "/v1")
                .maxRetries(0)
                .build();
    }

    static String chatBody(String model, String text) {
        return "{\"model\":\""
                + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + text
                + "\"}]}";
    }

    // ------------------------------------------------------------ the official SDK, demo tenant

    @Test
    void sdkChatGetsTheSandboxAnswer() {
        ChatCompletion c =
                sdk(TestTenant.DEMO_API_KEY)
                        .chat()
                        .completions()
                        .create(
                                ChatCompletionCreateParams.builder()
                                        .model("sandbox")
                                        .addUserMessage("Hello from the SDK test")
                                        .build());
        assertThat(c.choices().get(0).message().content())
                .get()
                .asString()
                .contains("Hello from the SDK test");
        assertThat(c.usage()).isPresent();
        assertThat(c.usage().get().promptTokens()).isPositive();
    }

    @Test
    void sdkStreamingChatArrivesInChunksWithUsage() {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s =
                sdk(TestTenant.DEMO_API_KEY)
                        .chat()
                        .completions()
                        .createStreaming(
                                ChatCompletionCreateParams.builder()
                                        .model("sandbox")
                                        .addUserMessage("stream these words please")
                                        .streamOptions(
                                                ChatCompletionStreamOptions.builder()
                                                        .includeUsage(true)
                                                        .build())
                                        .build())) {
            s.stream().forEach(chunks::add);
        }
        for (ChatCompletionChunk c : chunks) {
            c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
        }
        assertThat(chunks.size()).isGreaterThan(3);
        assertThat(text.toString()).contains("stream these words please");
        assertThat(chunks.get(chunks.size() - 1).usage()).isPresent();
    }

    @Test
    void sdkEmbeddingsAreDeterministic() {
        OpenAIClient client = sdk(TestTenant.DEMO_API_KEY);
        EmbeddingCreateParams p =
                EmbeddingCreateParams.builder()
                        .model("sandbox-embed")
                        .inputOfArrayOfStrings(List.of("alpha", "beta"))
                        .build();
        CreateEmbeddingResponse first = client.embeddings().create(p);
        CreateEmbeddingResponse second = client.embeddings().create(p);
        assertThat(first.data()).hasSize(2);
        assertThat(first.data().get(0).embedding())
                .isNotEmpty()
                .isEqualTo(second.data().get(0).embedding());
        assertThat(first.data().get(0).embedding()).isNotEqualTo(first.data().get(1).embedding());
    }

    @Test
    void sdkListsTheModelsTheKeyMayUse() {
        var ids =
                sdk(TestTenant.DEMO_API_KEY).models().list().data().stream()
                        .map(m -> m.id())
                        .toList();
        assertThat(ids).contains("sandbox", "sandbox-embed");
    }

    @Test
    void sdkSeesABadKeyAs401() {
        assertThatThrownBy(
                        () ->
                                sdk("gh_bad_not_a_real_key_0000000000000000")
                                        .chat()
                                        .completions()
                                        .create(
                                                ChatCompletionCreateParams.builder()
                                                        .model("sandbox")
                                                        .addUserMessage("x")
                                                        .build()))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void sdkSeesAnUnknownModelAs404() {
        assertThatThrownBy(
                        () ->
                                sdk(TestTenant.DEMO_API_KEY)
                                        .chat()
                                        .completions()
                                        .create(
                                                ChatCompletionCreateParams.builder()
                                                        .model("no-such-model")
                                                        .addUserMessage("x")
                                                        .build()))
                .isInstanceOf(NotFoundException.class)
                .satisfies(
                        e ->
                                assertThat(((NotFoundException) e).code())
                                        .contains("model_not_found"));
    }

    // ------------------------------------------------------------ raw HTTP, demo tenant

    @Test
    void answerHeadersNameRouteProviderModelAndOneAuditEventCarriesTheAccounting()
            throws Exception {
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                chatBody("sandbox", "count me"),
                                "Authorization",
                                "Bearer " + TestTenant.DEMO_API_KEY);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-gatehouse-route")).isEqualTo("sandbox");
        assertThat(r.header("x-gatehouse-provider")).isEqualTo("sandbox");
        assertThat(r.header("x-gatehouse-model")).isEqualTo("sandbox-chat");
        String rid = r.header("x-request-id");
        assertThat(rid).matches("req_[0-9a-f]{24}");
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*), max(route), max(provider), max(input_tokens), max(output_tokens), max(cost_micros),"
                                        + " bool_or(tokens_estimated), max(status_code), max(latency_ms) FROM audit_events"
                                        + " WHERE request_id = ? AND action = 'gateway.request'")) {
            ps.setString(1, rid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo("sandbox");
                assertThat(rs.getString(3)).isEqualTo("sandbox");
                assertThat(rs.getLong(4)).isPositive();
                assertThat(rs.getLong(5)).isPositive();
                assertThat(rs.getLong(6)).isPositive();
                assertThat(rs.getBoolean(7)).isFalse();
                assertThat(rs.getInt(8)).isEqualTo(200);
            }
        }
    }

    @Test
    void invalidRequestsAre400NamingTheParam() {
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":0}",
                                "Authorization",
                                "Bearer " + TestTenant.DEMO_API_KEY);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getJsonObject("error").getString("param")).isEqualTo("n");
        Http.Response noMessages =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"sandbox\",\"messages\":[]}",
                                "Authorization",
                                "Bearer " + TestTenant.DEMO_API_KEY);
        assertThat(noMessages.json().getJsonObject("error").getString("param"))
                .isEqualTo("messages");
    }

    @Test
    void rawStreamIsSseEndingWithDone() {
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"sandbox\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}",
                                "Authorization",
                                "Bearer " + TestTenant.DEMO_API_KEY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        assertThat(r.body()).startsWith("data: {").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aKeyLimitedToOtherRoutesGetsModelNotAllowed() {
        TestTenant demo = TestTenant.demo();
        Http.Response key =
                Http.local()
                        .post(
                                "/api/v1/keys",
                                "{\"name\":\"embed only\",\"allowedRoutes\":[\"sandbox-embed\"]}",
                                demo.auth("admin"));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        String k = key.json().getString("key");
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                chatBody("sandbox", "x"),
                                "Authorization",
                                "Bearer " + k);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().getJsonObject("error").getString("code"))
                .isEqualTo("model_not_allowed");
        var ids = sdk(k).models().list().data().stream().map(m -> m.id()).toList();
        assertThat(ids).containsExactly("sandbox-embed");
    }

    // ------------------------------------------------------------ stand-in providers, fresh
    // tenants

    @Test
    void failsOverToTheNextTargetAndClientBaseUrlsNeverRedirect() throws Exception {
        TestTenant t = TestTenant.fresh();
        a.stubFor(
                post(urlEqualTo("/a1/v1/chat/completions"))
                        .willReturn(aResponse().withStatus(503).withBody("{}")));
        b.stubFor(
                post(urlEqualTo("/b1/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(OK.formatted("b"))));
        CatalogFixture.provider(
                t.id(),
                "pa",
                "openai",
                "http://localhost:" + a.port() + "/a1/v1",
                "{}",
                "ma",
                "chat,streaming");
        CatalogFixture.provider(
                t.id(),
                "pb",
                "openai",
                "http://localhost:" + b.port() + "/b1/v1",
                "{}",
                "mb",
                "chat,streaming");
        CatalogFixture.route(t.id(), "fo", "chat", "priority", 0, "pa/ma", "pb/mb");
        WireMockServer evil = new WireMockServer(options().dynamicPort());
        evil.start();
        try {
            String evilUrl = "http://localhost:" + evil.port() + "/v1";
            Http.Response r =
                    Http.local()
                            .post(
                                    "/v1/chat/completions",
                                    "{\"model\":\"fo\",\"api_base\":\""
                                            + evilUrl
                                            + "\",\"base_url\":\""
                                            + evilUrl
                                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                    "Authorization",
                                    "Bearer " + t.apiKey(),
                                    "X-Api-Base",
                                    evilUrl,
                                    "OpenAI-Base-URL",
                                    evilUrl);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("x-gatehouse-provider")).isEqualTo("pb");
            assertThat(
                            r.json()
                                    .getJsonArray("choices")
                                    .getJsonObject(0)
                                    .getJsonObject("message")
                                    .getString("content"))
                    .isEqualTo("from b");
            assertThat(evil.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount())
                    .isZero();
            assertThat(
                            a.countRequestsMatching(
                                            postRequestedFor(urlEqualTo("/a1/v1/chat/completions"))
                                                    .build())
                                    .getCount())
                    .isEqualTo(1);
            b.verify(
                    postRequestedFor(urlEqualTo("/b1/v1/chat/completions"))
                            .withRequestBody(
                                    com.github.tomakehurst.wiremock.client.WireMock.notContaining(
                                            "api_base")));
        } finally {
            evil.stop();
        }
        // cost from catalog prices: 1000 in at 2.00/M + 500 out at 8.00/M = 2000 + 4000 micros
        Http.Response usage = Http.local().get("/api/v1/usage?groupBy=route", t.auth("admin"));
        assertThat(usage.status()).as(usage.body()).isEqualTo(200);
        assertThat(usage.json().getJsonObject("totals").getJsonNumber("costMicros").longValue())
                .isEqualTo(6000);
        assertThat(usage.json().getJsonArray("groups").getJsonObject(0).getString("group"))
                .isEqualTo("fo");
    }

    @Test
    void aProviderOnAMetadataAddressIsRefusedAtCallTime() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(), "meta", "openai", "http://169.254.169.254/v1", "{}", "m", "chat");
        CatalogFixture.route(t.id(), "meta", "chat", "priority", 0, "meta/m");
        Http.Response r =
                Http.local().post("/v1/chat/completions", chatBody("meta", "x"), t.keyAuth());
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().getJsonObject("error").getString("message")).contains("refused");
    }

    @Test
    void aProviderAnsweringDeeplyNestedJsonIsAMalformedAnswerAndRecorded() throws Exception {
        TestTenant t = TestTenant.fresh();
        a.stubFor(
                post(urlEqualTo("/deep/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"id\":\"c1\",\"x\":"
                                                        + "[".repeat(5000)
                                                        + "]".repeat(5000)
                                                        + "}")));
        CatalogFixture.provider(
                t.id(),
                "deep",
                "openai",
                "http://localhost:" + a.port() + "/deep/v1",
                "{}",
                "m",
                "chat");
        CatalogFixture.route(t.id(), "deep", "chat", "priority", 0, "deep/m");
        Http.Response r =
                Http.local().post("/v1/chat/completions", chatBody("deep", "x"), t.keyAuth());
        assertThat(r.status()).as(r.toString()).isEqualTo(502);
        assertThat(r.json().getJsonObject("error").getString("code"))
                .isEqualTo("upstream_malformed_response");
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE request_id = ? AND status_code = 502",
                                    r.header("x-request-id")))
                    .isEqualTo(1);
        }
    }

    @Test
    void malformedAndHangingProvidersGiveClearErrorsAndAreRecorded() throws Exception {
        TestTenant t = TestTenant.fresh();
        a.stubFor(
                post(urlEqualTo("/bad/v1/chat/completions"))
                        .willReturn(aResponse().withBody("<html>")));
        a.stubFor(
                post(urlEqualTo("/slow/v1/chat/completions"))
                        .willReturn(aResponse().withFixedDelay(5000).withBody(OK.formatted("a"))));
        CatalogFixture.provider(
                t.id(),
                "bad",
                "openai",
                "http://localhost:" + a.port() + "/bad/v1",
                "{}",
                "m",
                "chat");
        CatalogFixture.provider(
                t.id(),
                "slow",
                "openai",
                "http://localhost:" + a.port() + "/slow/v1",
                "{}",
                "m",
                "chat");
        CatalogFixture.route(t.id(), "bad", "chat", "priority", 0, "bad/m");
        CatalogFixture.route(t.id(), "slow", "chat", "priority", 0, "slow/m");
        Http.Response bad =
                Http.local().post("/v1/chat/completions", chatBody("bad", "x"), t.keyAuth());
        assertThat(bad.status()).isEqualTo(502);
        String rid = bad.header("x-request-id");
        assertThat(bad.json().getJsonObject("error").getString("code"))
                .isEqualTo("upstream_malformed_response");
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE request_id = ? AND status_code = 502",
                                    rid))
                    .isEqualTo(1);
        }
        long start = System.nanoTime();
        Http.Response slow =
                Http.local().post("/v1/chat/completions", chatBody("slow", "x"), t.keyAuth());
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.json().getJsonObject("error").getString("code"))
                .isEqualTo("upstream_timeout");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4500);
    }

    @Test
    void aStreamCutMidWayEndsWithAnErrorEventAndNoFailover() throws Exception {
        TestTenant t = TestTenant.fresh();
        String chunk =
                "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{\"content\":\"part\"},\"finish_reason\":null}]}";
        a.stubFor(
                post(urlEqualTo("/cut/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(
                                                "data: " + chunk + "\n\ndata: " + chunk + "\n\n")));
        b.stubFor(
                post(urlEqualTo("/cutb/v1/chat/completions"))
                        .willReturn(aResponse().withBody(OK.formatted("b"))));
        CatalogFixture.provider(
                t.id(),
                "cut",
                "openai",
                "http://localhost:" + a.port() + "/cut/v1",
                "{}",
                "m",
                "chat,streaming");
        CatalogFixture.provider(
                t.id(),
                "cutb",
                "openai",
                "http://localhost:" + b.port() + "/cutb/v1",
                "{}",
                "m",
                "chat,streaming");
        CatalogFixture.route(t.id(), "cut", "chat", "priority", 0, "cut/m", "cutb/m");
        Http.Response r =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"cut\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                                t.keyAuth());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"part\"").doesNotContain("data: [DONE]");
        // The last event is OpenAI's error object, typed as a non-stream 502 would be.
        String[] events = r.body().trim().split("\n\n");
        jakarta.json.JsonObject error =
                jakarta.json.Json.createReader(
                                new java.io.StringReader(
                                        events[events.length - 1].substring("data: ".length())))
                        .readObject()
                        .getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("server_error");
        assertThat(error.getString("code")).isEqualTo("upstream_stream_error");
        assertThat(error.isNull("param")).isTrue();
        assertThat(
                        b.countRequestsMatching(
                                        postRequestedFor(urlEqualTo("/cutb/v1/chat/completions"))
                                                .build())
                                .getCount())
                .isZero();
    }

    // Longer than an output policy's look-behind (96 characters) per part, so text is released
    // early.
    static final String WORDS =
            "part %d of an answer that the provider streams word by word to us ";

    @Test
    void aStreamIsForwardedAsTheProviderSendsItNotWhenItEnds() throws Exception {
        TestTenant t = TestTenant.fresh();
        // A provider that sends two events, each flushed, then holds the rest until the client
        // has seen content (WireMock cannot pace a stream). A gateway that buffered the answer
        // would deliver nothing before the provider's end, and the provider would wait in vain.
        java.util.concurrent.CountDownLatch clientHasContent =
                new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean heldUntilSeen =
                new java.util.concurrent.atomic.AtomicBoolean();
        com.sun.net.httpserver.HttpServer drip =
                com.sun.net.httpserver.HttpServer.create(
                        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        drip.createContext(
                "/drip/v1/chat/completions",
                x -> {
                    x.getRequestBody().readAllBytes();
                    x.getResponseHeaders().add("Content-Type", "text/event-stream");
                    x.sendResponseHeaders(200, 0);
                    try (java.io.OutputStream out = x.getResponseBody()) {
                        for (int i = 0; i < 4; i++) {
                            if (i == 2) {
                                heldUntilSeen.set(clientHasContent.await(20, TimeUnit.SECONDS));
                            }
                            out.write(
                                    ("data: {\"id\":\"d\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                                                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                                                    + WORDS.formatted(i)
                                                    + "\"},\"finish_reason\":null}]}\n\n")
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            out.flush();
                        }
                        out.write(
                                "data: [DONE]\n\n"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        drip.start();
        try {
            CatalogFixture.provider(
                    t.id(),
                    "drip",
                    "openai",
                    "http://localhost:" + drip.getAddress().getPort() + "/drip/v1",
                    "{}",
                    "m",
                    "chat,streaming");
            CatalogFixture.route(t.id(), "drip", "chat", "priority", 0, "drip/m");
            java.net.http.HttpRequest req =
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(TestEnv.baseUrl() + "/v1/chat/completions"))
                            .header("Authorization", t.keyAuth()[1])
                            .header("Content-Type", "application/json")
                            .POST(
                                    java.net.http.HttpRequest.BodyPublishers.ofString(
                                            "{\"model\":\"drip\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                            .build();
            StringBuilder text = new StringBuilder();
            java.net.http.HttpResponse<java.util.stream.Stream<String>> r =
                    java.net.http.HttpClient.newHttpClient()
                            .send(req, java.net.http.HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            r.body()
                    .forEach(
                            line -> {
                                int at = line.indexOf("\"content\":\"");
                                if (line.startsWith("data: {")
                                        && at > 0
                                        && line.charAt(at + 11) != '"') {
                                    clientHasContent.countDown();
                                    text.append(line, at + 11, line.indexOf('"', at + 11));
                                }
                            });
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                sent.append(WORDS.formatted(i));
            }
            assertThat(text.toString()).isEqualTo(sent.toString());
            // The first words reached the client while the provider was still holding the rest.
            assertThat(heldUntilSeen.get())
                    .as("the client had content before the provider sent its last two events")
                    .isTrue();
        } finally {
            drip.stop(0);
        }
    }

    @Test
    void theCacheServesARepeatWithinItsTtlAndNeverAcrossTenants() throws Exception {
        TestTenant t1 = TestTenant.fresh();
        TestTenant t2 = TestTenant.fresh();
        for (TestTenant t : List.of(t1, t2)) {
            CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
            CatalogFixture.route(t.id(), "cached", "chat", "priority", 60, "sb/sb-chat");
        }
        String body = chatBody("cached", "same question " + UUID.randomUUID());
        Http.Response first = Http.local().post("/v1/chat/completions", body, t1.keyAuth());
        Http.Response second = Http.local().post("/v1/chat/completions", body, t1.keyAuth());
        Http.Response otherTenant = Http.local().post("/v1/chat/completions", body, t2.keyAuth());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-gatehouse-cache")).isNull();
        assertThat(second.header("x-gatehouse-cache")).isEqualTo("hit");
        assertThat(second.json().getJsonArray("choices"))
                .isEqualTo(first.json().getJsonArray("choices"));
        // The other tenant is answered (by its own provider, not from t1's entry) and then has its
        // own.
        assertThat(otherTenant.status()).as(otherTenant.body()).isEqualTo(200);
        assertThat(otherTenant.header("x-gatehouse-cache")).isNull();
        Http.Response otherAgain = Http.local().post("/v1/chat/completions", body, t2.keyAuth());
        assertThat(otherAgain.status()).as(otherAgain.body()).isEqualTo(200);
        assertThat(otherAgain.header("x-gatehouse-cache")).isEqualTo("hit");
    }

    @Test
    void catalogAndUsageOfOneTenantAreInvisibleToAnother() throws Exception {
        TestTenant t = TestTenant.fresh();
        var ids = sdk(t.apiKey()).models().list().data().stream().map(m -> m.id()).toList();
        assertThat(ids).doesNotContain("sandbox", "sandbox-embed");
        Http.Response r =
                Http.local().post("/v1/chat/completions", chatBody("sandbox", "x"), t.keyAuth());
        assertThat(r.status()).isEqualTo(404);
        Http.Response usage = Http.local().get("/api/v1/usage", t.auth("admin"));
        assertThat(usage.status()).isEqualTo(200);
        assertThat(usage.json().getJsonObject("totals").getJsonNumber("requests").longValue())
                .isEqualTo(1);
        Http.Response own = Http.local().get("/v1/usage", t.keyAuth());
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().getJsonObject("totals").getJsonNumber("requests").longValue())
                .isEqualTo(1);
    }

    @Test
    void usageApiNeedsAnAdmin() {
        TestTenant demo = TestTenant.demo();
        assertThat(Http.local().get("/api/v1/usage").status()).isEqualTo(401);
        assertThat(
                        Http.local()
                                .get("/api/v1/usage", "Authorization", "Bearer garbled.token.here")
                                .status())
                .isEqualTo(401);
        assertThat(Http.local().get("/api/v1/usage", demo.auth("author")).status()).isEqualTo(403);
        assertThat(Http.local().get("/api/v1/usage?groupBy=color", demo.auth("admin")).status())
                .isEqualTo(400);
        assertThat(Http.local().get("/api/v1/usage?groupBy=key", demo.auth("admin")).status())
                .isEqualTo(200);
        assertThat(Http.local().get("/v1/usage").status()).isEqualTo(401);
    }

    // ------------------------------------------------------------ input the database cannot store

    static final String NUL_MODEL =
            "{\"model\":\"sand\\u0000box\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    static final String LONE_SURROGATE =
            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"x\\ud800y\"}]}";

    @Test
    void aNulInTheModelIs400AndAuditedEscapedWhileAnotherTenantsConcurrentRequestsSucceed()
            throws Exception {
        TestTenant bad = TestTenant.fresh();
        // even workers send the demo tenant's good requests, odd ones the bad tenant's refused ones
        List<List<Http.Response>> answers =
                Burst.perWorker(
                        8,
                        w -> 12,
                        (w, i) -> {
                            if (w % 2 == 0) {
                                return Http.local()
                                        .post(
                                                "/v1/chat/completions",
                                                chatBody("sandbox", "good " + i),
                                                "Authorization",
                                                "Bearer " + TestTenant.DEMO_API_KEY);
                            }
                            String body = i % 3 == 2 ? LONE_SURROGATE : NUL_MODEL;
                            String path = i % 4 == 3 ? "/v1/embeddings" : "/v1/chat/completions";
                            if (path.endsWith("embeddings")) {
                                body = "{\"model\":\"sand\\u0000box\",\"input\":\"x\"}";
                            }
                            return Http.local().post(path, body, bad.keyAuth());
                        });
        for (int w = 0; w < answers.size(); w++) {
            if (w % 2 == 0) {
                assertThat(answers.get(w))
                        .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
                continue;
            }
            assertThat(answers.get(w))
                    .allSatisfy(
                            r -> {
                                assertThat(r.status()).as(r.toString()).isEqualTo(400);
                                var err = r.json().getJsonObject("error");
                                assertThat(err.getString("type"))
                                        .isEqualTo("invalid_request_error");
                                assertThat(err.getString("code"))
                                        .isEqualTo("unsupported_character");
                                assertThat(err.getString("param"))
                                        .isIn("model", "messages[0].content");
                            });
        }
        Http.Response r = Http.local().post("/v1/chat/completions", NUL_MODEL, bad.keyAuth());
        assertThat(r.json().getJsonObject("error").getString("param")).isEqualTo("model");
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT outcome, status_code, target_id, details->>'requestedModel', details->>'error',"
                                        + " details->'audit.escaped' @> '[\"targetId\",\"details\"]' FROM audit_events"
                                        + " WHERE request_id = ? AND action = 'gateway.request'")) {
            ps.setString(1, r.header("x-request-id"));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the refusal is recorded").isTrue();
                assertThat(rs.getString(1)).isEqualTo("failure");
                assertThat(rs.getInt(2)).isEqualTo(400);
                assertThat(rs.getString(3)).isEqualTo("sand\\u0000box");
                assertThat(rs.getString(4)).isEqualTo("sand\\u0000box");
                assertThat(rs.getString(5)).isEqualTo("unsupported_character");
                assertThat(rs.getBoolean(6)).isTrue();
                assertThat(rs.next()).isFalse();
            }
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ?"
                                            + " AND action = 'gateway.request' AND status_code = 400",
                                    bad.id()))
                    .isEqualTo(4 * 12 + 1);
        }
        var v = Http.local().get("/api/v1/audit/verify", bad.auth("auditor")).json();
        assertThat(v.getBoolean("valid")).as(v.toString()).isTrue();
    }

    @Test
    void deeplyNestedJsonIs400InOpenAisShapeAndRecorded() throws Exception {
        String deepArrays = "[".repeat(5000) + "]".repeat(5000);
        String deepObjects = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
        for (String path : List.of("/v1/chat/completions", "/v1/embeddings")) {
            for (String body :
                    List.of(
                            "{\"model\":\"sandbox\",\"metadata\":" + deepArrays + "}",
                            deepObjects)) {
                Http.Response r =
                        Http.local()
                                .post(
                                        path,
                                        body,
                                        "Authorization",
                                        "Bearer " + TestTenant.DEMO_API_KEY);
                assertThat(r.status()).as(r.toString()).isEqualTo(400);
                assertThat(r.header("Content-Type")).startsWith("application/json");
                var err = r.json().getJsonObject("error");
                assertThat(err.getString("type")).isEqualTo("invalid_request_error");
                assertThat(err.getString("code")).isEqualTo("json_too_deep");
                assertThat(err.isNull("param")).isTrue();
                try (Connection c = Db.asApp()) {
                    assertThat(
                                    Db.count(
                                            c,
                                            "SELECT count(*) FROM audit_events WHERE request_id = ?"
                                                    + " AND action = 'gateway.request' AND status_code = 400",
                                            r.header("x-request-id")))
                            .isEqualTo(1);
                }
            }
        }
        // nesting within the limit is served
        Http.Response ok =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"metadata\":"
                                        + "[".repeat(60)
                                        + "]".repeat(60)
                                        + "}",
                                "Authorization",
                                "Bearer " + TestTenant.DEMO_API_KEY);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }

    // ------------------------------------------------------------ request ids

    @Test
    void everyRequestGetsItsOwnServerIdAndTheClientsIdIsKeptApart() throws Exception {
        String clientId = "client-" + UUID.randomUUID();
        List<String> serverIds = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Http.Response r =
                    Http.local()
                            .post(
                                    "/v1/chat/completions",
                                    chatBody("sandbox", "same id " + i),
                                    "Authorization",
                                    "Bearer " + TestTenant.DEMO_API_KEY,
                                    "X-Request-Id",
                                    clientId);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.header("x-request-id")).matches("req_[0-9a-f]{24}");
            assertThat(r.header("x-client-request-id")).isEqualTo(clientId);
            serverIds.add(r.header("x-request-id"));
        }
        assertThat(serverIds.get(0)).isNotEqualTo(serverIds.get(1));
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE request_id = ?",
                                    clientId))
                    .as("the client's id is never the request id")
                    .isZero();
            for (String id : serverIds) {
                assertThat(
                                Db.count(
                                        c,
                                        "SELECT count(*) FROM audit_events WHERE request_id = ?"
                                                + " AND action = 'gateway.request' AND details->>'client.request_id' = ?",
                                        id,
                                        clientId))
                        .isEqualTo(1);
            }
        }
        // lineage keeps the two requests apart
        for (String id : serverIds) {
            Http.Response l =
                    Http.local()
                            .get(
                                    "/api/v1/lineage/requests/" + id,
                                    TestTenant.demo().auth("auditor"));
            assertThat(l.status()).as(l.toString()).isEqualTo(200);
            assertThat(l.json().getJsonArray("events")).hasSize(1);
        }
        assertThat(
                        Http.local()
                                .get(
                                        "/api/v1/lineage/requests/" + clientId,
                                        TestTenant.demo().auth("auditor"))
                                .status())
                .isEqualTo(404);
        // the id of a refusal on /api is kept too, and an unsafe one is neither echoed nor kept
        Http.Response forbidden =
                Http.local()
                        .get(
                                "/api/v1/keys",
                                TestTenant.demo().auth("author")[0],
                                TestTenant.demo().auth("author")[1],
                                "X-Request-Id",
                                clientId);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().getString("requestId"))
                .isEqualTo(forbidden.header("x-request-id"));
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE request_id = ?"
                                            + " AND action = 'auth.forbidden' AND details->>'client.request_id' = ?",
                                    forbidden.header("x-request-id"),
                                    clientId))
                    .isEqualTo(1);
        }
        Http.Response unsafe =
                Http.local()
                        .post(
                                "/v1/chat/completions",
                                chatBody("sandbox", "unsafe id"),
                                "Authorization",
                                "Bearer " + TestTenant.DEMO_API_KEY,
                                "X-Request-Id",
                                "a b");
        assertThat(unsafe.status()).isEqualTo(200);
        assertThat(unsafe.header("x-client-request-id")).isNull();
        assertThat(unsafe.header("x-request-id")).matches("req_[0-9a-f]{24}");
    }
}
