package io.gatehouse.routing.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.EvaluationOf;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A route's case (issue 23): the case's messages to the route's alias, the candidate's content
 * attached to that call only as a {@link RouteOverride}, nothing attached on the live side.
 */
class RouteChangeKindEvaluateTest {
    record Sent(JsonObject body, StageOverrides overrides, EvaluationOf of) {}

    final List<Sent> sent = new ArrayList<>();

    RouteChangeKind kind() {
        RouteChangeKind k = new RouteChangeKind();
        k.evaluations =
                (tenant, requestId, body, overrides, of) -> {
                    sent.add(new Sent(body, overrides, of));
                    return new EvaluationAnswer(
                            200, "ok", "allowed", "support", "p", "m", 1, 1, 1, 1, requestId, null,
                            null);
                };
        return k;
    }

    static final JsonArray MESSAGES =
            Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("role", "user").add("content", "hi"))
                    .build();

    static final JsonObject CANDIDATE =
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

    static EvaluationCall call(
            JsonObject candidate, JsonObject variables, JsonArray messages, String model) {
        return new EvaluationCall(
                TestCatalog.TENANT,
                "req_eval",
                "support",
                candidate,
                variables,
                messages,
                model,
                new EvaluationOf(
                        UUID.randomUUID(),
                        "c1",
                        candidate == null ? "live" : "candidate",
                        UUID.randomUUID(),
                        2));
    }

    static GatewayExchange exchange(StageOverrides o) {
        GatewayExchange ex =
                new GatewayExchange(
                        TestCatalog.TENANT,
                        "k",
                        "req_eval",
                        "chat",
                        "support",
                        null,
                        List.of(new ChatMessage("user", "hi", false)),
                        Map.of());
        o.applyTo(ex);
        return ex;
    }

    @Test
    void theCandidateSideCarriesTheDraftRouteAndTheLiveSideNothing() {
        RouteChangeKind k = kind();
        assertThat(k.offersEvaluation()).isTrue();
        k.evaluate(call(CANDIDATE, null, MESSAGES, null));
        k.evaluate(call(null, null, MESSAGES, "support"));

        Sent candidate = sent.get(0);
        assertThat(candidate.body().getString("model")).isEqualTo("support");
        assertThat(candidate.body().getJsonArray("messages")).isEqualTo(MESSAGES);
        RouteOverride o = exchange(candidate.overrides()).attachment(RouteOverride.class);
        assertThat(o.route().alias()).isEqualTo("support");
        assertThat(o.route().version()).isEqualTo("draft");
        assertThat(o.route().targets())
                .extracting(Route.RouteTarget::provider)
                .containsExactly("draft-p");
        assertThat(candidate.of().side()).isEqualTo("candidate");

        Sent live = sent.get(1);
        assertThat(exchange(live.overrides()).attachment(RouteOverride.class)).isNull();
    }

    @Test
    void aCaseTheRouteCannotRunIsRefusedWithItsField() {
        RouteChangeKind k = kind();
        assertThatThrownBy(() -> k.evaluate(call(CANDIDATE, null, null, null)))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("input.messages"));
        assertThatThrownBy(
                        () ->
                                k.evaluate(
                                        call(
                                                CANDIDATE,
                                                Json.createObjectBuilder().add("q", "x").build(),
                                                MESSAGES,
                                                null)))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("input.variables"));
        assertThatThrownBy(() -> k.evaluate(call(CANDIDATE, null, MESSAGES, "other-route")))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("input.model"));
        assertThat(sent).isEmpty();
    }
}
