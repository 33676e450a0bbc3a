package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.UsageLimits;
import io.gatehouse.routing.stage.OverriddenCalls;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.routing.stage.TestCallOf;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;

/**
 * {@link OverriddenCalls}: a person's chat call through the one pipeline ({@link GatewayService}).
 * The person's tenant is the call's tenant; the call is admitted against the tenant's limits and
 * budgets (a person has no key limits of their own), over all of the tenant's published routes, and
 * its audit event names the person as actor.
 */
@ApplicationScoped
public class PersonCalls implements OverriddenCalls {
    @Inject GatewayService gateway;
    @Inject UsageLimits limits;

    private static void requirePerson(Caller person) {
        if (person.kind() != Caller.Kind.USER || person.tenant() == null) {
            throw new IllegalArgumentException("A person of a tenant makes this call");
        }
    }

    @Override
    public Result chat(
            Caller person,
            String requestId,
            JsonObject body,
            StageOverrides overrides,
            TestCallOf testCallOf) {
        requirePerson(person);
        // the person's own test-call bucket before the call (429 when spent, 403 when the tenant
        // turned test calls off): thrown, the call never ran
        limits.admitPersonCall(person.tenant(), keyIdOf(person));
        Call call =
                new Call(
                        new ClientKey(
                                keyIdOf(person),
                                person.name(),
                                person.tenant(),
                                Set.of()), // all of the tenant's routes
                        requestId,
                        null,
                        "chat");
        call.actor = person;
        call.overrides = overrides;
        call.testCallOf = testCallOf;
        String text = Json.createObjectBuilder(body).add("stream", false).build().toString();
        try {
            GatewayService.Answer answer = gateway.chat(call, text);
            return result(call, jsonOf(answer.entity()), null);
        } catch (GatehouseException e) {
            return result(call, null, e);
        }
    }

    private static Result result(Call call, JsonObject answer, GatehouseException error) {
        return new Result(
                error == null ? call.status : error.status(),
                answer == null ? null : textOf(answer),
                call.alias,
                call.candidate == null ? null : call.candidate.provider().name(),
                call.candidate == null ? null : call.candidate.model().name(),
                call.inputTokens,
                call.outputTokens,
                call.costMicros,
                call.requestId,
                error == null ? null : error.code(),
                error == null ? null : error.getMessage());
    }

    /**
     * The answer's JSON: the object the stages left, or the provider's own bytes parsed (the
     * pipeline passes those on as text when no stage changed the answer); null otherwise.
     */
    static JsonObject jsonOf(Object entity) {
        if (entity instanceof JsonObject o) {
            return o;
        }
        if (entity instanceof String text) {
            try (var r = Json.createReader(new java.io.StringReader(text))) {
                return r.read() instanceof JsonObject o ? o : null;
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** The first choice's text, or null (an answer of tool calls only). */
    static String textOf(JsonObject answer) {
        if (answer.get("choices") instanceof JsonArray choices
                && !choices.isEmpty()
                && choices.get(0) instanceof JsonObject choice
                && choice.get("message") instanceof JsonObject message
                && message.get("content") instanceof JsonString content) {
            return content.getString();
        }
        return null;
    }

    /**
     * What stands for the person where the pipeline names a key (usage's keyId, rate-limit
     * buckets): their own id when it is a UUID, else one derived from it. It is no API key's, so
     * only the tenant's limits apply.
     */
    static UUID keyIdOf(Caller person) {
        try {
            return UUID.fromString(person.subject());
        } catch (IllegalArgumentException e) {
            return UUID.nameUUIDFromBytes(
                    ("user:" + person.subject()).getBytes(StandardCharsets.UTF_8));
        }
    }
}
