package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.governance.EvaluationAnswer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The demo golden set is valid content bound to the demo prompt, and each case passes on the answer
 * the sandbox provider gives (it quotes the last user message, as the demo policy left it).
 */
class DemoGoldenSetSeedTest {

    @Test
    void theDemoSetIsValidAndPassesOnSandboxAnswers() {
        JsonObject content = DemoGoldenSetSeed.content();
        GoldenSetContent set =
                GoldenSetContent.parse(content, Set.of("prompt", "policy", "route")::contains);
        assertThat(set.binds())
                .extracting(GoldenSetContent.Binding::key)
                .containsExactly("prompt:support-triage");
        for (JsonValue v : content.getJsonArray("cases")) {
            JsonObject c = v.asJsonObject();
            String said =
                    c.getJsonObject("input")
                            .getJsonArray("messages")
                            .getJsonObject(0)
                            .getString("content")
                            .replace("jane@example.com", "[EMAIL]");
            boolean redacted =
                    !said.equals(
                            c.getJsonObject("input")
                                    .getJsonArray("messages")
                                    .getJsonObject(0)
                                    .getString("content"));
            EvaluationAnswer sandbox =
                    new EvaluationAnswer(
                            200,
                            "Sandbox answer from sandbox-small. You said: \"" + said + "\"",
                            redacted ? "redacted" : "allowed",
                            "sandbox",
                            "sandbox",
                            "sandbox-small",
                            10,
                            10,
                            0,
                            1,
                            "r",
                            null,
                            null);
            assertThat(Expectations.evaluate(sandbox, c.getJsonArray("expect"), null).outcome())
                    .as(c.getString("id"))
                    .isEqualTo("pass");
        }
    }
}
