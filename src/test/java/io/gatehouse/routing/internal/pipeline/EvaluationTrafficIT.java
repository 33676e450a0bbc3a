package io.gatehouse.routing.internal.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.EvaluationRuns;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.PrometheusText;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Evaluation traffic (issue 23) through the real beans: a second Gatehouse server ({@link
 * LibertyInstance}, its own JVM on the same database) runs the application with {@link
 * EvaluationProbe} added, a test-only servlet that calls {@code EvaluationCalls}, {@code
 * EvaluationGateway} and {@code RouteChangeKind.evaluate}. The test server serves the same tenants'
 * production traffic over HTTP, so limits, budgets and the evaluation share are proved across
 * instances as well; the second instance's own HTTP API serves production traffic where one cache
 * or one catalog must be shared with the evaluation's calls. Providers are WireMock stand-ins that
 * count the calls they receive.
 */
class EvaluationTrafficIT {
    /**
     * The answer of provider {@code name}: {@code from <name>}, 10 input and 5 output tokens at the
     * fixture's prices (2 and 8 per token): 60 micros.
     */
    static String ok(String name) {
        return StandInProvider.chatCompletion("m", "from " + name, 10, 5);
    }

    static final String EMBEDDED =
            "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.5,-0.25]},"
                    + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[1,0]}],\"model\":\"e\","
                    + "\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4}}";

    static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static StandInProvider provider;
    static LibertyInstance second;
    static String base;

    @BeforeAll
    static void start() {
        provider = StandInProvider.start();
        second =
                LibertyInstance.start(
                        "gatehouse-evaluation", Map.of(), EvaluationTrafficIT::withProbe);
        base = second.baseUrl() + "/";
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        provider.stop();
    }

    /**
     * Adds {@link EvaluationProbe} (as compiled into target/test-classes) to the copied server's
     * application: the test server deploys it as a loose application, whose XML names the
     * directories it is made of.
     */
    static void withProbe(Path server) {
        try {
            String cls = EvaluationProbe.class.getName().replace('.', '/') + ".class";
            Path dir = Path.of("target/evaluation-probe").toAbsolutePath();
            Files.createDirectories(dir.resolve(cls).getParent());
            Files.copy(
                    Path.of("target/test-classes").resolve(cls),
                    dir.resolve(cls),
                    StandardCopyOption.REPLACE_EXISTING);
            Path app = server.resolve("apps/gatehouse.war.xml");
            String xml = Files.readString(app);
            assertThat(xml).as("the test server's loose application").contains("<archive>");
            Files.writeString(
                    app,
                    xml.replace(
                            "<archive>",
                            "<archive>\n    <dir sourceOnDisk=\""
                                    + dir
                                    + "\" targetInArchive=\"/WEB-INF/classes\"/>"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fresh tenant whose chat route {@code alias} goes to provider {@code name} at {@code path}.
     */
    static TestTenant tenant(String path, String name, String alias, int cacheTtl)
            throws Exception {
        TestTenant t = TestTenant.fresh();
        provider.answerJson(path + "/chat/completions", ok(name));
        CatalogFixture.provider(
                t.id(), name, "openai", provider.baseUrl(path), "{}", "m", "chat,streaming");
        CatalogFixture.route(t.id(), alias, "chat", "priority", cacheTtl, name + "/m");
        return t;
    }

    /** Gives the tenant's provider {@code name} a 20 s timeout (the fixture's is 2 s). */
    static void slowTimeout(TestTenant t, String name) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE routing_providers SET timeout_ms = 20000"
                                        + " WHERE tenant_id = ?::uuid AND name = ?")) {
            ps.setString(1, t.id());
            ps.setString(2, name);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static void limits(TestTenant t, String json) {
        Http.Response r = Http.local().method("PUT", "/api/v1/limits", json, t.auth("admin"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static String chatBody(String model, String text) {
        return Json.createObjectBuilder()
                .add("model", model)
                .add("max_tokens", 16)
                .add(
                        "messages",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("role", "user")
                                                .add("content", text)))
                .build()
                .toString();
    }

    static JsonObject of(UUID run, String caseId, String side, UUID change) {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("runId", run.toString())
                        .add("caseId", caseId)
                        .add("side", side);
        if (change != null) {
            b.add("changeId", change.toString()).add("revision", 1);
        }
        return b.build();
    }

    /** One call through the probe of the second instance. */
    JsonObject probe(JsonObject in) throws Exception {
        HttpResponse<String> r =
                CLIENT.send(
                        HttpRequest.newBuilder(URI.create(base + "evaluation-probe"))
                                .timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(in.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    JsonObject evaluationChat(TestTenant t, String body, JsonObject of) throws Exception {
        return probe(
                Json.createObjectBuilder()
                        .add("op", "chat")
                        .add("tenant", t.id())
                        .add("requestId", "req_eval_" + UUID.randomUUID())
                        .add("body", Json.createReader(new StringReader(body)).readObject())
                        .add("of", of)
                        .build());
    }

    /** The audit event of a request: actor kind, actor and details. */
    record Recorded(String actorKind, String actor, JsonObject details) {}

    static Recorded recorded(String requestId) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT actor_kind, actor, details::text FROM audit_events"
                                        + " WHERE request_id = ? AND action = 'gateway.request'")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the gateway.request event of " + requestId).isTrue();
                return new Recorded(
                        rs.getString(1),
                        rs.getString(2),
                        Json.createReader(new StringReader(rs.getString(3))).readObject());
            }
        }
    }

    static String secondMetrics() {
        HttpResponse<String> r =
                MetricsScrape.get(second.httpsPort(), MetricsScrape.USER, MetricsScrape.PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** Waits for a fresh minute when this one has too little left for a burst of calls. */
    static void roomInThisMinute() throws InterruptedException {
        Instant now = Instant.now();
        Instant next = now.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        if (Duration.between(now, next).toSeconds() < 25) {
            Thread.sleep(Duration.between(now, next).toMillis() + 500);
        }
    }

    @Test
    void theShareRefusesTheEleventhEvaluationCallOfATenantLimitedToAHundredWhileProductionPasses()
            throws Exception {
        TestTenant t = tenant("/share/v1", "share-p", "share", 0);
        limits(t, "{\"rpmLimit\":100}"); // the share: a tenth, 10 a minute
        UUID run = UUID.randomUUID();
        UUID change = UUID.randomUUID();
        String before = MetricsScrape.text();
        String beforeHere = secondMetrics();
        roomInThisMinute();
        List<JsonObject> answers = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            answers.add(
                    evaluationChat(
                            t, chatBody("share", "case " + i), of(run, "c" + i, "live", change)));
        }
        for (int i = 0; i < 10; i++) {
            assertThat(answers.get(i).getInt("status"))
                    .as(answers.get(i).toString())
                    .isEqualTo(200);
        }
        JsonObject eleventh = answers.get(10);
        assertThat(eleventh.getInt("status")).isEqualTo(429);
        assertThat(eleventh.getString("errorCode")).isEqualTo("evaluation_rate_limited");
        // the tenant's own traffic still has the other nine tenths
        for (int i = 0; i < 5; i++) {
            Http.Response r =
                    Http.local()
                            .post(
                                    "/v1/chat/completions",
                                    chatBody("share", "prod " + i),
                                    t.keyAuth());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }

        JsonObject first = answers.get(0);
        assertThat(first.getString("text")).isEqualTo("from share-p");
        assertThat(first.getString("policy")).isEqualTo("allowed");
        assertThat(first.getString("route")).isEqualTo("share");
        assertThat(first.getString("provider")).isEqualTo("share-p");
        assertThat(first.getJsonNumber("costMicros").longValue()).isEqualTo(60);
        Recorded e = recorded(first.getString("requestId"));
        assertThat(e.actorKind()).isEqualTo("system");
        assertThat(e.actor()).isEqualTo("system:evaluation");
        assertThat(e.details().getString("evaluationRun")).isEqualTo(run.toString());
        assertThat(e.details().getString("evaluationCase")).isEqualTo("c0");
        assertThat(e.details().getString("evaluationSide")).isEqualTo("live");
        assertThat(e.details().getString("evaluationOf")).isEqualTo(change.toString());
        assertThat(e.details().getBoolean("stream")).isFalse();
        // the refused call is recorded too, with its run and the share's code
        Recorded refused = recorded(eleventh.getString("requestId"));
        assertThat(refused.details().getString("error")).isEqualTo("evaluation_rate_limited");
        assertThat(refused.details().getString("evaluationCase")).isEqualTo("c10");

        String after = MetricsScrape.text();
        String labels = "tenant=\"" + t.slug() + "\",route=\"share\"";
        // the evaluation's calls on the second instance, production's on the test server
        String afterHere = secondMetrics();
        assertThat(
                        PrometheusText.delta(
                                beforeHere,
                                afterHere,
                                "gatehouse_gateway_requests_total",
                                labels + ",status=\"200\",traffic=\"evaluation\""))
                .isEqualTo(10);
        assertThat(
                        PrometheusText.delta(
                                beforeHere,
                                afterHere,
                                "gatehouse_gateway_requests_total",
                                labels + ",status=\"429\",traffic=\"evaluation\""))
                .isEqualTo(1);
        assertThat(
                        PrometheusText.delta(
                                before,
                                after,
                                "gatehouse_gateway_requests_total",
                                labels + ",status=\"200\",traffic=\"production\""))
                .isEqualTo(5);
    }

    @Test
    void evaluationCallsCountAgainstTheTenantsOwnLimitAndBudget() throws Exception {
        TestTenant t = tenant("/count/v1", "count-p", "count", 0);
        // half of 20 a minute for evaluations; a budget large enough for everything here
        limits(
                t,
                "{\"rpmLimit\":20,\"dailyBudgetMicros\":100000000,\"evaluationSharePercent\":50}");
        UUID run = UUID.randomUUID();
        roomInThisMinute();
        long evaluationCost = 0;
        for (int i = 0; i < 10; i++) {
            JsonObject a =
                    evaluationChat(
                            t, chatBody("count", "case " + i), of(run, "c" + i, "judge", null));
            assertThat(a.getInt("status")).as(a.toString()).isEqualTo(200);
            evaluationCost += a.getJsonNumber("costMicros").longValue();
        }
        // the ten evaluation calls used half of the tenant's 20: production has ten left
        int passed = 0;
        Http.Response last = null;
        for (int i = 0; i < 11; i++) {
            last =
                    Http.local()
                            .post("/v1/chat/completions", chatBody("count", "p" + i), t.keyAuth());
            if (last.status() == 200) {
                passed++;
            }
        }
        assertThat(passed).isEqualTo(10);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.json().getJsonObject("error").getString("code"))
                .isEqualTo("rate_limit_exceeded");

        // and what they cost is spent from the tenant's budget
        JsonObject daily =
                Http.local()
                        .get("/api/v1/usage", t.auth("admin"))
                        .json()
                        .getJsonObject("budget")
                        .getJsonObject("daily");
        assertThat(evaluationCost).isEqualTo(600);
        assertThat(daily.getJsonNumber("spentMicros").longValue()).isEqualTo(600 + 10 * 60);
    }

    @Test
    void theBudgetShareRefusesAnEvaluationCallThatProductionMayStillMake() throws Exception {
        TestTenant t = tenant("/budget/v1", "budget-p", "budget", 0);
        // a tenth of 5,000 micros is 500: less than one call's reservation (max 100 output tokens
        // at 8 micros each and the input), which the whole budget still has room for
        limits(t, "{\"dailyBudgetMicros\":5000}");
        String body =
                "{\"model\":\"budget\",\"max_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        JsonObject refused = evaluationChat(t, body, of(UUID.randomUUID(), "b", "candidate", null));
        assertThat(refused.getInt("status")).isEqualTo(429);
        assertThat(refused.getString("errorCode")).isEqualTo("evaluation_budget_exceeded");
        assertThat(provider.received("/budget/v1/chat/completions")).isEmpty();
        Http.Response prod = Http.local().post("/v1/chat/completions", body, t.keyAuth());
        assertThat(prod.status()).as(prod.body()).isEqualTo(200);
        assertThat(provider.received("/budget/v1/chat/completions")).hasSize(1);
    }

    /** The second instance's own HTTP API. */
    static Http second() {
        return second.http();
    }

    @Test
    void anEvaluationCallNeitherReadsNorWritesTheAnswerCache() throws Exception {
        TestTenant t = tenant("/cached/v1", "cached-p", "cached", 300);
        String url = "/cached/v1/chat/completions";
        String body = chatBody("cached", "the same question");
        UUID run = UUID.randomUUID();
        // every call on the second instance: one answer cache
        assertThat(evaluationChat(t, body, of(run, "a", "live", null)).getInt("status"))
                .isEqualTo(200);
        assertThat(provider.received(url)).hasSize(1);
        // the evaluation's answer was not kept: production asks the provider itself
        Http.Response first = second().post("/v1/chat/completions", body, t.keyAuth());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-gatehouse-cache")).isNull();
        assertThat(provider.received(url)).hasSize(2);
        Http.Response hit = second().post("/v1/chat/completions", body, t.keyAuth());
        assertThat(hit.header("x-gatehouse-cache")).isEqualTo("hit");
        assertThat(provider.received(url)).hasSize(2);
        // production's cached answer is not read by an evaluation: the provider answers it
        JsonObject again = evaluationChat(t, body, of(run, "b", "live", null));
        assertThat(again.getInt("status")).isEqualTo(200);
        assertThat(provider.received(url)).hasSize(3);
    }

    @Test
    void anotherTenantsRouteIsNeverUsed() throws Exception {
        TestTenant a = tenant("/mine/v1", "mine-p", "mine", 0);
        TestTenant b = tenant("/theirs/v1", "theirs-p", "theirs-only", 0);
        JsonObject answer =
                evaluationChat(
                        a, chatBody("theirs-only", "hi"), of(UUID.randomUUID(), "x", "live", null));
        assertThat(answer.getInt("status")).isEqualTo(404);
        assertThat(answer.getString("errorCode")).isEqualTo("model_not_found");
        assertThat(provider.received("/theirs/v1/chat/completions")).isEmpty();
        assertThat(b.id()).isNotEqualTo(a.id());
    }

    @Test
    void aRouteCandidateAppliesToItsOwnExchangeWhileALiveCallGoesThePublishedWay()
            throws Exception {
        TestTenant t = tenant("/live/v1", "live-p", "support", 0);
        // the candidate's provider answers slowly: a production call runs while it waits
        provider.server()
                .stubFor(
                        post(urlEqualTo("/draft/v1/chat/completions"))
                                .willReturn(
                                        aResponse()
                                                .withFixedDelay(4000)
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(ok("draft-p"))));
        CatalogFixture.provider(
                t.id(), "draft-p", "openai", provider.baseUrl("/draft/v1"), "{}", "m", "chat");
        slowTimeout(t, "draft-p");
        UUID run = UUID.randomUUID();
        UUID change = UUID.randomUUID();
        JsonObject candidate =
                Json.createObjectBuilder()
                        .add("operation", "chat")
                        .add("strategy", "priority")
                        .add(
                                "targets",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("provider", "draft-p")
                                                        .add("model", "m")))
                        .build();
        var messages =
                Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("role", "user").add("content", "hi"))
                        .build();
        String candidateRequest = "req_eval_" + UUID.randomUUID();
        CompletableFuture<JsonObject> onCandidate =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return probe(
                                        Json.createObjectBuilder()
                                                .add("op", "route")
                                                .add("tenant", t.id())
                                                .add("requestId", candidateRequest)
                                                .add("target", "support")
                                                .add("candidate", candidate)
                                                .add("messages", messages)
                                                .add("of", of(run, "r1", "candidate", change))
                                                .build());
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (provider.received("/draft/v1/chat/completions").isEmpty()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(provider.received("/draft/v1/chat/completions"))
                .as("the candidate's call reached the draft's provider")
                .hasSize(1);
        // meanwhile, on both instances, the route is what is published
        for (Http instance : List.of(Http.local(), second())) {
            Http.Response live =
                    instance.post("/v1/chat/completions", chatBody("support", "x"), t.keyAuth());
            assertThat(live.status()).as(live.body()).isEqualTo(200);
            assertThat(live.header("x-gatehouse-provider")).isEqualTo("live-p");
        }
        JsonObject liveSide =
                probe(
                        Json.createObjectBuilder()
                                .add("op", "route")
                                .add("tenant", t.id())
                                .add("target", "support")
                                .add("messages", messages)
                                .add("of", of(run, "r1", "live", change))
                                .build());
        assertThat(liveSide.getString("provider")).isEqualTo("live-p");
        assertThat(onCandidate.isDone()).as("the candidate's call still waits").isFalse();

        JsonObject candidateSide = onCandidate.get();
        assertThat(candidateSide.getInt("status")).as(candidateSide.toString()).isEqualTo(200);
        assertThat(candidateSide.getString("provider")).isEqualTo("draft-p");
        assertThat(candidateSide.getString("route")).isEqualTo("support");
        assertThat(candidateSide.getString("text")).isEqualTo("from draft-p");
        assertThat(provider.received("/draft/v1/chat/completions")).hasSize(1);
        assertThat(recorded(candidateRequest).details().getString("evaluationSide"))
                .isEqualTo("candidate");

        // lineage: the request shows its run and the change it tested; the change lists the run
        probe(event(t, "evaluation.run.start", run, change, null));
        probe(event(t, "evaluation.run.finish", run, change, "passed"));
        Http.Response lineage =
                Http.local().get("/api/v1/lineage/requests/" + candidateRequest, t.auth("auditor"));
        assertThat(lineage.status()).as(lineage.body()).isEqualTo(200);
        JsonObject l = lineage.json();
        JsonObject evaluationRun = l.getJsonObject("evaluationRun");
        assertThat(evaluationRun.getString("runId")).isEqualTo(run.toString());
        assertThat(evaluationRun.getString("side")).isEqualTo("candidate");
        assertThat(evaluationRun.getString("status")).isEqualTo("passed");
        JsonObject of = l.getJsonObject("evaluationOf");
        assertThat(of.getString("changeId")).isEqualTo(change.toString());
        JsonObject listed = of.getJsonArray("evaluationRuns").getJsonObject(0);
        assertThat(listed.getString("runId")).isEqualTo(run.toString());
        assertThat(listed.getJsonNumber("requests").longValue()).isEqualTo(2);
        // both sides' requests, in the order they were recorded (the live side finished first)
        assertThat(
                        listed.getJsonArray("requestIds").stream()
                                .map(v -> ((jakarta.json.JsonString) v).getString())
                                .toList())
                .hasSize(2)
                .contains(candidateRequest);
        assertThat(listed.getString("finishedAt")).isNotNull();
        // the lineage is the tenant's own: another tenant's auditor does not see it
        TestTenant other = TestTenant.fresh();
        assertThat(
                        Http.local()
                                .get(
                                        "/api/v1/lineage/requests/" + candidateRequest,
                                        other.auth("auditor"))
                                .status())
                .isEqualTo(404);
    }

    static JsonObject event(TestTenant t, String action, UUID run, UUID change, String status) {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("op", "event")
                        .add("tenant", t.id())
                        .add("action", action)
                        .add("runId", run.toString())
                        .add("changeId", change.toString());
        if (status != null) {
            b.add("status", status);
        }
        return b.build();
    }

    @Test
    void embeddingsRunThroughTheEmbeddingsRouteAndAreLabelled() throws Exception {
        TestTenant t = TestTenant.fresh();
        provider.answerJson("/embed/v1/embeddings", EMBEDDED);
        CatalogFixture.provider(
                t.id(),
                "embed-p",
                "openai",
                provider.baseUrl("/embed/v1"),
                "{}",
                "e",
                "embeddings");
        CatalogFixture.route(t.id(), "embed", "embeddings", "priority", 0, "embed-p/e");
        JsonObject e =
                probe(
                        Json.createObjectBuilder()
                                .add("op", "embed")
                                .add("tenant", t.id())
                                .add("model", "embed")
                                .add("inputs", Json.createArrayBuilder().add("a").add("b"))
                                .add("of", of(UUID.randomUUID(), "s", "embedding", null))
                                .build());
        assertThat(e.getInt("status")).as(e.toString()).isEqualTo(200);
        assertThat(e.getJsonArray("vectors")).hasSize(2);
        assertThat(e.getJsonArray("vectors").getJsonArray(0).getJsonNumber(0).doubleValue())
                .isEqualTo(0.5);
        Recorded r = recorded(e.getString("requestId"));
        assertThat(r.actor()).isEqualTo("system:evaluation");
        assertThat(r.details().getString("evaluationSide")).isEqualTo("embedding");
        assertThat(r.details().getString("operation")).isEqualTo("embeddings");
    }

    /** A case of a golden set asking {@code question}, expecting the stand-in's answer. */
    static JsonObject suspensionCase(String id, String question) {
        return GoldenSets.promptCase(
                id, GoldenSets.msg("user", question), GoldenSets.contains("from suspended-p"));
    }

    /**
     * A published golden set of two cases bound to prompt {@code prompt} (the first one's call is
     * held 5 s by the stand-in), and a draft of that prompt over route {@code s}; the draft's id.
     */
    static String suspensionDraft(TestTenant t, String prompt) throws Exception {
        provider.server()
                .stubFor(
                        post(urlEqualTo("/suspended/v1/chat/completions"))
                                .atPriority(1)
                                .withRequestBody(containing("held question"))
                                .willReturn(
                                        aResponse()
                                                .withFixedDelay(5_000)
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(ok("suspended-p"))));
        // the held call outlasts the fixture's 2 s timeout
        slowTimeout(t, "suspended-p");
        GoldenSets.publish(
                t,
                GoldenSets.nameFor(prompt),
                GoldenSets.bindingPrompt(
                        prompt,
                        1,
                        Json.createArrayBuilder()
                                .add(suspensionCase("held", "held question"))
                                .add(suspensionCase("second", "second question"))),
                "set");
        JsonObject content =
                Json.createObjectBuilder(Changes.prompt("You help.")).add("route", "s").build();
        Http.Response draft =
                Http.local()
                        .post(
                                "/api/v1/changes",
                                Changes.body("prompt", prompt, content, "new"),
                                t.auth("author"));
        assertThat(draft.status()).as(draft.toString()).isEqualTo(201);
        return draft.json().getString("id");
    }

    static long bodiesWith(String marker) {
        return provider.received("/suspended/v1/chat/completions").stream()
                .filter(b -> b.contains(marker))
                .count();
    }

    /**
     * The gateway refuses a suspended tenant's evaluation calls (403 {@code tenant_suspended}); the
     * run under way when the tenant is suspended is then postponed (not failed, nothing recorded
     * for the refused case) and completes once the tenant is active again.
     */
    @Test
    void aSuspendedTenantsEvaluationCallsAreRefused() throws Exception {
        TestTenant t = tenant("/suspended/v1", "suspended-p", "s", 0);
        String change = suspensionDraft(t, Changes.uniquePrompt());
        UUID run = UUID.randomUUID();
        assertThat(
                        evaluationChat(t, chatBody("s", "before"), of(run, "a", "live", null))
                                .getInt("status"))
                .isEqualTo(200);
        // the change's run starts: its first case's call is held while the tenant is suspended
        assertThat(Changes.ok(t, "author", change, "submit")).isEqualTo("in_review");
        long held = System.nanoTime() + 30_000_000_000L;
        while (bodiesWith("held question") == 0 && System.nanoTime() < held) {
            Thread.sleep(50);
        }
        assertThat(bodiesWith("held question")).as("the run's first call").isEqualTo(1);
        t.status("suspended");
        // the second instance hears of it through the change feed within about a second
        JsonObject refused = null;
        int answered = 1; // before the suspension
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            refused = evaluationChat(t, chatBody("s", "after"), of(run, "b", "live", null));
            if (refused.getInt("status") != 200) {
                break;
            }
            answered++; // not heard of it yet
            Thread.sleep(200);
        }
        assertThat(refused.getInt("status")).isEqualTo(403);
        assertThat(refused.getString("errorCode")).isEqualTo("tenant_suspended");
        // the refused call never reached the provider (the run's calls aside)
        assertThat(bodiesWith("\"after\"") + bodiesWith("\"before\"")).isEqualTo(answered);
        assertThat(recorded(refused.getString("requestId")).details().getString("error"))
                .isEqualTo("tenant_suspended");

        // the run: its held case recorded, the next one refused, and the run given back for later
        // (no owner, not claimable for a minute), neither failed nor an error
        UUID evaluation = null;
        long deadline2 = System.nanoTime() + 30_000_000_000L;
        boolean postponed = false;
        do {
            Thread.sleep(250);
            Optional<EvaluationRuns.Row> row = EvaluationRuns.ofChange(change);
            assertThat(row).as("the run of " + change).isPresent();
            evaluation = row.get().id();
            assertThat(row.get().status()).isIn("queued", "running");
            postponed = row.get().postponedFor(20);
            if (postponed) {
                assertThat(row.get().results()).as("only the held case is recorded").isEqualTo(1);
            }
        } while (!postponed && System.nanoTime() < deadline2);
        assertThat(postponed).as("the suspended tenant's run is postponed").isTrue();
        assertThat(bodiesWith("second question")).as("no call while suspended").isZero();
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE action ="
                                            + " 'gateway.request' AND details->>'evaluationRun' = ?"
                                            + " AND details->>'error' = 'tenant_suspended'",
                                    evaluation.toString()))
                    .as("the run's refused call is recorded")
                    .isGreaterThanOrEqualTo(1);
        }

        // back to active: the run is claimed again once its postponement ends and completes
        t.status("active");
        String status = null;
        long deadline3 = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline3) {
            status = EvaluationRuns.status(evaluation);
            if (!status.equals("running") && !status.equals("queued")) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(status)
                .as(
                        "the run after the tenant is back: %s",
                        Http.local()
                                .get("/api/v1/evaluations/" + evaluation, t.auth("reviewer"))
                                .body())
                .isEqualTo("passed");
        assertThat(bodiesWith("held question"))
                .as("the recorded case is not called again")
                .isEqualTo(1);
        assertThat(bodiesWith("second question")).isEqualTo(1);
    }
}
