package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.edge.UsageLimits;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.routing.stage.TestCallOf;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.Json;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pieces of a person's call (a test call through a draft) that need no server. */
class PersonCallsTest {
    @Test
    void theAnswersTextIsTheFirstChoicesAndNullWithoutOne() {
        var answer =
                Json.createObjectBuilder()
                        .add(
                                "choices",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add(
                                                                "message",
                                                                Json.createObjectBuilder()
                                                                        .add("role", "assistant")
                                                                        .add("content", "Hello"))))
                        .build();
        assertThat(PersonCalls.textOf(answer)).isEqualTo("Hello");
        assertThat(PersonCalls.textOf(Json.createObjectBuilder().build())).isNull();
        // the provider's bytes as they came (no stage changed the answer) are read too
        assertThat(PersonCalls.textOf(PersonCalls.jsonOf(answer.toString()))).isEqualTo("Hello");
        assertThat(PersonCalls.jsonOf("not json")).isNull();
        assertThat(PersonCalls.jsonOf(null)).isNull();
    }

    @Test
    void aPersonStandsInForAKeyByTheirOwnIdAndOnlyPeopleOfATenantCall() {
        UUID id = UUID.randomUUID();
        TenantId tenant = new TenantId(UUID.randomUUID());
        Caller alice =
                new Caller(Caller.Kind.USER, id.toString(), "alice", tenant, Set.of(Role.AUTHOR));
        assertThat(PersonCalls.keyIdOf(alice)).isEqualTo(id);
        Caller named = new Caller(Caller.Kind.USER, "alice@idp", "alice", tenant, Set.of());
        assertThat(PersonCalls.keyIdOf(named)).isEqualTo(PersonCalls.keyIdOf(named)).isNotNull();
        PersonCalls calls = new PersonCalls();
        Caller key = Caller.apiKey(UUID.randomUUID(), "k", tenant, Set.of());
        assertThatThrownBy(
                        () ->
                                calls.chat(
                                        key,
                                        "r",
                                        Json.createObjectBuilder().build(),
                                        new StageOverrides(),
                                        new TestCallOf(UUID.randomUUID(), 1, "00")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The person's test-call bucket is taken by the call itself, before the gateway runs: no kind
     * can forget it (the gateway is left out here; reaching it would fail otherwise).
     */
    @Test
    void theCallTakesThePersonsBucketItselfBeforeTheGatewayRuns() {
        UUID id = UUID.randomUUID();
        TenantId tenant = new TenantId(UUID.randomUUID());
        Caller alice =
                new Caller(Caller.Kind.USER, id.toString(), "alice", tenant, Set.of(Role.AUTHOR));
        List<Object> asked = new ArrayList<>();
        PersonCalls calls = new PersonCalls();
        calls.limits =
                (UsageLimits)
                        Proxy.newProxyInstance(
                                UsageLimits.class.getClassLoader(),
                                new Class<?>[] {UsageLimits.class},
                                (proxy, method, args) -> {
                                    if (method.getName().equals("admitPersonCall")) {
                                        asked.add(args[0]);
                                        asked.add(args[1]);
                                        throw new GatehouseException(
                                                429, "rate_limit_exceeded", "spent");
                                    }
                                    throw new UnsupportedOperationException(method.getName());
                                });
        assertThatThrownBy(
                        () ->
                                calls.chat(
                                        alice,
                                        "r",
                                        Json.createObjectBuilder().add("model", "m").build(),
                                        new StageOverrides(),
                                        new TestCallOf(UUID.randomUUID(), 1, "00")))
                .isInstanceOf(GatehouseException.class)
                .hasMessage("spent");
        assertThat(asked).containsExactly(tenant, id);
    }
}
