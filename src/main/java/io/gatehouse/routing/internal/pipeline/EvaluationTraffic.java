package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationGateway;
import io.gatehouse.governance.EvaluationOf;
import io.gatehouse.routing.stage.EvaluationCalls;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * {@link EvaluationCalls} and {@link EvaluationGateway} (issue 23): an evaluation run's calls
 * through the one pipeline ({@link GatewayService}) on behalf of the tenant's evaluation actor
 * ({@code Caller.system("evaluation", tenant)}, audit actor kind {@code system}), over all of the
 * tenant's published routes, never streamed, never answered from or written to the answer cache
 * ({@link ChatOperation}), admitted against the tenant's limits and budgets (the evaluation actor
 * has no key limits of its own). The call's audit event carries {@link EvaluationOf#details} after
 * the stages' details, also when the call fails before its exchange exists ({@link CallRecord}).
 * Like {@link PersonCalls}, a gateway error is the answer's status and code, not an exception: the
 * call happened and was recorded.
 */
@ApplicationScoped
public class EvaluationTraffic implements EvaluationCalls, EvaluationGateway {
    /** The evaluation actor's job name: {@code system:evaluation} in the audit trail. */
    public static final String ACTOR = "evaluation";

    @Inject GatewayService gateway;
    @Inject GuardCalls guards;

    @Override
    public EvaluationAnswer chat(
            TenantId tenant, String requestId, JsonObject body, EvaluationOf of) {
        return chat(tenant, requestId, body, null, of);
    }

    @Override
    public EvaluationAnswer chat(
            TenantId tenant,
            String requestId,
            JsonObject body,
            StageOverrides overrides,
            EvaluationOf of) {
        Call call = call(tenant, requestId, of, "chat");
        call.overrides = overrides;
        String text =
                Json.createObjectBuilder(body)
                        .remove("stream_options")
                        .add("stream", false)
                        .build()
                        .toString();
        JsonObject answer = null;
        GatehouseException error = null;
        try {
            GatewayService.Answer a = gateway.chat(call, text);
            answer = PersonCalls.jsonOf(a.entity());
        } catch (GatehouseException e) {
            error = e;
        }
        return new EvaluationAnswer(
                error == null ? call.status : error.status(),
                answer == null ? null : PersonCalls.textOf(answer),
                policyOf(call, error),
                call.alias,
                call.candidate == null ? null : call.candidate.provider().name(),
                call.candidate == null ? null : call.candidate.model().name(),
                call.inputTokens,
                call.outputTokens,
                costOf(call),
                call.elapsedMs(),
                call.requestId,
                error == null ? null : error.code(),
                error == null ? null : error.getMessage());
    }

    @Override
    public Embeddings embed(
            TenantId tenant, String requestId, String model, List<String> inputs, EvaluationOf of) {
        Call call = call(tenant, requestId, of, "embeddings");
        JsonArrayBuilder in = Json.createArrayBuilder();
        inputs.forEach(in::add);
        String text =
                Json.createObjectBuilder().add("model", model).add("input", in).build().toString();
        try {
            GatewayService.Answer a = gateway.embeddings(call, text);
            JsonObject o = PersonCalls.jsonOf(a.entity());
            List<float[]> vectors = o != null ? vectorsOf(o, inputs.size()) : null;
            if (vectors == null) {
                return new Embeddings(
                        502,
                        List.of(),
                        costOf(call),
                        call.requestId,
                        "bad_embeddings",
                        "The provider's answer holds no finite embedding for every input");
            }
            return new Embeddings(200, vectors, costOf(call), call.requestId, null, null);
        } catch (GatehouseException e) {
            return new Embeddings(
                    e.status(), List.of(), costOf(call), call.requestId, e.code(), e.getMessage());
        }
    }

    private static Call call(TenantId tenant, String requestId, EvaluationOf of, String operation) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(of, "of");
        Call call =
                new Call(
                        new ClientKey(
                                keyIdOf(tenant),
                                ACTOR,
                                tenant,
                                Set.of()), // all of the tenant's routes
                        requestId,
                        null,
                        operation);
        call.actor = Caller.system(ACTOR, tenant);
        call.evaluationOf = of;
        return call;
    }

    /** What the call cost against the tenant's budgets: its own cost and its guard traffic's. */
    private long costOf(Call call) {
        return call.costMicros + guards.usage(call.exchange).costMicros();
    }

    /**
     * What stands for the tenant's evaluation actor where the pipeline names a key (usage's keyId,
     * the exchange): derived from the tenant, the same on every instance. It is no API key's, so
     * only the tenant's limits apply.
     */
    static UUID keyIdOf(TenantId tenant) {
        return UUID.nameUUIDFromBytes(
                ("system:evaluation:" + tenant).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What the tenant's policies did to the call, from the decisions the policy stage records on
     * the exchange (its audit details under {@code policy}: {@code input} and {@code output}, each
     * with an {@code outcome} and what it {@code redacted}): {@code denied} when a stage denied it
     * and the client saw that denial (403; a policy that failed closed, 5xx, is an error of the
     * call, not a decision), {@code redacted} when a stage redacted and the call went on, else
     * {@code allowed}.
     */
    static String policyOf(Call call, GatehouseException error) {
        Map<String, Object> details =
                call.exchange == null ? Map.of() : call.exchange.auditDetails();
        return policyOf(details.get("policy"), error == null ? call.status : error.status());
    }

    static String policyOf(Object policy, int status) {
        if (!(policy instanceof Map<?, ?> stages)) {
            return "allowed";
        }
        boolean redacted = false;
        for (String stage : List.of("input", "output")) {
            if (stages.get(stage) instanceof Map<?, ?> d) {
                if ("deny".equals(d.get("outcome")) && status == 403) {
                    return "denied";
                }
                redacted |= nonEmpty(d.get("redacted")) || nonEmpty(d.get("redacted_in_tools"));
            }
        }
        return redacted ? "redacted" : "allowed";
    }

    private static boolean nonEmpty(Object o) {
        return o instanceof java.util.Collection<?> c && !c.isEmpty()
                || o instanceof Map<?, ?> m && !m.isEmpty();
    }

    /**
     * One vector per input, in the inputs' order (by {@code index}), or null when one is missing or
     * holds a value that is not a finite float (502 {@code bad_embeddings}).
     */
    static List<float[]> vectorsOf(JsonObject answer, int inputs) {
        if (!(answer.get("data") instanceof JsonArray data) || data.size() != inputs) {
            return null;
        }
        float[][] out = new float[inputs][];
        for (int i = 0; i < data.size(); i++) {
            if (!(data.get(i) instanceof JsonObject item)
                    || !(item.get("embedding") instanceof JsonArray e)) {
                return null;
            }
            int index = item.get("index") instanceof JsonNumber n ? n.intValue() : i;
            if (index < 0 || index >= inputs || out[index] != null) {
                return null;
            }
            float[] v = new float[e.size()];
            for (int j = 0; j < e.size(); j++) {
                JsonValue x = e.get(j);
                if (!(x instanceof JsonNumber num)) {
                    return null;
                }
                v[j] = (float) num.doubleValue();
                if (!Float.isFinite(v[j])) {
                    return null; // beyond a float's range: Infinity would hide any distance
                }
            }
            out[index] = v;
        }
        return List.of(out);
    }
}
