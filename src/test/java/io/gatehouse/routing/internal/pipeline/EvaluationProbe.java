package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.EvaluationGateway;
import io.gatehouse.governance.EvaluationOf;
import io.gatehouse.routing.internal.catalog.RouteChangeKind;
import io.gatehouse.routing.stage.EvaluationCalls;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.TenantId;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Test only, added by {@link EvaluationTrafficIT} to the application of a second Gatehouse server
 * (never to the product): the way in to the evaluation calls of the real beans ({@link
 * EvaluationCalls}, {@link EvaluationGateway}, {@link RouteChangeKind#evaluate}), which no HTTP
 * resource of this branch offers. Each POST names an operation and its arguments as JSON and gets
 * the answer as JSON; {@code event} records an evaluation run's own event as governance's runner
 * does.
 */
@WebServlet("/evaluation-probe")
public class EvaluationProbe extends HttpServlet {
    @Inject EvaluationCalls calls;
    @Inject EvaluationGateway gateway;
    @Inject RouteChangeKind routes;
    @Inject AuditRecorder audit;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        JsonObject in;
        try (var r =
                Json.createReader(
                        new StringReader(
                                new String(
                                        req.getInputStream().readAllBytes(),
                                        StandardCharsets.UTF_8)))) {
            in = r.readObject();
        }
        TenantId tenant = new TenantId(UUID.fromString(in.getString("tenant")));
        String requestId = in.getString("requestId", "req_" + UUID.randomUUID());
        EvaluationOf of = in.containsKey("of") ? of(in.getJsonObject("of")) : null;
        JsonObject out =
                switch (in.getString("op")) {
                    case "chat" ->
                            answer(
                                    in.getBoolean("overrides", false)
                                            ? calls.chat(
                                                    tenant,
                                                    requestId,
                                                    in.getJsonObject("body"),
                                                    new io.gatehouse.routing.stage.StageOverrides(),
                                                    of)
                                            : gateway.chat(
                                                    tenant,
                                                    requestId,
                                                    in.getJsonObject("body"),
                                                    of));
                    case "embed" ->
                            embeddings(
                                    gateway.embed(
                                            tenant,
                                            requestId,
                                            in.getString("model"),
                                            in
                                                    .getJsonArray("inputs")
                                                    .getValuesAs(JsonString.class)
                                                    .stream()
                                                    .map(JsonString::getString)
                                                    .toList(),
                                            of));
                    case "route" ->
                            answer(
                                    routes.evaluate(
                                            new EvaluationCall(
                                                    tenant,
                                                    requestId,
                                                    in.getString("target"),
                                                    in.get("candidate") instanceof JsonObject c
                                                            ? c
                                                            : null,
                                                    null,
                                                    in.getJsonArray("messages"),
                                                    null,
                                                    of)));
                    case "event" -> {
                        audit.record(
                                AuditEvent.by(
                                                Caller.system("evaluation", tenant),
                                                in.getString("action"))
                                        .target("evaluation_run", in.getString("runId"))
                                        .detail("runId", in.getString("runId"))
                                        .detail("changeId", in.getString("changeId"))
                                        .detail("status", in.getString("status", null))
                                        .build());
                        yield Json.createObjectBuilder().add("recorded", true).build();
                    }
                    default -> throw new IllegalArgumentException(in.getString("op"));
                };
        res.setContentType("application/json");
        res.getOutputStream().write(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static EvaluationOf of(JsonObject o) {
        return new EvaluationOf(
                UUID.fromString(o.getString("runId")),
                o.getString("caseId"),
                o.getString("side"),
                o.get("changeId") instanceof JsonString s ? UUID.fromString(s.getString()) : null,
                o.getInt("revision", 0));
    }

    private static JsonObject answer(EvaluationAnswer a) {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("status", a.status())
                        .add("policy", a.policy())
                        .add("inputTokens", a.inputTokens())
                        .add("outputTokens", a.outputTokens())
                        .add("costMicros", a.costMicros())
                        .add("latencyMs", a.latencyMs());
        add(b, "text", a.text());
        add(b, "route", a.route());
        add(b, "provider", a.provider());
        add(b, "model", a.model());
        add(b, "requestId", a.requestId());
        add(b, "errorCode", a.errorCode());
        add(b, "errorMessage", a.errorMessage());
        return b.build();
    }

    private static JsonObject embeddings(EvaluationGateway.Embeddings e) {
        JsonArrayBuilder vectors = Json.createArrayBuilder();
        for (float[] v : e.vectors()) {
            JsonArrayBuilder a = Json.createArrayBuilder();
            for (float x : v) {
                a.add(x);
            }
            vectors.add(a);
        }
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("status", e.status())
                        .add("costMicros", e.costMicros())
                        .add("vectors", vectors);
        add(b, "requestId", e.requestId());
        add(b, "errorCode", e.errorCode());
        return b.build();
    }

    private static void add(JsonObjectBuilder b, String k, String v) {
        b.add(k, v == null ? JsonValue.NULL : Json.createValue(v));
    }
}
