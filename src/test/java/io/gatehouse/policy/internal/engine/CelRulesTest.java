package io.gatehouse.policy.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CelRulesTest {
    static final Map<String, Object> CTX =
            Map.of(
                    "tenant", "t1",
                    "route", "sandbox",
                    "classification", 2L,
                    "entities", Map.of("email", Map.of("count", 2L, "max_score", 0.95)),
                    "injection", Map.of("score", 0.7, "signals", List.of("ignore_instructions")),
                    "headers", Map.of("x-team", "finance"),
                    "time", Map.of("hour", 14L, "weekday", 5L),
                    "provider", Map.of("name", "openai", "region", "eu-west", "clearance", 2L));

    @Test
    void evaluatesConditionsOverTheContext() throws Exception {
        assertThat(CelRules.compile("entities.email.count > 1").test(CTX)).isTrue();
        assertThat(
                        CelRules.compile(
                                        "injection.score >= 0.5 && 'ignore_instructions' in injection.signals")
                                .test(CTX))
                .isTrue();
        assertThat(CelRules.compile("injection.score > 0").test(CTX)).isTrue();
        assertThat(
                        CelRules.compile(
                                        "headers['x-team'] == 'finance' && route.startsWith('sand')")
                                .test(CTX))
                .isTrue();
        assertThat(
                        CelRules.compile(
                                        "provider.region.startsWith('eu-') && provider.clearance >= classification")
                                .test(CTX))
                .isTrue();
        assertThat(CelRules.compile("time.hour < 8").test(CTX)).isFalse();
        assertThat(
                        CelRules.compile("injection.signals.exists(s, s.startsWith('ignore'))")
                                .test(CTX))
                .isTrue();
        assertThat(CelRules.compile("has(headers.x) || size(headers) == 1").test(CTX)).isTrue();
        assertThat(CelRules.compile("'x-user' in headers && headers['x-user'] == 'a'").test(CTX))
                .isFalse();
    }

    @Test
    void rejectsInvalidExpressionsAtCompileTime() {
        assertThatThrownBy(() -> CelRules.compile("entites.email.count > 0"))
                .isInstanceOf(CelRules.CompileException.class)
                .hasMessageContaining("undeclared reference");
        assertThatThrownBy(() -> CelRules.compile("route + 1"))
                .isInstanceOf(CelRules.CompileException.class);
        assertThatThrownBy(() -> CelRules.compile("route"))
                .isInstanceOf(CelRules.CompileException.class);
        assertThatThrownBy(() -> CelRules.compile("("))
                .isInstanceOf(CelRules.CompileException.class);
    }

    @Test
    void missingKeyIsAnEvaluationError() throws Exception {
        CelRules.Condition c = CelRules.compile("entities.passport.count > 0");
        assertThatThrownBy(() -> c.test(CTX)).isInstanceOf(CelRules.RuleEvaluationException.class);
    }
}
