package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditEventEscapingTest {
    static final TenantId T = new TenantId(UUID.randomUUID());

    @Test
    void everyTextFieldIsEscapedAndTheEventSaysWhich() {
        AuditEvent e =
                AuditEvent.of(T, "anonymous", "ad\u0000min", "auth.login")
                        .target("api_key", "k\ud800")
                        .requestId("req_1")
                        .detail("path", "api/v1/x\u0000y")
                        .detail("nested", Map.of("k\u0000", List.of("\udc00")))
                        .usage(
                                new GatewayUsage(
                                        "key",
                                        null,
                                        null,
                                        "m\u0000",
                                        null,
                                        400,
                                        0,
                                        0,
                                        false,
                                        0,
                                        1,
                                        0,
                                        null,
                                        false,
                                        false,
                                        versions(null, null)))
                        .content(Map.of("messages", List.of("hi\u0000")), null)
                        .build();
        assertThat(e.actor()).isEqualTo("ad\\u0000min");
        assertThat(e.targetId()).isEqualTo("k\\ud800");
        assertThat(e.details().get("path")).isEqualTo("api/v1/x\\u0000y");
        assertThat(e.details().get("nested")).isEqualTo(Map.of("k\\u0000", List.of("\\udc00")));
        assertThat(e.usage().model()).isEqualTo("m\\u0000");
        assertThat(e.content()).isEqualTo(Map.of("messages", List.of("hi\\u0000")));
        assertThat(e.details().get(AuditEvent.ESCAPED_DETAIL))
                .isEqualTo(List.of("actor", "targetId", "details", "usage", "content"));
    }

    @Test
    void cleanEventsAreLeftAlone() {
        GatewayUsage u =
                new GatewayUsage(
                        "key",
                        "r",
                        "p",
                        "m",
                        "eu",
                        200,
                        1,
                        2,
                        false,
                        3,
                        4,
                        5,
                        null,
                        false,
                        false,
                        versions("pv", null));
        Map<String, Object> content = Map.of("messages", List.of("caf\u00e9 \ud83d\ude00"));
        AuditEvent e =
                AuditEvent.of(T, "user", "alice", "key.create")
                        .detail("text", "\\u0000 typed by a person")
                        .usage(u)
                        .content(content, null)
                        .build();
        assertThat(e.usage()).isSameAs(u);
        assertThat(e.content()).isSameAs(content);
        assertThat(e.details()).doesNotContainKey(AuditEvent.ESCAPED_DETAIL);
    }

    @Test
    void withDetailAddsOnceAndKeepsTheRest() {
        AuditEvent e = AuditEvent.of(T, "user", "alice", "x").detail("a", 1L).build();
        AuditEvent more = e.withDetail("client.request_id", "c-1");
        assertThat(more.details()).containsEntry("a", 1L).containsEntry("client.request_id", "c-1");
        assertThat(more.withDetail("client.request_id", "other")).isSameAs(more);
    }

    /** Prompt and policy versions by lineage key, as the stages report them (null: none). */
    private static java.util.Map<String, String> versions(String prompt, String policy) {
        java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put(io.gatehouse.audit.LineageKeys.PROMPT_VERSION, prompt);
        v.put(io.gatehouse.audit.LineageKeys.POLICY_VERSION, policy);
        return v;
    }
}
