package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyChangeKindTest {
    final PolicyChangeKind kind = new PolicyChangeKind();
    final JsonObject live = DemoPolicySeed.demoPolicy();

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    RiskClass risk(JsonObject proposed) {
        return kind.risk(null, "demo", proposed, Optional.of(new LiveVersion("demo@v1", live)));
    }

    @Test
    void kindIsPolicy() {
        assertThat(kind.kind()).isEqualTo("policy");
    }

    @Test
    void addingARestrictiveRuleIsLowRisk() {
        JsonObject more =
                Json.createObjectBuilder(live)
                        .add(
                                "rules",
                                Json.createArrayBuilder(live.getJsonArray("rules"))
                                        .add(
                                                json(
                                                        "{'id':'flag-strong-injection','condition':'injection.score > 0.9','action':'flag'}")))
                        .build();
        assertThat(risk(more)).isEqualTo(RiskClass.LOW);
    }

    @Test
    void relaxationsAreHighRisk() {
        // a rule removed
        JsonObject fewer =
                Json.createObjectBuilder(live)
                        .add(
                                "rules",
                                Json.createArrayBuilder().add(live.getJsonArray("rules").get(1)))
                        .build();
        assertThat(risk(fewer)).isEqualTo(RiskClass.HIGH);
        // enforce -> shadow
        assertThat(risk(Json.createObjectBuilder(live).add("mode", "shadow").build()))
                .isEqualTo(RiskClass.HIGH);
        // fail_closed -> fail_open
        assertThat(risk(Json.createObjectBuilder(live).add("onError", "fail_open").build()))
                .isEqualTo(RiskClass.HIGH);
        // a condition weakened
        JsonObject weaker =
                Json.createObjectBuilder(live)
                        .add(
                                "rules",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder(
                                                                live.getJsonArray("rules")
                                                                        .getJsonObject(0))
                                                        .add(
                                                                "condition",
                                                                "entities.secret.count > 5"))
                                        .add(live.getJsonArray("rules").get(1)))
                        .build();
        assertThat(risk(weaker)).isEqualTo(RiskClass.HIGH);
        // an allow rule inserted
        JsonObject allow =
                Json.createObjectBuilder(live)
                        .add(
                                "rules",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "vip")
                                                        .add(
                                                                "condition",
                                                                "headers['x-vip'] == 'yes'")
                                                        .add("action", "allow"))
                                        .add(live.getJsonArray("rules").get(0))
                                        .add(live.getJsonArray("rules").get(1)))
                        .build();
        assertThat(risk(allow)).isEqualTo(RiskClass.HIGH);
    }

    @Test
    void validationNamesTheField() {
        assertThatThrownBy(
                        () ->
                                kind.validate(
                                        null,
                                        "demo",
                                        json(
                                                "{'rules':[{'id':'a','condition':'entites.x > 0','action':'deny'}]}")))
                .isInstanceOf(ValidationException.class)
                .satisfies(
                        e ->
                                assertThat(((ValidationException) e).param())
                                        .isEqualTo("content.rules[0].condition"));
        assertThatThrownBy(
                        () ->
                                kind.validate(
                                        null,
                                        "demo",
                                        json(
                                                "{'rules':[{'id':'a','action':'redact','entities':['passport']}]}")))
                .satisfies(
                        e ->
                                assertThat(((ValidationException) e).param())
                                        .isEqualTo("content.rules[0].entities"));
        assertThatThrownBy(
                        () ->
                                kind.validate(
                                        null,
                                        "demo",
                                        json("{'rules':[{'id':'a','action':'explode'}]}")))
                .satisfies(
                        e ->
                                assertThat(((ValidationException) e).param())
                                        .isEqualTo("content.rules[0].action"));
        assertThatThrownBy(
                        () ->
                                kind.validate(
                                        null,
                                        "demo",
                                        json(
                                                "{'rules':[{'id':'a','action':'classify','level':7}]}")))
                .satisfies(
                        e ->
                                assertThat(((ValidationException) e).param())
                                        .isEqualTo("content.rules[0].level"));
        assertThatThrownBy(() -> kind.validate(null, "Bad Name", json("{'rules':[]}")))
                .satisfies(e -> assertThat(((ValidationException) e).param()).isEqualTo("target"));
        assertThatThrownBy(
                        () ->
                                kind.validate(
                                        null,
                                        "demo",
                                        json(
                                                "{'rules':[{'id':'a','action':'restrict_providers','stage':'output','regions':['eu']}]}")))
                .satisfies(
                        e ->
                                assertThat(((ValidationException) e).param())
                                        .isEqualTo("content.rules[0].stage"));
    }

    @Test
    void validateNormalizesWithDefaults() {
        JsonObject n =
                kind.validate(
                        null,
                        "p",
                        json(
                                "{'rules':[{'id':'d','condition':'entities.secret.count > 0','action':'deny'}]}"));
        assertThat(n.getString("mode")).isEqualTo("enforce");
        assertThat(n.getString("onError")).isEqualTo("fail_closed");
        JsonObject rule = n.getJsonArray("rules").getJsonObject(0);
        assertThat(rule.getString("code")).isEqualTo("policy_denied");
        assertThat(rule.getString("stage")).isEqualTo("input");
    }
}
