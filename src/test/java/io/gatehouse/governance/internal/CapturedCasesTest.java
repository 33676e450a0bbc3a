package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.RetainedRequests;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Case skeletons from retained requests: ids, input, answers, forms, and what is missing. */
class CapturedCasesTest {
    static RetainedRequests.Retained retained(String id, String form, String body) {
        return new RetainedRequests.Retained(
                id, Instant.EPOCH, "k", "support", "{}", "ab".repeat(32), form, body);
    }

    @Test
    void aRetainedRequestBecomesASkeletonAndTheOthersAreMissing() {
        String body =
                "{\"answer\":\"30 days\",\"messages\":[{\"content\":\"Refund?\",\"role\":\"user\"}],"
                        + "\"model\":\"support\",\"variables\":{\"q\":\"x\"}}";
        JsonObject out =
                CapturedCases.of(
                        List.of("req_0123456789abcdef01234567", "req_hashed", "req_gone"),
                        Map.of(
                                "req_0123456789abcdef01234567",
                                retained("req_0123456789abcdef01234567", "full", body),
                                "req_hashed",
                                retained("req_hashed", null, null)));
        JsonObject c = out.getJsonArray("cases").getJsonObject(0);
        assertThat(c.getString("id")).isEqualTo("captured-0123456789abcdef");
        assertThat(c.getJsonObject("input").getString("model")).isEqualTo("support");
        assertThat(c.getJsonObject("input").getJsonObject("variables").getString("q"))
                .isEqualTo("x");
        assertThat(c.getJsonArray("expect")).isEmpty();
        assertThat(c.getJsonObject("source").getString("contentHash")).hasSize(64);
        assertThat(out.getJsonObject("answers").getString("captured-0123456789abcdef"))
                .isEqualTo("30 days");
        assertThat(out.getJsonObject("forms").getString("captured-0123456789abcdef"))
                .isEqualTo("full");
        assertThat(out.getJsonArray("missing").getJsonObject(0).getString("reason"))
                .isEqualTo("not_retained");
        assertThat(out.getJsonArray("missing").getJsonObject(1).getString("reason"))
                .isEqualTo("not_found");
    }

    @Test
    void caseIdsKeepOnlyTheCharactersACaseIdAllows() {
        assertThat(CapturedCases.caseId("a/b c")).isEqualTo("captured-a_b_c");
        assertThat(CapturedCases.caseId("x".repeat(100))).hasSize(25);
    }
}
