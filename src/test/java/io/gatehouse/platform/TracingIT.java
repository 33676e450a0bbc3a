package io.gatehouse.platform;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: with tracing switched on by the standard {@code OTEL_*} variables, an instance exports
 * its spans over OTLP/HTTP to a receiver written for this test, which decodes them. One chat
 * request makes one trace: the server span, the edge's span, a span per stage, the provider attempt
 * as a GenAI CLIENT span ({@code chat {model}} with the {@code gen_ai.*} attributes and no content
 * attribute), the audit write; the provider receives the attempt's {@code traceparent}; the audit
 * event records the trace id. Embeddings calls are {@code embeddings {model}} spans; failed
 * attempts carry {@code error.type}; log lines of request work (the stream relay's too) carry the
 * request and trace ids in messages.log and on the console.
 */
class TracingIT {
    static final List<Span> SPANS = new CopyOnWriteArrayList<>();
    static HttpServer receiver;
    static WireMockServer provider;
    static LibertyInstance traced;

    static final String ANSWER =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m-resp-2026\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"ANSWER-TEXT-%s\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}";

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext(
                "/v1/traces",
                exchange -> {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    for (ResourceSpans rs :
                            ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
                        for (ScopeSpans ss : rs.getScopeSpansList()) {
                            SPANS.addAll(ss.getSpansList());
                        }
                    }
                    byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                    exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, ok.length);
                    exchange.getResponseBody().write(ok);
                    exchange.close();
                });
        receiver.start();
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
        traced =
                LibertyInstance.start(
                        "gatehouse-traced",
                        Map.of(
                                "OTEL_SDK_DISABLED", "false",
                                "OTEL_SERVICE_NAME", "gatehouse",
                                "OTEL_TRACES_EXPORTER", "otlp",
                                "OTEL_METRICS_EXPORTER", "none",
                                "OTEL_LOGS_EXPORTER", "none",
                                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                        "http://127.0.0.1:" + receiver.getAddress().getPort(),
                                "OTEL_BSP_SCHEDULE_DELAY", "100"));
        traced.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (traced != null) {
            traced.close();
        }
        if (provider != null) {
            provider.stop();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void oneChatRequestIsOneTraceAcrossEdgeStagesProviderAndAudit() throws Exception {
        TestTenant t = TestTenant.fresh();
        String marker = UUID.randomUUID().toString();
        provider.stubFor(
                post(urlEqualTo("/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(ANSWER.formatted(marker))));
        CatalogFixture.provider(
                t.id(),
                "wm",
                "openai",
                "http://localhost:" + provider.port() + "/v1",
                "{}",
                "m-wm",
                "chat");
        CatalogFixture.route(t.id(), "traced", "chat", "priority", 0, "wm/m-wm");

        var res =
                traced.http()
                        .post(
                                "/v1/chat/completions",
                                "{\"model\":\"traced\",\"messages\":[{\"role\":\"user\",\"content\":\"PROMPT-TEXT-"
                                        + marker
                                        + "\"}]}",
                                t.keyAuth());
        assertThat(res.status()).as(res.body()).isEqualTo(200);
        String requestId = res.header("x-request-id");

        Span attempt = awaitSpan("chat m-wm");
        String traceId = hex(attempt.getTraceId().toByteArray());
        assertThat(attempt.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(string(attempt, "gen_ai.operation.name")).contains("chat");
        assertThat(string(attempt, "gen_ai.provider.name")).contains("openai");
        assertThat(string(attempt, "gen_ai.request.model")).contains("m-wm");
        assertThat(string(attempt, "gen_ai.response.model")).contains("m-resp-2026");
        assertThat(attr(attempt, "gen_ai.usage.input_tokens").map(AnyValue::getIntValue))
                .contains(1000L);
        assertThat(attr(attempt, "gen_ai.usage.output_tokens").map(AnyValue::getIntValue))
                .contains(500L);
        assertThat(
                        attr(attempt, "gen_ai.response.finish_reasons")
                                .map(v -> v.getArrayValue().getValues(0).getStringValue()))
                .contains("stop");

        // the provider got the attempt's context
        List<LoggedRequest> sent =
                provider.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getHeader("traceparent"))
                .isEqualTo("00-" + traceId + "-" + hex(attempt.getSpanId().toByteArray()) + "-01");

        // one trace: server span at the root, edge, stages, attempt and audit write under it
        Span edge = awaitSpan("gatehouse.edge.authenticate", traceId);
        Span audit = awaitSpan("gatehouse.audit.record", traceId);
        Span policyInput = awaitSpan("gatehouse.stage PolicyStage before_routing", traceId);
        Span policyBeforeCall =
                awaitSpan("gatehouse.stage PolicyStage before_provider_call", traceId);
        Span policyOutput = awaitSpan("gatehouse.stage PolicyStage after_answer", traceId);
        // Liberty's server span ends after the response is written, so it is exported last
        Span server = awaitServerSpan(traceId);
        assertThat(server.getParentSpanId().isEmpty()).isTrue();
        for (Span child :
                List.of(edge, attempt, audit, policyInput, policyBeforeCall, policyOutput)) {
            assertThat(child.getParentSpanId())
                    .as(child.getName() + " is a child of the server span")
                    .isEqualTo(server.getSpanId());
        }

        // never content: no gen_ai content attribute, and neither the prompt nor the answer
        // anywhere
        for (Span s : SPANS) {
            for (KeyValue kv : s.getAttributesList()) {
                assertThat(kv.getKey())
                        .doesNotStartWith("gen_ai.prompt")
                        .doesNotStartWith("gen_ai.completion")
                        .doesNotStartWith("gen_ai.input")
                        .doesNotStartWith("gen_ai.output")
                        .doesNotStartWith("gen_ai.system_instructions");
                assertThat(kv.getValue().toString()).doesNotContain(marker);
            }
        }

        // the audit event records the trace
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT details->>'trace.id' FROM audit_events WHERE request_id = ?"
                                        + " AND action = 'gateway.request'")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(traceId);
            }
        }
    }

    @Test
    void aStreamedAnswersAttemptSpanCarriesTheStreamsUsageAndFinishReasons() throws Exception {
        TestTenant t = TestTenant.fresh();
        String marker = UUID.randomUUID().toString();
        String sse =
                "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"model\":\"m-stream-2026\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"STREAM-"
                        + marker
                        + "\"},\"finish_reason\":null}]}\n\n"
                        + "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"model\":\"m-stream-2026\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                        + "data: {\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"model\":\"m-stream-2026\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":70,\"completion_tokens\":30,\"total_tokens\":100}}\n\n"
                        + "data: [DONE]\n\n";
        WireMockServer streaming = new WireMockServer(options().dynamicPort());
        streaming.start();
        try {
            streaming.stubFor(
                    post(urlEqualTo("/v1/chat/completions"))
                            .willReturn(
                                    aResponse()
                                            .withHeader("Content-Type", "text/event-stream")
                                            .withBody(sse)));
            CatalogFixture.provider(
                    t.id(),
                    "st",
                    "openai",
                    "http://localhost:" + streaming.port() + "/v1",
                    "{}",
                    "m-st",
                    "chat,streaming");
            CatalogFixture.route(t.id(), "streamed", "chat", "priority", 0, "st/m-st");
            var res =
                    traced.http()
                            .post(
                                    "/v1/chat/completions",
                                    "{\"model\":\"streamed\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"PROMPT-"
                                            + marker
                                            + "\"}]}",
                                    t.keyAuth());
            assertThat(res.status()).as(res.body()).isEqualTo(200);
            assertThat(res.body()).contains("STREAM-" + marker).endsWith("data: [DONE]\n\n");
        } finally {
            streaming.stop();
        }
        Span attempt = awaitSpan("chat m-st");
        String traceId = hex(attempt.getTraceId().toByteArray());
        assertThat(attempt.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(string(attempt, "gen_ai.response.model")).contains("m-stream-2026");
        assertThat(attr(attempt, "gen_ai.usage.input_tokens").map(AnyValue::getIntValue))
                .contains(70L);
        assertThat(attr(attempt, "gen_ai.usage.output_tokens").map(AnyValue::getIntValue))
                .contains(30L);
        assertThat(
                        attr(attempt, "gen_ai.response.finish_reasons")
                                .map(v -> v.getArrayValue().getValues(0).getStringValue()))
                .contains("length");
        // the span lasted until the stream's end, not only to its first chunk
        assertThat(attempt.getEndTimeUnixNano()).isGreaterThan(attempt.getStartTimeUnixNano());
        Span server = awaitServerSpan(traceId);
        // the audit write after the stream belongs to the same trace
        awaitSpan("gatehouse.audit.record", traceId);
        Span beforeCall = awaitSpan("gatehouse.stage PolicyStage before_provider_call", traceId);
        for (Span child : List.of(attempt, beforeCall)) {
            assertThat(child.getParentSpanId())
                    .as(child.getName() + " is a child of the server span")
                    .isEqualTo(server.getSpanId());
        }
        for (Span s : SPANS) {
            for (KeyValue kv : s.getAttributesList()) {
                assertThat(kv.getValue().toString()).doesNotContain(marker);
            }
        }
    }

    /**
     * An embeddings call is a GenAI CLIENT span {@code embeddings {model}} with the operation
     * {@code embeddings}, its provider and models and its input tokens; the input never appears.
     */
    @Test
    void anEmbeddingsCallIsAnEmbeddingsSpan() throws Exception {
        TestTenant t = TestTenant.fresh();
        String marker = UUID.randomUUID().toString();
        WireMockServer embedder = new WireMockServer(options().dynamicPort());
        embedder.start();
        try {
            embedder.stubFor(
                    post(urlEqualTo("/v1/embeddings"))
                            .willReturn(
                                    aResponse()
                                            .withHeader("Content-Type", "application/json")
                                            .withBody(
                                                    "{\"object\":\"list\",\"model\":\"m-emb-2026\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                                                            + "\"embedding\":[0.1,0.2,0.3]}],\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}")));
            CatalogFixture.provider(
                    t.id(),
                    "em",
                    "openai",
                    "http://localhost:" + embedder.port() + "/v1",
                    "{}",
                    "m-emb",
                    "embeddings");
            CatalogFixture.route(t.id(), "vectors", "embeddings", "priority", 0, "em/m-emb");
            var res =
                    traced.http()
                            .post(
                                    "/v1/embeddings",
                                    "{\"model\":\"vectors\",\"input\":\"EMBED-" + marker + "\"}",
                                    t.keyAuth());
            assertThat(res.status()).as(res.body()).isEqualTo(200);
        } finally {
            embedder.stop();
        }
        Span attempt = awaitSpan("embeddings m-emb");
        assertThat(attempt.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(string(attempt, "gen_ai.operation.name")).contains("embeddings");
        assertThat(string(attempt, "gen_ai.provider.name")).contains("openai");
        assertThat(string(attempt, "gen_ai.request.model")).contains("m-emb");
        assertThat(string(attempt, "gen_ai.response.model")).contains("m-emb-2026");
        assertThat(attr(attempt, "gen_ai.usage.input_tokens").map(AnyValue::getIntValue))
                .contains(7L);
        assertThat(attr(attempt, "error.type")).isEmpty();
        Span server = awaitServerSpan(hex(attempt.getTraceId().toByteArray()));
        assertThat(attempt.getParentSpanId()).isEqualTo(server.getSpanId());
        for (Span s : SPANS) {
            for (KeyValue kv : s.getAttributesList()) {
                assertThat(kv.getValue().toString()).doesNotContain(marker);
            }
        }
    }

    /** A provider that does not answer in time: the attempt's span ends with error.type timeout. */
    @Test
    void aTimedOutAttemptsSpanCarriesErrorTypeTimeout() throws Exception {
        TestTenant t = TestTenant.fresh();
        WireMockServer slow = new WireMockServer(options().dynamicPort());
        slow.start();
        try {
            slow.stubFor(
                    post(urlEqualTo("/v1/chat/completions"))
                            .willReturn(
                                    aResponse()
                                            .withFixedDelay(4000)
                                            .withHeader("Content-Type", "application/json")
                                            .withBody(ANSWER.formatted("late"))));
            // CatalogFixture gives every provider a 2 s timeout
            CatalogFixture.provider(
                    t.id(),
                    "slow",
                    "openai",
                    "http://localhost:" + slow.port() + "/v1",
                    "{}",
                    "m-slow",
                    "chat");
            CatalogFixture.route(t.id(), "patient", "chat", "priority", 0, "slow/m-slow");
            var res =
                    traced.http()
                            .post(
                                    "/v1/chat/completions",
                                    "{\"model\":\"patient\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                                    t.keyAuth());
            assertThat(res.status()).as(res.body()).isEqualTo(504);
        } finally {
            slow.stop();
        }
        Span timedOut = awaitSpan("chat m-slow");
        assertThat(string(timedOut, "error.type")).contains("timeout");
        assertThat(timedOut.getStatus().getCode())
                .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    }

    /**
     * Issue 22 review: an export ticket in the download URL never reaches telemetry or logs. The
     * server span of the download carries the path and a query whose ticket reads REDACTED; no span
     * attribute of any span, and no line of messages.log or console.log, holds the ticket.
     */
    @Test
    void anExportTicketNeverReachesSpansOrLogs() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response issued =
                traced.http().post("/api/v1/audit/export/tickets", "{}", t.auth("auditor"));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String ticket = issued.json().getString("ticket");
        Http.Response export =
                traced.http().get("/api/v1/audit/export?format=jsonl&ticket=" + ticket);
        assertThat(export.status()).as(export.body()).isEqualTo(200);

        Span server = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (server == null && System.nanoTime() < deadline) {
            server =
                    SPANS.stream()
                            .filter(x -> x.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                            .filter(
                                    x ->
                                            x.getAttributesList().stream()
                                                    .anyMatch(
                                                            kv ->
                                                                    kv.getValue()
                                                                                    .getStringValue()
                                                                                    .contains(
                                                                                            "/api/v1/audit/export")
                                                                            && !kv.getValue()
                                                                                    .getStringValue()
                                                                                    .contains(
                                                                                            "tickets")))
                            .filter(x -> x.toString().contains("format=jsonl"))
                            .findFirst()
                            .orElse(null);
            if (server == null) {
                Thread.sleep(100);
            }
        }
        assertThat(server).as("the download's server span among " + names(SPANS)).isNotNull();
        assertThat(server.toString()).contains("ticket=REDACTED");
        for (Span s : SPANS) {
            assertThat(s.toString()).as(s.getName()).doesNotContain(ticket);
        }
        assertThat(traced.messagesLog()).doesNotContain(ticket);
        assertThat(traced.consoleLog()).doesNotContain(ticket);
    }

    /**
     * Issue 20, item 7: a streamed answer is relayed after the resource method returned; the
     * relay's lines (here the failed-attempt line, written when the stream's audit event is
     * recorded at its end) carry the request's and the trace's ids, in messages.log and on the
     * console.
     */
    @Test
    void theStreamRelaysLinesCarryTheRequestAndTraceIds() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response res = viaFailingFirstTarget(t, "sdown", true);
        assertThat(res.status()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).endsWith("data: [DONE]\n\n");
        String requestId = res.header("x-request-id");
        Span attempt = awaitSpan("chat sb-stream");
        String traceId = hex(attempt.getTraceId().toByteArray());
        for (String file : List.of("messages.log", "console.log")) {
            JsonObject line = awaitLine(file, requestId, "m-sdown: server");
            assertThat(line).as(file + ": the relay's line").isNotNull();
            assertThat(line.getString("ext_requestId", "")).as(file).isEqualTo(requestId);
            assertThat(line.getString("ext_traceId", "")).as(file).isEqualTo(traceId);
        }
    }

    /**
     * Issue 20: expected client errors thrown inside {@code @Transactional} methods (a 400 for a
     * bad slug, a 404 for an unknown change request) create no FFDC incident in logs/ffdc. On this
     * instance (a fresh JVM: Liberty writes an FFDC file for the first incident of each kind, so
     * the shared test server could not show it) they did before the fix.
     */
    @Test
    void expectedClientErrorsOfTransactionalMethodsCreateNoFfdcIncident() throws Exception {
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        var badSlug =
                traced.http()
                        .post(
                                "/api/v1/tenants",
                                "{\"slug\":\"Not A Slug!\",\"displayName\":\"x\"}",
                                "Authorization",
                                "Bearer " + platform);
        assertThat(badSlug.status()).as(badSlug.body()).isEqualTo(400);
        assertThat(badSlug.body()).contains("slug");
        var unknownChange =
                traced.http()
                        .get(
                                "/api/v1/changes/" + UUID.randomUUID(),
                                TestTenant.demo().auth("admin"));
        assertThat(unknownChange.status()).as(unknownChange.body()).isEqualTo(404);
        // An incident is created on the failing request's own thread, before its answer: its file
        // is written and its FFDC1015I line queued to the log then. So once the access-log line of
        // a later request is in messages.log, every incident of the two requests above would be
        // visible, in the log and in logs/ffdc.
        var later = traced.http().get("/v1/models", TestTenant.demo().keyAuth());
        assertThat(later.status()).isEqualTo(200);
        String laterId = later.header("x-request-id");
        assertThat(awaitAccessLine(laterId))
                .as("the later request's access-log line (the barrier)")
                .isTrue();
        // positive control: the log read here holds the two client errors' own access lines
        String log = traced.messagesLog();
        assertThat(log)
                .contains(badSlug.header("x-request-id"))
                .contains(unknownChange.header("x-request-id"));
        assertThat(log.lines().filter(l -> l.contains("FFDC1015I")))
                .as("FFDC1015I lines for client errors")
                .noneMatch(
                        l -> l.contains("ValidationException") || l.contains("NotFoundException"));
        java.nio.file.Path ffdc =
                java.nio.file.Path.of(
                        System.getProperty("gatehouse.wlp.dir", "target/liberty/wlp"),
                        "usr/servers/gatehouse-traced/logs/ffdc");
        List<String> incidents = new java.util.ArrayList<>();
        if (java.nio.file.Files.isDirectory(ffdc)) {
            try (var files = java.nio.file.Files.list(ffdc)) {
                for (java.nio.file.Path f : files.toList()) {
                    String text = java.nio.file.Files.readString(f);
                    if (text.contains("io.gatehouse.shared.error.ValidationException")
                            || text.contains("io.gatehouse.shared.error.NotFoundException")) {
                        incidents.add(f.getFileName().toString());
                    }
                }
            }
        }
        assertThat(incidents).as("FFDC incidents for client errors").isEmpty();
    }

    @Test
    void logLinesOfARequestCarryItsRequestAndTraceIds() throws Exception {
        TestTenant t = TestTenant.fresh();
        Http.Response res = viaFailingFirstTarget(t, "down", false);
        assertThat(res.status()).isEqualTo(200);
        String requestId = res.header("x-request-id");
        // the failed attempt is logged on the request's thread: that line carries both ids
        JsonObject line = awaitLine("messages.log", requestId, "m-down: server");
        assertThat(line).as("the failed attempt's line in messages.log").isNotNull();
        assertThat(line.getString("ext_requestId", "")).isEqualTo(requestId);
        String traceId = line.getString("ext_traceId", null);
        assertThat(traceId).as("ext_traceId on the request's log line").matches("[0-9a-f]{32}");
        String logged = traceId;
        // the same line on the console, JSON with both ids
        JsonObject console = awaitLine("console.log", requestId, "m-down: server");
        assertThat(console).as("the line on the console").isNotNull();
        assertThat(console.getString("ext_requestId", "")).isEqualTo(requestId);
        assertThat(console.getString("ext_traceId", "")).isEqualTo(logged);
        // the same trace the spans belong to; the failed attempt's span names its error
        Span failed = awaitSpan("chat m-down", logged);
        assertThat(failed.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(string(failed, "error.type")).contains("server");
        assertThat(failed.getStatus().getCode())
                .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
        Span answered = awaitSpan("chat sb-chat", logged);
        assertThat(attr(answered, "error.type")).isEmpty();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT details->>'trace.id' FROM audit_events WHERE request_id = ?"
                                        + " AND action = 'gateway.request'")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(logged);
            }
        }
    }

    /**
     * A chat call, on the traced instance, over a route whose first target ({@code target}, a
     * provider that answers 503) fails and whose second, the sandbox, answers: one failed attempt
     * (logged on the request's work) and one answer.
     */
    private static Http.Response viaFailingFirstTarget(TestTenant t, String target, boolean stream)
            throws Exception {
        WireMockServer down = new WireMockServer(options().dynamicPort());
        down.start();
        try {
            down.stubFor(
                    post(urlEqualTo("/v1/chat/completions"))
                            .willReturn(aResponse().withStatus(503).withBody("{}")));
            String capabilities = stream ? "chat,streaming" : "chat";
            String sandbox = stream ? "sb-stream" : "sb-chat";
            CatalogFixture.provider(
                    t.id(),
                    target,
                    "openai",
                    "http://localhost:" + down.port() + "/v1",
                    "{}",
                    "m-" + target,
                    capabilities);
            CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", sandbox, capabilities);
            CatalogFixture.route(
                    t.id(),
                    "via-" + target,
                    "chat",
                    "priority",
                    0,
                    target + "/m-" + target,
                    "sb/" + sandbox);
            return traced.http()
                    .post(
                            "/v1/chat/completions",
                            "{\"model\":\"via-"
                                    + target
                                    + "\""
                                    + (stream ? ",\"stream\":true" : "")
                                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                            t.keyAuth());
        } finally {
            down.stop();
        }
    }

    /** Waits until messages.log has the access-log line of {@code requestId}. */
    private static boolean awaitAccessLine(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : traced.messagesLog().split("\n")) {
                if (line.contains("liberty_accesslog") && line.contains(requestId)) {
                    return true;
                }
            }
            Thread.sleep(50); // Liberty writes its log asynchronously
        }
        return false;
    }

    /**
     * The JSON line of {@code log} (messages.log or console.log of the traced instance) written for
     * {@code requestId} whose message contains {@code text}, waiting for it; null if none came.
     */
    private static JsonObject awaitLine(String file, String requestId, String text)
            throws Exception {
        java.nio.file.Path path =
                java.nio.file.Path.of(
                        System.getProperty("gatehouse.wlp.dir", "target/liberty/wlp"),
                        "usr/servers/gatehouse-traced/logs",
                        file);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            String all =
                    java.nio.file.Files.exists(path) ? java.nio.file.Files.readString(path) : "";
            for (String line : all.split("\n")) {
                if (line.startsWith("{") && line.contains(text) && line.contains(requestId)) {
                    JsonObject o = Json.createReader(new StringReader(line)).readObject();
                    if (o.getString("message", "").contains(text)) {
                        return o;
                    }
                }
            }
            Thread.sleep(100); // Liberty writes its logs asynchronously
        }
        return null;
    }

    private static Span awaitSpan(String name) throws InterruptedException {
        return awaitSpan(name, null);
    }

    private static Span awaitSpan(String name, String traceId) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<Span> s =
                    SPANS.stream()
                            .filter(x -> x.getName().equals(name))
                            .filter(
                                    x ->
                                            traceId == null
                                                    || hex(x.getTraceId().toByteArray())
                                                            .equals(traceId))
                            .findFirst();
            if (s.isPresent()) {
                return s.get();
            }
            Thread.sleep(100); // the exporter sends batches every 100 ms
        }
        throw new AssertionError("no span " + name + " among " + names(SPANS));
    }

    private static Span awaitServerSpan(String traceId) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<Span> s =
                    SPANS.stream()
                            .filter(x -> x.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                            .filter(x -> hex(x.getTraceId().toByteArray()).equals(traceId))
                            .findFirst();
            if (s.isPresent()) {
                return s.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no server span in trace " + traceId + " among " + names(SPANS));
    }

    private static List<String> names(List<Span> spans) {
        return spans.stream().map(Span::getName).distinct().toList();
    }

    private static Optional<AnyValue> attr(Span s, String key) {
        return s.getAttributesList().stream()
                .filter(kv -> kv.getKey().equals(key))
                .map(KeyValue::getValue)
                .findFirst();
    }

    private static Optional<String> string(Span s, String key) {
        return attr(s, key).map(AnyValue::getStringValue);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
