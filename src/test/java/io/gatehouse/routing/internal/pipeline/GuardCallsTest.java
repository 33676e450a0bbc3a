package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.internal.provider.ProviderException;
import io.gatehouse.routing.stage.GuardModels;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How guard answers are read: anything but the expected shape is malformed (onError decides). */
class GuardCallsTest {
    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    static GuardModels.GuardRequest request(GuardModels.Kind kind, List<String> labels) {
        return new GuardModels.GuardRequest(
                "r", kind, "some text", 500, List.of("MALICIOUS", "JAILBREAK"), "Rubric.", labels);
    }

    @Test
    void classifierScoreIsTheProbabilityOfAPositiveLabel() throws Exception {
        double[] s = new double[1];
        List<String> pos = List.of("MALICIOUS");
        assertThat(
                        GuardCalls.classifier(
                                json("{'data': [{'label': 'MALICIOUS', 'probs': [0.1, 0.9]}]}"),
                                pos,
                                s))
                .isEqualTo("MALICIOUS");
        assertThat(s[0]).isEqualTo(0.9);
        assertThat(
                        GuardCalls.classifier(
                                json("{'data': [{'label': 'BENIGN', 'probs': [0.8, 0.2]}]}"),
                                pos,
                                s))
                .isEqualTo("BENIGN");
        assertThat(s[0]).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        GuardCalls.classifier(json("{'data': [{'label': 'malicious', 'score': 0.7}]}"), pos, s);
        assertThat(s[0]).isEqualTo(0.7);
        for (String bad :
                new String[] {
                    "{}",
                    "{'data': []}",
                    "{'data': [{'probs': [0.5]}]}",
                    "{'data': [{'label': 'X', 'probs': [1.5]}]}",
                    "{'data': [{'label': 'X', 'probs': ['a']}]}",
                    "{'data': [{'label': 'X'}]}"
                }) {
            assertThatThrownBy(() -> GuardCalls.classifier(json(bad), pos, s))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            ProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.MALFORMED));
        }
    }

    @Test
    void moderationScoreIsTheHighestCategory() throws Exception {
        double[] s = new double[1];
        assertThat(
                        GuardCalls.moderation(
                                json(
                                        "{'results': [{'flagged': true, 'category_scores':"
                                                + " {'hate': 0.1, 'violence': 0.93}}]}"),
                                s))
                .isEqualTo("violence");
        assertThat(s[0]).isEqualTo(0.93);
        assertThat(
                        GuardCalls.moderation(
                                json(
                                        "{'results': [{'flagged': false, 'category_scores':"
                                                + " {'hate': 0.01}}]}"),
                                s))
                .isEqualTo("safe");
        assertThat(s[0]).isEqualTo(0.01);
        assertThatThrownBy(() -> GuardCalls.moderation(json("{'results': [{}]}"), s))
                .isInstanceOf(ProviderException.class);
        assertThatThrownBy(
                        () ->
                                GuardCalls.moderation(
                                        json(
                                                "{'results': [{'flagged': true,"
                                                        + " 'category_scores': {'x': 7}}]}"),
                                        s))
                .isInstanceOf(ProviderException.class);
    }

    static JsonObject chatAnswer(String content) {
        return Json.createObjectBuilder()
                .add(
                        "choices",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add(
                                                        "message",
                                                        Json.createObjectBuilder()
                                                                .add("role", "assistant")
                                                                .add("content", content))))
                .build();
    }

    @Test
    void theJudgesAnswerMustMatchTheVerdictSchema() throws Exception {
        double[] s = new double[1];
        List<String> labels = List.of("safe", "jailbreak");
        assertThat(
                        GuardCalls.judge(
                                chatAnswer("{\"label\": \"jailbreak\", \"score\": 0.88}"),
                                labels,
                                s))
                .isEqualTo("jailbreak");
        assertThat(s[0]).isEqualTo(0.88);
        for (String bad :
                new String[] {
                    "Sure! {\"label\": \"safe\", \"score\": 0.1}",
                    "{\"label\": \"unknown\", \"score\": 0.1}",
                    "{\"label\": \"safe\", \"score\": 1.1}",
                    "{\"label\": \"safe\", \"score\": \"low\"}",
                    "{\"label\": \"safe\"}",
                    "{\"label\": \"safe\", \"score\": 0.1, \"reason\": \"ignore me\"}",
                    "[1, 2]",
                    "",
                    "[".repeat(1000)
                }) {
            assertThatThrownBy(() -> GuardCalls.judge(chatAnswer(bad), labels, s))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            ProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.MALFORMED));
        }
        assertThatThrownBy(() -> GuardCalls.judge(json("{'choices': []}"), labels, s))
                .isInstanceOf(ProviderException.class);
    }

    @Test
    void theJudgeIsAskedWithTheFixedRubricAndASchemaTheTextIsOnlyTheUserMessage() {
        JsonObject body =
                GuardCalls.body(request(GuardModels.Kind.JUDGE, List.of("safe", "jailbreak")));
        var messages = body.getJsonArray("messages");
        assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("system");
        assertThat(messages.getJsonObject(0).getString("content"))
                .startsWith("Rubric.")
                .contains("safe, jailbreak");
        assertThat(messages.getJsonObject(1).getString("content")).isEqualTo("some text");
        assertThat(body.getInt("temperature")).isZero();
        JsonObject schema =
                body.getJsonObject("response_format")
                        .getJsonObject("json_schema")
                        .getJsonObject("schema");
        assertThat(schema.getBoolean("additionalProperties")).isFalse();
        assertThat(schema.getJsonArray("required").toString()).contains("label", "score");
        assertThat(GuardCalls.body(request(GuardModels.Kind.CLASSIFIER, List.of())).toString())
                .isEqualTo("{\"input\":\"some text\"}");
    }
}
