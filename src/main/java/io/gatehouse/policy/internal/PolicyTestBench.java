package io.gatehouse.policy.internal;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.audit.RetainedRequests;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.engine.Decision;
import io.gatehouse.policy.internal.engine.EvaluationLimits;
import io.gatehouse.policy.internal.engine.PolicyEngine;
import io.gatehouse.policy.internal.engine.PolicyParser;
import io.gatehouse.policy.internal.engine.PolicyRule;
import io.gatehouse.policy.internal.engine.RequestFacts;
import io.gatehouse.policy.internal.engine.RequestFacts.EntityStat;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Evaluates a draft policy before it is proposed: against a sample request (messages as the client
 * would send them) and against the tenant's recent recorded traffic. A recorded request whose
 * content the tenant retains ({@code full} or {@code redacted}) is replayed over that content, its
 * messages and answer scanned again as the policy stage scans them; one without retained content is
 * replayed over the entity summaries the policy stage wrote into its audit event. Reports what
 * would change compared with the live policies, each changed row saying what it was replayed over.
 *
 * <p>Long on purpose: the sample run and the traffic replay compare against the same live policies
 * and report in the same shape.
 */
@ApplicationScoped
public class PolicyTestBench {
    static final int DEFAULT_TRAFFIC = 100;
    static final int MAX_TRAFFIC = 1000;
    static final int MAX_CHANGES_SHOWN = 50;

    /** Like a real request: HTTP servers refuse longer header fields (Liberty: 32 KiB) and more. */
    static final int MAX_HEADER_LENGTH = 32_768;

    static final int MAX_HEADERS = 100;

    @Inject PolicySource live;
    @Inject GatewayRequestLog requests;
    Clock clock = Clock.systemUTC();

    /**
     * How long one run may evaluate (sample and traffic together). Each rule evaluation is bounded
     * in size, but a draft can still be slow (1000 iterations of a search in a long header), and
     * the bench runs it on up to 2 x 1000 recorded requests.
     */
    @Inject
    @ConfigProperty(name = "gatehouse.policy.test.timeout.ms", defaultValue = "5000")
    long timeoutMs = 5000;

    LongSupplier ticker = System::nanoTime;

    /**
     * Runs the bench; a run that is still evaluating after {@link #timeoutMs} stops with 422 {@code
     * policy_test_timeout} (nothing partial is reported).
     */
    public JsonObject run(TenantId tenant, JsonObject body) {
        return run(tenant, body, null);
    }

    /**
     * Runs the bench for {@code reader}: the traffic replay reads the tenant's retained content
     * through it (an audited read by the caller, never another tenant's), and replays the rows that
     * have none over their recorded summaries. Without a reader every row is a summary replay.
     */
    public JsonObject run(TenantId tenant, JsonObject body, ContentReader reader) {
        long deadline = ticker.getAsLong() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            return EvaluationLimits.withDeadline(
                    ticker, deadline, () -> evaluate(tenant, body, reader));
        } catch (EvaluationLimits.TimeLimitExceeded e) {
            throw new GatehouseException(
                    422,
                    "policy_test_timeout",
                    "The test bench stopped after its time limit of "
                            + timeoutMs
                            + " ms; simplify the draft's conditions or test against less traffic");
        }
    }

    /**
     * Reads the tenant's recent gateway requests with their retained content (the caller's audited
     * read, {@code audit.RetainedRequests}).
     */
    @FunctionalInterface
    public interface ContentReader {
        List<RetainedRequests.Retained> recent(int limit);
    }

    private JsonObject evaluate(TenantId tenant, JsonObject body, ContentReader reader) {
        if (body == null || !(body.get("policy") instanceof JsonObject draftContent)) {
            throw new ValidationException("policy", "The draft policy's content is required");
        }
        String name = body.getString("name", "draft");
        if (!PolicyChangeKind.NAME.matcher(name).matches()) {
            throw new ValidationException(
                    "name", "A policy name must match " + PolicyChangeKind.NAME.pattern());
        }
        JsonObject normalized = PolicyParser.normalize(draftContent);
        // The draft is evaluated as if enforced: the question is what enforcing it would change.
        JsonObject enforcedDraft =
                Json.createObjectBuilder(normalized).add("mode", "enforce").build();
        CompiledPolicy draft = CompiledPolicy.compile(name, name + "@draft", false, enforcedDraft);
        List<CompiledPolicy> livePolicies = live.policiesFor(tenant);
        List<CompiledPolicy> withDraft = new ArrayList<>();
        boolean replaced = false;
        for (CompiledPolicy p : livePolicies) {
            if (!p.global() && p.name().equals(name)) {
                withDraft.add(draft);
                replaced = true;
            } else {
                withDraft.add(p);
            }
        }
        if (!replaced) {
            withDraft.add(draft);
        }
        JsonObjectBuilder out =
                Json.createObjectBuilder()
                        .add("name", name)
                        .add("policy", normalized)
                        .add("replaces", replaced ? liveVersion(livePolicies, name) : "")
                        .add(
                                "live",
                                Json.createArrayBuilder(
                                        livePolicies.stream()
                                                .map(CompiledPolicy::version)
                                                .toList()));
        if (body.get("request") instanceof JsonObject request) {
            out.add(
                    "sample",
                    sample(
                            tenant,
                            request,
                            body.getString("answer", null),
                            livePolicies,
                            withDraft));
        }
        int limit = DEFAULT_TRAFFIC;
        if (body.get("traffic") instanceof JsonObject t && t.get("limit") instanceof JsonNumber n) {
            limit = Math.max(0, Math.min(MAX_TRAFFIC, n.intValue()));
        }
        out.add(
                "traffic",
                traffic(
                        tenant,
                        limit,
                        livePolicies,
                        withDraft,
                        reader == null ? summariesOf(tenant) : reader));
        return out.build();
    }

    private static String liveVersion(List<CompiledPolicy> policies, String name) {
        return policies.stream()
                .filter(p -> !p.global() && p.name().equals(name))
                .map(CompiledPolicy::version)
                .findFirst()
                .orElse("");
    }

    private JsonObject sample(
            TenantId tenant,
            JsonObject request,
            String answer,
            List<CompiledPolicy> live,
            List<CompiledPolicy> draft) {
        JsonObject l = runSample(tenant, request, answer, live);
        JsonObject d = runSample(tenant, request, answer, draft);
        return Json.createObjectBuilder()
                .add("live", l)
                .add("draft", d)
                .add("changed", !strip(l).equals(strip(d)))
                .build();
    }

    // Version labels differ by construction; compare what a client or provider would notice.
    private static List<Object> strip(JsonObject o) {
        JsonObject d = o.getJsonObject("decision");
        List<Object> key = new ArrayList<>();
        key.add(o.getInt("status"));
        key.add(o.getString("code", ""));
        key.add(o.get("messages"));
        key.add(o.getString("answer", ""));
        key.add(o.getInt("classification"));
        key.add(o.getJsonArray("providerRestrictions").size());
        for (String stage : List.of("input", "output")) {
            JsonObject s = d.getJsonObject(stage);
            key.add(s == null ? null : s.get("flags"));
        }
        return key;
    }

    private JsonObject runSample(
            TenantId tenant, JsonObject request, String answer, List<CompiledPolicy> policies) {
        List<ChatMessage> msgs = new ArrayList<>();
        if (!(request.get("messages") instanceof jakarta.json.JsonArray arr) || arr.isEmpty()) {
            throw new ValidationException("request.messages", "The sample request needs messages");
        }
        for (JsonValue v : arr) {
            if (!(v instanceof JsonObject m) || !(m.get("content") instanceof JsonString c)) {
                throw new ValidationException(
                        "request.messages", "Each message needs a role and text content");
            }
            msgs.add(new ChatMessage(m.getString("role", "user"), c.getString(), false));
        }
        Map<String, String> headers = new TreeMap<>();
        if (request.get("headers") instanceof JsonObject h) {
            if (h.size() > MAX_HEADERS) {
                throw new ValidationException(
                        "request.headers", "At most " + MAX_HEADERS + " headers");
            }
            h.forEach(
                    (k, val) -> {
                        if (val instanceof JsonString s) {
                            if (k.length() + s.getString().length() > MAX_HEADER_LENGTH) {
                                throw new ValidationException(
                                        "request.headers",
                                        "A header may have at most "
                                                + MAX_HEADER_LENGTH
                                                + " characters");
                            }
                            headers.put(k.toLowerCase(java.util.Locale.ROOT), s.getString());
                        }
                    });
        }
        GatewayExchange ex =
                new GatewayExchange(
                        tenant,
                        "test-bench",
                        "test-bench",
                        "chat",
                        request.getString("model", "sandbox"),
                        null,
                        msgs,
                        headers);
        ex.raiseClassification(request.getInt("classification", 0));
        PolicyStage stage = new PolicyStage(t -> policies, clock);
        JsonObjectBuilder r = Json.createObjectBuilder();
        try {
            stage.beforeRouting(ex);
            if (answer != null) {
                ex.answerText(answer);
                stage.afterAnswer(ex);
                r.add("answer", ex.answerText());
            }
            r.add("status", 200);
        } catch (GatehouseException e) {
            r.add("status", e.status()).add("code", e.code()).add("message", e.getMessage());
        }
        JsonArrayBuilder texts = Json.createArrayBuilder();
        ex.messages().forEach(m -> texts.add(m.text()));
        r.add("messages", texts);
        r.add("classification", ex.classification());
        r.add("providerRestrictions", Json.createArrayBuilder(ex.providerRestrictions()));
        r.add("decision", toJson(PolicyStage.audit(ex)));
        return r.build();
    }

    /**
     * The replay over retained content where the tenant keeps it: each request's messages and
     * answer (its {@code full} form, else its {@code redacted} one, as its row says) go through the
     * policy stage's own detection under the live policies and under the draft, so detector rules
     * (PII, secrets, injection, classification) are evaluated as if the request came again.
     * Requests without retained content keep the summary replay ({@code summaryOnly}). The one
     * replay loop, whoever reads: a person's bench, a change's automatic evidence, or no reader at
     * all ({@link #summariesOf}: every row a summary).
     */
    private JsonObject traffic(
            TenantId tenant,
            int limit,
            List<CompiledPolicy> live,
            List<CompiledPolicy> draft,
            ContentReader reader) {
        Map<String, Integer> liveOutcomes = new TreeMap<>();
        Map<String, Integer> draftOutcomes = new TreeMap<>();
        JsonArrayBuilder changes = Json.createArrayBuilder();
        int evaluated = 0;
        int changed = 0;
        int unscanned = 0;
        int overContent = 0;
        int summaryOnly = 0;
        List<RetainedRequests.Retained> recent = limit == 0 ? List.of() : reader.recent(limit);
        for (RetainedRequests.Retained rr : recent) {
            EvaluationLimits.checkDeadline();
            Map<String, Object> l;
            Map<String, Object> d;
            String over;
            JsonObject kept = rr.retained() ? keptBody(rr.body()) : null;
            if (kept != null) {
                List<ChatMessage> msgs = keptMessages(kept);
                String answer = kept.getString("answer", null);
                JsonObject details = JsonInput.readObject(rr.detailsJson());
                int classification =
                        details.get("policy") instanceof JsonObject p
                                ? p.getInt("classification_in", 0)
                                : 0;
                Instant at = rr.occurredAt() == null ? Instant.EPOCH : rr.occurredAt();
                l = replayContent(tenant, rr, msgs, answer, classification, at, live);
                d = replayContent(tenant, rr, msgs, answer, classification, at, draft);
                over = rr.form();
                overContent++;
            } else {
                JsonObject details = JsonInput.readObject(rr.detailsJson());
                if (!(details.get("policy") instanceof JsonObject p)
                        || !(p.get("entities") instanceof JsonObject)) {
                    unscanned++;
                    summaryOnly++;
                    continue;
                }
                RequestFacts facts =
                        replayFacts(
                                tenant,
                                new GatewayRequestLog.RecordedRequest(
                                        rr.requestId(),
                                        rr.occurredAt(),
                                        rr.keyId(),
                                        rr.route(),
                                        rr.detailsJson()),
                                p);
                l = replay(live, facts, p);
                d = replay(draft, facts, p);
                over = "summary";
                summaryOnly++;
            }
            evaluated++;
            liveOutcomes.merge((String) l.get("outcome"), 1, Integer::sum);
            draftOutcomes.merge((String) d.get("outcome"), 1, Integer::sum);
            if (!Objects.equals(l.get("effect"), d.get("effect"))) {
                changed++;
                if (changed <= MAX_CHANGES_SHOWN) {
                    changes.add(
                            Json.createObjectBuilder()
                                    .add("requestId", rr.requestId() == null ? "" : rr.requestId())
                                    .add(
                                            "occurredAt",
                                            rr.occurredAt() == null
                                                    ? ""
                                                    : rr.occurredAt().toString())
                                    .add("replayedOver", over)
                                    .add("live", toJson(l))
                                    .add("draft", toJson(d)));
                }
            }
        }
        return Json.createObjectBuilder()
                .add("considered", recent.size())
                .add("evaluated", evaluated)
                .add("unscanned", unscanned)
                .add("overContent", overContent)
                .add("summaryOnly", summaryOnly)
                .add("changed", changed)
                .add(
                        "outcomes",
                        Json.createObjectBuilder()
                                .add("live", toJson(new LinkedHashMap<>(liveOutcomes)))
                                .add("draft", toJson(new LinkedHashMap<>(draftOutcomes))))
                .add("changes", changes)
                .build();
    }

    /**
     * The tenant's recent requests with no content read: each is replayed over its summaries (what
     * {@link #run(TenantId, JsonObject)} replays, reading no body and auditing no read).
     */
    private ContentReader summariesOf(TenantId tenant) {
        return limit ->
                requests.recent(tenant, limit).stream()
                        .map(
                                rr ->
                                        new RetainedRequests.Retained(
                                                rr.requestId(),
                                                rr.occurredAt(),
                                                rr.keyId(),
                                                rr.route(),
                                                rr.detailsJson(),
                                                null,
                                                null,
                                                null))
                        .toList();
    }

    /** A kept body as an object with messages, or null when it has none (another event's form). */
    private static JsonObject keptBody(String body) {
        try {
            JsonObject o = JsonInput.readObject(body);
            return o.get("messages") instanceof jakarta.json.JsonArray ? o : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static List<ChatMessage> keptMessages(JsonObject kept) {
        List<ChatMessage> msgs = new ArrayList<>();
        for (JsonValue v : kept.getJsonArray("messages")) {
            if (v instanceof JsonObject m) {
                msgs.add(
                        new ChatMessage(
                                m.getString("role", "user"), m.getString("content", ""), false));
            }
        }
        return msgs;
    }

    /**
     * One retained request under {@code policies}: the input stage's detection over its messages
     * ({@link RequestScan}, as the live stage scans), then the output stage over its answer;
     * "effect" is what a client or provider would notice.
     */
    private static Map<String, Object> replayContent(
            TenantId tenant,
            RetainedRequests.Retained rr,
            List<ChatMessage> msgs,
            String answer,
            int classification,
            Instant at,
            List<CompiledPolicy> policies) {
        GatewayExchange ex =
                new GatewayExchange(
                        tenant,
                        rr.keyId() == null ? "" : rr.keyId(),
                        rr.requestId() == null ? "replay" : rr.requestId(),
                        "chat",
                        rr.route() == null ? "" : rr.route(),
                        null,
                        msgs,
                        Map.of());
        ex.raiseClassification(classification);
        RequestScan scan = RequestScan.of(ex, at);
        Decision in =
                PolicyEngine.evaluate(policies, scan.facts, PolicyRule.Stage.INPUT).enforced();
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> effect = new LinkedHashMap<>();
        m.put("outcome", in.outcome());
        m.put("input", in.explain());
        effect.put("input", effectOf(in));
        if (!in.denied() && answer != null) {
            List<io.gatehouse.policy.internal.detect.Detection> found =
                    io.gatehouse.policy.internal.detect.Detectors.scan(answer);
            io.gatehouse.policy.internal.detect.InjectionDetector.Result inj =
                    io.gatehouse.policy.internal.detect.InjectionDetector.score(List.of(answer));
            RequestFacts out =
                    scan.facts.forOutput(
                            Math.max(classification, in.classification()),
                            RequestScan.stats(found),
                            inj.score(),
                            inj.signals());
            Decision o = PolicyEngine.evaluate(policies, out, PolicyRule.Stage.OUTPUT).enforced();
            m.put("output", o.explain());
            effect.put("output", effectOf(o));
            if (o.denied()) {
                m.put("outcome", "deny");
            } else if (!"allow".equals(o.outcome()) && "allow".equals(in.outcome())) {
                m.put("outcome", "modify");
            }
        }
        m.put("effect", effect);
        return m;
    }

    /**
     * Both stages over the recorded summaries; "effect" is what a client or provider would notice.
     */
    private static Map<String, Object> replay(
            List<CompiledPolicy> policies, RequestFacts facts, JsonObject recorded) {
        Decision in = PolicyEngine.evaluate(policies, facts, PolicyRule.Stage.INPUT).enforced();
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> effect = new LinkedHashMap<>();
        m.put("outcome", in.outcome());
        m.put("input", in.explain());
        effect.put("input", effectOf(in));
        if (!in.denied() && recorded.get("output_entities") instanceof JsonObject oe) {
            RequestFacts out = facts.withEntities(stats(oe), 0.0, List.of());
            Decision o = PolicyEngine.evaluate(policies, out, PolicyRule.Stage.OUTPUT).enforced();
            m.put("output", o.explain());
            effect.put("output", effectOf(o));
            if (o.denied()) {
                m.put("outcome", "deny");
            } else if (!"allow".equals(o.outcome()) && "allow".equals(in.outcome())) {
                m.put("outcome", "modify");
            }
        }
        m.put("effect", effect);
        return m;
    }

    private static Map<String, Object> effectOf(Decision d) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("denied", d.denied());
        e.put("code", d.denyCode());
        e.put("redact", new java.util.TreeSet<>(d.redact()));
        e.put("restrictions", d.restrictions().size());
        e.put("classification", d.classification());
        e.put("flags", new java.util.TreeSet<>(d.flags()));
        return e;
    }

    static RequestFacts replayFacts(
            TenantId tenant, GatewayRequestLog.RecordedRequest rr, JsonObject p) {
        double injection = 0;
        List<String> signals = List.of();
        boolean obfuscated = false;
        if (p.get("injection") instanceof JsonObject inj) {
            injection =
                    inj.getJsonNumber("score_pct") == null
                            ? 0
                            : inj.getJsonNumber("score_pct").doubleValue() / 100.0;
            if (inj.get("signals") instanceof jakarta.json.JsonArray a) {
                signals =
                        a.getValuesAs(JsonString.class).stream()
                                .map(JsonString::getString)
                                .toList();
            }
            obfuscated = inj.getBoolean("obfuscated", false);
        }
        return new RequestFacts(
                tenant.toString(),
                rr.keyId(),
                "",
                rr.route(),
                "chat",
                p.getInt("classification_in", 0),
                stats(p.getJsonObject("entities")),
                injection,
                signals,
                obfuscated,
                p.get("tokens_estimate") instanceof JsonNumber n ? n.longValue() : 0,
                0,
                List.of(),
                Map.of(),
                List.of(),
                rr.occurredAt() == null ? Instant.EPOCH : rr.occurredAt());
    }

    static Map<String, EntityStat> stats(JsonObject entities) {
        Map<String, EntityStat> m = new HashMap<>();
        entities.forEach(
                (type, v) -> {
                    if (v instanceof JsonObject o) {
                        m.put(
                                type,
                                new EntityStat(
                                        o.getInt("count", 0),
                                        o.getInt("max_score_pct", 0) / 100.0));
                    }
                });
        return m;
    }

    @SuppressWarnings("unchecked")
    static JsonValue toJson(Object o) {
        if (o == null) {
            return JsonValue.NULL;
        }
        if (o instanceof JsonValue j) {
            return j;
        }
        if (o instanceof Map<?, ?> map) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            map.forEach((k, v) -> b.add(String.valueOf(k), toJson(v)));
            return b.build();
        }
        if (o instanceof Iterable<?> it) {
            JsonArrayBuilder b = Json.createArrayBuilder();
            it.forEach(v -> b.add(toJson(v)));
            return b.build();
        }
        if (o instanceof Boolean bo) {
            return bo ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (o instanceof Integer || o instanceof Long) {
            return Json.createValue(((Number) o).longValue());
        }
        if (o instanceof Number n) {
            return Json.createValue(n.doubleValue());
        }
        return Json.createValue(String.valueOf(o));
    }
}
