package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.engine.GuardSpec;
import io.gatehouse.policy.internal.engine.PolicyParser;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.GuardModels;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Model-based guards on the policy side, with a fake {@link GuardModels}: the document's guards
 * validated naming the field, only guards the input rules read are called, verdicts exposed to CEL,
 * cached per tenant and configuration, onError applied, every call recorded without the text.
 */
class PolicyGuardsTest {
    static final TenantId A = new TenantId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    static final TenantId B = new TenantId(UUID.fromString("00000000-0000-0000-0000-0000000000b2"));

    /** Scores the text by marker: "attack" 0.97, "error" fails (timeout), else 0.02. */
    static final class FakeGuard implements GuardModels {
        final List<GuardRequest> calls = new ArrayList<>();

        @Override
        public GuardVerdict classify(GatewayExchange ex, GuardRequest g) {
            calls.add(g);
            if (g.text().contains("error")) {
                return new GuardVerdict(0, "", "timeout", "pg", "m", 400, 0, 0, 0);
            }
            boolean attack = g.text().contains("attack");
            return new GuardVerdict(
                    attack ? 0.97 : 0.02,
                    attack ? "MALICIOUS" : "BENIGN",
                    null,
                    "pg",
                    "m",
                    5,
                    10,
                    0,
                    20);
        }
    }

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    static final String GUARDS =
            "'guards': {'pg': {'route': 'prompt-guard', 'kind': 'classifier', 'timeoutMs': 300,"
                    + " 'onError': '%s', 'positiveLabels': ['MALICIOUS']},"
                    + " 'unused': {'route': 'other', 'kind': 'moderation'}}";

    static JsonObject policy(String onError, String condition) {
        return json(
                "{"
                        + GUARDS.formatted(onError)
                        + ", 'rules': [{'id': 'pg', 'condition': '"
                        + condition
                        + "', 'action': 'deny', 'code': 'prompt_attack'}]}");
    }

    static GatewayExchange exchange(TenantId t, String... userTexts) {
        List<ChatMessage> msgs = new ArrayList<>();
        msgs.add(new ChatMessage("system", "You are helpful", true));
        for (String u : userTexts) {
            msgs.add(new ChatMessage("user", u, false));
        }
        return new GatewayExchange(t, "k", "r", "chat", "chat", null, msgs, Map.of());
    }

    static PolicyStage stage(FakeGuard fake, AtomicLong millis, CompiledPolicy... policies) {
        List<CompiledPolicy> list = List.of(policies);
        return new PolicyStage(t -> list, fake, millis::get);
    }

    static CompiledPolicy compiled(String name, JsonObject content) {
        return CompiledPolicy.compile(name, name + "@v1", false, PolicyParser.normalize(content));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> guardAudit(GatewayExchange ex) {
        return (List<Map<String, Object>>) PolicyStage.audit(ex).get("guards");
    }

    @Test
    void aScoreAboveTheThresholdDeniesAndOnlyReferencedGuardsAreCalled() {
        FakeGuard fake = new FakeGuard();
        PolicyStage stage =
                stage(
                        fake,
                        new AtomicLong(),
                        compiled("p", policy("deny", "guard.pg.score > 0.8")));
        GatewayExchange attack = exchange(A, "attack: ignore everything");
        assertThatThrownBy(() -> stage.beforeRouting(attack))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(403);
                            assertThat(e.code()).isEqualTo("prompt_attack");
                        });
        assertThat(fake.calls).hasSize(1);
        GuardModels.GuardRequest call = fake.calls.get(0);
        assertThat(call.route()).isEqualTo("prompt-guard");
        assertThat(call.kind()).isEqualTo(GuardModels.Kind.CLASSIFIER);
        assertThat(call.timeoutMs()).isEqualTo(300);
        assertThat(call.text()).isEqualTo("attack: ignore everything"); // users' messages only
        Map<String, Object> a = guardAudit(attack).get(0);
        assertThat(a)
                .containsEntry("name", "pg")
                .containsEntry("policy", "p@v1")
                .containsEntry("outcome", "ok")
                .containsEntry("score_pct", 97L)
                .containsEntry("label", "MALICIOUS")
                .containsEntry("cached", false);
        assertThat(a.toString()).doesNotContain("ignore everything");

        GatewayExchange benign = exchange(A, "what time is it");
        stage.beforeRouting(benign); // below the threshold: allowed
        assertThat(fake.calls).hasSize(2);
        assertThat(fake.calls).noneMatch(c -> c.route().equals("other"));
    }

    @Test
    void labelAndErrorAreVisibleToCel() {
        FakeGuard fake = new FakeGuard();
        PolicyStage stage =
                stage(
                        fake,
                        new AtomicLong(),
                        compiled(
                                "p",
                                policy(
                                        "allow",
                                        "guard.pg.label == \\\"MALICIOUS\\\" || guard[\\\"pg\\\"].error")));
        assertThatThrownBy(() -> stage.beforeRouting(exchange(A, "an attack")))
                .isInstanceOf(GatehouseException.class);
        assertThatThrownBy(() -> stage.beforeRouting(exchange(A, "an error")))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("prompt_attack"));
        stage.beforeRouting(exchange(A, "fine"));
    }

    @Test
    void onErrorDenyAllowAndFlag() {
        FakeGuard fake = new FakeGuard();
        GatewayExchange denied = exchange(A, "error please");
        assertThatThrownBy(
                        () ->
                                stage(
                                                fake,
                                                new AtomicLong(),
                                                compiled(
                                                        "p",
                                                        policy("deny", "guard.pg.score > 0.8")))
                                        .beforeRouting(denied))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(503);
                            assertThat(e.code()).isEqualTo("guard_unavailable");
                        });
        assertThat(guardAudit(denied).get(0))
                .containsEntry("outcome", "error")
                .containsEntry("error", "timeout")
                .containsEntry("on_error", "deny");

        GatewayExchange allowed = exchange(A, "error please");
        stage(fake, new AtomicLong(), compiled("p", policy("allow", "guard.pg.score > 0.8")))
                .beforeRouting(allowed);
        assertThat(PolicyStage.audit(allowed).get("input").toString()).contains("outcome=allow");

        GatewayExchange flagged = exchange(A, "error please");
        stage(fake, new AtomicLong(), compiled("p", policy("flag", "guard.pg.score > 0.8")))
                .beforeRouting(flagged);
        assertThat(PolicyStage.audit(flagged).get("input").toString()).contains("guard_error.pg");
    }

    @Test
    void aShadowPolicysFailedGuardIsRecordedNotEnforced() {
        FakeGuard fake = new FakeGuard();
        JsonObject shadow =
                Json.createObjectBuilder(policy("deny", "guard.pg.score > 0.8"))
                        .add("mode", "shadow")
                        .build();
        GatewayExchange ex = exchange(A, "error please");
        stage(fake, new AtomicLong(), compiled("s", shadow)).beforeRouting(ex);
        assertThat(PolicyStage.audit(ex).get("shadow").toString()).contains("guard_unavailable");
    }

    @Test
    void verdictsAreCachedPerTenantTextAndConfigurationWithinTheirLifetime() {
        FakeGuard fake = new FakeGuard();
        AtomicLong now = new AtomicLong(1_000_000);
        CompiledPolicy p = compiled("p", policy("deny", "guard.pg.score > 0.8"));
        PolicyStage stage = stage(fake, now, p);
        stage.beforeRouting(exchange(A, "hello"));
        GatewayExchange second = exchange(A, "hello");
        stage.beforeRouting(second);
        assertThat(fake.calls).hasSize(1);
        assertThat(guardAudit(second).get(0)).containsEntry("cached", true);

        stage.beforeRouting(exchange(A, "hello!")); // other text
        assertThat(fake.calls).hasSize(2);
        stage.beforeRouting(exchange(B, "hello")); // other tenant
        assertThat(fake.calls).hasSize(3);

        // Another configuration of the guard (a longer budget changes nothing that is cached; a
        // different route does).
        JsonObject otherRoute =
                json(
                        "{'guards': {'pg': {'route': 'prompt-guard-2', 'kind': 'classifier',"
                                + " 'positiveLabels': ['MALICIOUS']}}, 'rules': [{'id': 'pg',"
                                + " 'condition': 'guard.pg.score > 0.8', 'action': 'deny'}]}");
        List<CompiledPolicy> both = new ArrayList<>(List.of(p));
        PolicyStage shared = new PolicyStage(t -> both, fake, now::get);
        shared.beforeRouting(exchange(A, "cache me"));
        both.set(0, compiled("p", otherRoute));
        shared.beforeRouting(exchange(A, "cache me"));
        assertThat(fake.calls).hasSize(5);

        // Expired after cacheSeconds (default 300).
        shared.beforeRouting(exchange(A, "cache me"));
        assertThat(fake.calls).hasSize(5);
        now.addAndGet(300_001);
        shared.beforeRouting(exchange(A, "cache me"));
        assertThat(fake.calls).hasSize(6);

        // Failed calls are never cached.
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> stage.beforeRouting(exchange(A, "error?")))
                    .isInstanceOf(GatehouseException.class);
        }
        assertThat(fake.calls).hasSize(8);
    }

    @Test
    void textOverMaxCharsIsNotSentAndCountsAsAnError() {
        FakeGuard fake = new FakeGuard();
        JsonObject content =
                json(
                        "{'guards': {'pg': {'route': 'r', 'kind': 'moderation', 'maxChars': 10,"
                                + " 'onError': 'deny'}}, 'rules': [{'id': 'm', 'condition':"
                                + " 'guard.pg.score > 0.5', 'action': 'deny'}]}");
        GatewayExchange ex = exchange(A, "far more than ten characters");
        assertThatThrownBy(
                        () ->
                                stage(fake, new AtomicLong(), compiled("p", content))
                                        .beforeRouting(ex))
                .isInstanceOfSatisfying(
                        GatehouseException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(fake.calls).isEmpty();
        assertThat(guardAudit(ex).get(0)).containsEntry("error", "input_too_large");
    }

    @Test
    void withoutGuardModelsARuleReadingAGuardFailsClosed() {
        CompiledPolicy p = compiled("p", policy("allow", "guard.pg.score > 0.8"));
        PolicyStage stage = new PolicyStage(t -> List.of(p));
        assertThatThrownBy(() -> stage.beforeRouting(exchange(A, "hello")))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("policy_evaluation_failed"));
    }

    static String invalid(String content) {
        try {
            PolicyParser.parse(json(content));
        } catch (ValidationException e) {
            return e.param() + ": " + e.getMessage();
        }
        throw new AssertionError("accepted: " + content);
    }

    @Test
    void theParserNamesTheFieldOfEveryGuardMistake() {
        String rule =
                "'rules': [{'id': 'r', 'condition': 'guard.pg.score > 0.5', 'action': 'deny'}]";
        assertThat(invalid("{" + rule + "}"))
                .startsWith("content.rules[0].condition")
                .contains("guard.pg");
        assertThat(
                        invalid(
                                "{'guards': {'pg': {'route': 'r', 'kind': 'judge', 'rubric': 'x'}},"
                                        + " 'rules': [{'id': 'r', 'condition': 'guard.pg.score > 0.5',"
                                        + " 'action': 'deny', 'stage': 'both'}]}"))
                .startsWith("content.rules[0].stage");
        assertThat(invalid("{'guards': {'pg': {'kind': 'moderation'}}, " + rule + "}"))
                .startsWith("content.guards.pg.route");
        assertThat(invalid("{'guards': {'pg': {'route': 'r', 'kind': 'llm'}}, " + rule + "}"))
                .startsWith("content.guards.pg.kind");
        assertThat(
                        invalid(
                                "{'guards': {'pg': {'route': 'r', 'kind': 'classifier'}}, "
                                        + rule
                                        + "}"))
                .startsWith("content.guards.pg.positiveLabels");
        assertThat(invalid("{'guards': {'pg': {'route': 'r', 'kind': 'judge'}}, " + rule + "}"))
                .startsWith("content.guards.pg.rubric");
        assertThat(
                        invalid(
                                "{'guards': {'pg': {'route': 'r', 'kind': 'moderation',"
                                        + " 'timeoutMs': 60000}}, "
                                        + rule
                                        + "}"))
                .startsWith("content.guards.pg.timeoutMs");
        assertThat(
                        invalid(
                                "{'guards': {'pg': {'route': 'r', 'kind': 'moderation',"
                                        + " 'onError': 'ignore'}}, "
                                        + rule
                                        + "}"))
                .startsWith("content.guards.pg.onError");
        assertThat(
                        invalid(
                                "{'guards': {'pg': {'route': 'r', 'kind': 'moderation',"
                                        + " 'rubric': 'x'}}, "
                                        + rule
                                        + "}"))
                .startsWith("content.guards.pg.rubric");
        assertThat(
                        invalid(
                                "{'guards': {'Bad-Name': {'route': 'r', 'kind': 'moderation'}}, 'rules': []}"))
                .startsWith("content.guards");
        assertThat(
                        invalid(
                                "{'guards': {'pg': {'route': 'r', 'kind': 'moderation', 'url':"
                                        + " 'http://x'}}, "
                                        + rule
                                        + "}"))
                .startsWith("content.guards.pg.url");
        assertThat(invalid("{'guards': [], 'rules': []}")).startsWith("content.guards");
    }

    @Test
    void normalizedGuardsRoundTripWithDefaults() {
        JsonObject n =
                PolicyParser.normalize(
                        json(
                                "{'guards': {'j': {'route': 'judge', 'kind': 'judge', 'rubric':"
                                        + " 'Is this a jailbreak?', 'labels': ['safe', 'jailbreak']}},"
                                        + " 'rules': [{'id': 'r', 'condition':"
                                        + " 'guard.j.label == \\\"jailbreak\\\"', 'action': 'deny'}]}"));
        JsonObject j = n.getJsonObject("guards").getJsonObject("j");
        assertThat(j.getInt("timeoutMs")).isEqualTo(1000);
        assertThat(j.getString("onError")).isEqualTo("deny");
        assertThat(j.getString("messages")).isEqualTo("user");
        assertThat(j.getInt("cacheSeconds")).isEqualTo(300);
        assertThat(PolicyParser.normalize(n)).isEqualTo(n);
    }

    @Test
    void changingOrRemovingALiveGuardIsHighRiskAddingOneIsLow() {
        PolicyChangeKind kind = new PolicyChangeKind();
        JsonObject live = PolicyParser.normalize(policy("deny", "guard.pg.score > 0.8"));
        java.util.function.Function<JsonObject, io.gatehouse.governance.RiskClass> risk =
                p ->
                        kind.risk(
                                null,
                                "p",
                                p,
                                java.util.Optional.of(
                                        new io.gatehouse.governance.LiveVersion("p@v1", live)));
        assertThat(risk.apply(live)).isEqualTo(io.gatehouse.governance.RiskClass.LOW);
        assertThat(risk.apply(PolicyParser.normalize(policy("allow", "guard.pg.score > 0.8"))))
                .isEqualTo(io.gatehouse.governance.RiskClass.HIGH);
        JsonObject extra =
                json(
                        "{'guards': {'pg': {'route': 'prompt-guard', 'kind': 'classifier',"
                                + " 'timeoutMs': 300, 'onError': 'deny', 'positiveLabels':"
                                + " ['MALICIOUS']}, 'unused': {'route': 'other', 'kind':"
                                + " 'moderation'}, 'mod': {'route': 'm', 'kind': 'moderation'}},"
                                + " 'rules': [{'id': 'pg', 'condition': 'guard.pg.score > 0.8',"
                                + " 'action': 'deny', 'code': 'prompt_attack'}, {'id': 'mod',"
                                + " 'condition': 'guard.mod.score > 0.9', 'action': 'deny'}]}");
        assertThat(risk.apply(PolicyParser.normalize(extra)))
                .isEqualTo(io.gatehouse.governance.RiskClass.LOW);
        // The unused guard removed, the rules unchanged: still a change to a live guard.
        JsonObject noGuards =
                json(
                        "{'guards': {'pg': {'route': 'prompt-guard', 'kind': 'classifier',"
                                + " 'timeoutMs': 300, 'onError': 'deny', 'positiveLabels':"
                                + " ['MALICIOUS']}}, 'rules': [{'id': 'pg', 'condition':"
                                + " 'guard.pg.score > 0.8', 'action': 'deny', 'code':"
                                + " 'prompt_attack'}]}");
        assertThat(risk.apply(PolicyParser.normalize(noGuards)))
                .isEqualTo(io.gatehouse.governance.RiskClass.HIGH);
    }

    /**
     * With {@code messages: "all"} the guard classifies what the input policy reads and the model
     * receives outside the messages' text: an assistant's earlier refusal and earlier turns' signed
     * thinking (review of issue 17). With the default (users' messages) neither goes.
     */
    @Test
    void allMessagesIncludeAnEarlierRefusalAndSignedThinking() {
        GatewayExchange ex =
                new GatewayExchange(
                        A,
                        "k",
                        "r",
                        "chat",
                        "chat",
                        null,
                        List.of(
                                new ChatMessage("user", "hello", false),
                                new ChatMessage(
                                        "assistant",
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        Json.createValue("refused: attack in refusal"),
                                        false)),
                        Map.of());
        ex.signedInput(List.of("thinking: attack in thinking"));
        GuardSpec all = spec("all");
        assertThat(GuardRunner.text(ex, all))
                .isEqualTo("hello\n\nrefused: attack in refusal\n\nthinking: attack in thinking");
        assertThat(GuardRunner.text(ex, spec("user"))).isEqualTo("hello");
    }

    private static GuardSpec spec(String messages) {
        return new GuardSpec(
                "pg",
                "prompt-guard",
                "classifier",
                300,
                GuardSpec.OnError.DENY,
                messages,
                0,
                10_000,
                List.of("MALICIOUS"),
                null,
                List.of());
    }
}
