package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.TenantId;
import jakarta.json.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pieces of an evaluation's call (issue 23) that need no server. */
class EvaluationTrafficTest {
    @Test
    void thePolicyOutcomeIsReadFromTheDecisionsThePolicyStageRecorded() {
        assertThat(EvaluationTraffic.policyOf(null, 200)).isEqualTo("allowed");
        assertThat(
                        EvaluationTraffic.policyOf(
                                Map.of("input", Map.of("outcome", "allow", "matched", List.of())),
                                200))
                .isEqualTo("allowed");
        assertThat(
                        EvaluationTraffic.policyOf(
                                Map.of(
                                        "input",
                                        Map.of("outcome", "modify", "redacted", List.of("EMAIL"))),
                                200))
                .isEqualTo("redacted");
        assertThat(
                        EvaluationTraffic.policyOf(
                                Map.of(
                                        "input",
                                        Map.of("outcome", "allow"),
                                        "output",
                                        Map.of(
                                                "outcome",
                                                "modify",
                                                "redacted_in_tools",
                                                Map.of("lookup", List.of("PHONE")))),
                                200))
                .isEqualTo("redacted");
        assertThat(
                        EvaluationTraffic.policyOf(
                                Map.of("output", Map.of("outcome", "deny", "code", "no_pii")), 403))
                .isEqualTo("denied");
        // a policy that failed closed (a guard unavailable) is the call's error, not a decision
        assertThat(
                        EvaluationTraffic.policyOf(
                                Map.of("input", Map.of("outcome", "deny", "code", "x")), 503))
                .isEqualTo("allowed");
    }

    @Test
    void vectorsComeInTheInputsOrderAndAMissingOneIsNone() {
        var answer =
                Json.createObjectBuilder()
                        .add(
                                "data",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("index", 1)
                                                        .add(
                                                                "embedding",
                                                                Json.createArrayBuilder()
                                                                        .add(0.5)
                                                                        .add(1)))
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("index", 0)
                                                        .add(
                                                                "embedding",
                                                                Json.createArrayBuilder()
                                                                        .add(-1)
                                                                        .add(0.25))))
                        .build();
        List<float[]> v = EvaluationTraffic.vectorsOf(answer, 2);
        assertThat(v.get(0)).containsExactly(-1f, 0.25f);
        assertThat(v.get(1)).containsExactly(0.5f, 1f);
        assertThat(EvaluationTraffic.vectorsOf(answer, 3)).isNull();
        assertThat(EvaluationTraffic.vectorsOf(Json.createObjectBuilder().build(), 1)).isNull();
    }

    /**
     * Review 23 finding 10: a value beyond a float's range is no embedding (502 bad_embeddings).
     */
    @Test
    void aValueBeyondAFloatsRangeIsNoEmbedding() {
        for (String big : List.of("1e39", "-1e39", "1e400")) {
            var answer =
                    jakarta.json.Json.createReader(
                                    new java.io.StringReader(
                                            "{\"data\":[{\"index\":0,\"embedding\":[0.5,"
                                                    + big
                                                    + "]}]}"))
                            .readObject();
            assertThat(EvaluationTraffic.vectorsOf(answer, 1)).as(big).isNull();
        }
        var fine =
                Json.createObjectBuilder()
                        .add(
                                "data",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add(
                                                                "embedding",
                                                                Json.createArrayBuilder()
                                                                        .add(3.4e38)
                                                                        .add(-1))))
                        .build();
        assertThat(EvaluationTraffic.vectorsOf(fine, 1).get(0)).containsExactly(3.4e38f, -1f);
    }

    @Test
    void theEvaluationActorStandsInForAKeyByATenantsOwnId() {
        TenantId a = new TenantId(UUID.randomUUID());
        TenantId b = new TenantId(UUID.randomUUID());
        assertThat(EvaluationTraffic.keyIdOf(a))
                .isEqualTo(EvaluationTraffic.keyIdOf(a))
                .isNotEqualTo(EvaluationTraffic.keyIdOf(b));
    }
}
