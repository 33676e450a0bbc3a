package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.RetainedRequests;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** A body kept in full but withheld from the reader (an author) is missing as such. */
    @Test
    void aBodyWithheldFromTheReaderIsMissingAsFullContent() {
        JsonObject out =
                CapturedCases.of(
                        List.of("req_full"),
                        Map.of("req_full", retained("req_full", "full", null)));
        assertThat(out.getJsonArray("cases")).isEmpty();
        assertThat(out.getJsonArray("missing").getJsonObject(0).getString("reason"))
                .isEqualTo("full_content");
    }

    @Test
    void caseIdsKeepOnlyTheCharactersACaseIdAllows() {
        assertThat(CapturedCases.caseId("a/b c")).isEqualTo("captured-a_b_c");
        assertThat(CapturedCases.caseId("x".repeat(100))).hasSize(25);
    }

    static final String BY_VARIABLES =
            "{\"answer\":\"ok\",\"messages\":[],\"model\":\"prompt:triage@production\","
                    + "\"variables\":{\"product\":\"Acme\"}}";
    static final String OTHER_PROMPT =
            "{\"answer\":\"ok\",\"messages\":[{\"content\":\"Hi\",\"role\":\"user\"}],"
                    + "\"model\":\"prompt:other\",\"variables\":{\"x\":\"y\"}}";
    static final String PLAIN =
            "{\"answer\":\"ok\",\"messages\":[{\"content\":\"Hi\",\"role\":\"user\"}],"
                    + "\"model\":\"support\"}";

    static JsonObject capture(CapturedCases.For set, String... bodies) {
        List<String> ids = new java.util.ArrayList<>();
        Map<String, RetainedRequests.Retained> found = new java.util.HashMap<>();
        for (int i = 0; i < bodies.length; i++) {
            ids.add("req_" + i);
            found.put("req_" + i, retained("req_" + i, "full", bodies[i]));
        }
        return CapturedCases.of(ids, found, set);
    }

    static JsonObject input(JsonObject out, int i) {
        return out.getJsonArray("cases").getJsonObject(i).getJsonObject("input");
    }

    @Test
    void forAPromptsSetACaseHasNoModelAndOnlyTheBoundPromptsVariables() {
        JsonObject out =
                capture(
                        new CapturedCases.For(Set.of("prompt"), Set.of("triage")),
                        BY_VARIABLES,
                        OTHER_PROMPT,
                        PLAIN,
                        "{\"messages\":[],\"model\":\"prompt:other\",\"variables\":{\"x\":1}}");
        assertThat(input(out, 0).keySet()).containsExactly("variables");
        assertThat(input(out, 1).keySet()).containsExactly("messages");
        assertThat(input(out, 2).keySet()).containsExactly("messages");
        assertThat(out.getJsonArray("missing").getJsonObject(0).getString("reason"))
                .isEqualTo("unfit");
    }

    @Test
    void forARoutesSetTheMessagesAloneAndForAPolicysTheModelToo() {
        JsonObject route =
                capture(
                        new CapturedCases.For(Set.of("route"), Set.of("support")),
                        BY_VARIABLES,
                        OTHER_PROMPT);
        assertThat(route.getJsonArray("cases")).hasSize(1);
        assertThat(input(route, 0).keySet()).containsExactly("messages");
        assertThat(route.getJsonArray("missing").getJsonObject(0).getString("reason"))
                .isEqualTo("unfit");
        JsonObject policy =
                capture(
                        new CapturedCases.For(Set.of("policy"), Set.of("pii")),
                        OTHER_PROMPT,
                        PLAIN,
                        BY_VARIABLES);
        assertThat(input(policy, 0).getString("model")).isEqualTo("prompt:other");
        assertThat(input(policy, 0).getJsonObject("variables").getString("x")).isEqualTo("y");
        assertThat(input(policy, 1).getString("model")).isEqualTo("support");
        assertThat(input(policy, 1).containsKey("variables")).isFalse();
        assertThat(policy.getJsonArray("missing").getJsonObject(0).getString("reason"))
                .isEqualTo("unfit");
    }
}
