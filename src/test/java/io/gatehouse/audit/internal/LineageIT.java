package io.gatehouse.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.GatewayUsage;
import io.gatehouse.audit.internal.persistence.ChainFixture;
import io.gatehouse.audit.internal.persistence.LineageRows;
import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lineage graph answered from a chain holding governance and gateway events. */
class LineageIT {
    static final String PROMPT = io.gatehouse.audit.LineageKeys.PROMPT_VERSION;
    static final String POLICY = io.gatehouse.audit.LineageKeys.POLICY_VERSION;

    @Test
    void aResponseLeadsToItsPromptVersionChangeAndApprovers() throws Exception {
        ChainFixture f = new ChainFixture();
        ChainFixture other = new ChainFixture();
        f.appendEvents(
                AuditEvent.of(f.tenant, "user", "alice", "change.create")
                        .target("change", "c1")
                        .detail("changeId", "c1")
                        .detail("kind", "prompt")
                        .build(),
                AuditEvent.of(f.tenant, "user", "alice", "change.submit")
                        .target("change", "c1")
                        .detail("changeId", "c1")
                        .build(),
                AuditEvent.of(f.tenant, "user", "bob", "change.approve")
                        .target("change", "c1")
                        .detail("changeId", "c1")
                        .build(),
                AuditEvent.of(f.tenant, "user", "carol", "change.approve")
                        .target("change", "c1")
                        .detail("changeId", "c1")
                        .build(),
                AuditEvent.of(f.tenant, "user", "admin", "change.publish")
                        .target("change", "c1")
                        .detail("changeId", "c1")
                        .detail("promptVersion", "support@3")
                        .build(),
                AuditEvent.of(f.tenant, "user", "admin", "change.publish")
                        .target("change", "c2")
                        .detail("changeId", "c2")
                        .detail("policyVersion", "pol@7")
                        .build(),
                gateway(f, "req_a", "support@3", "pol@7"),
                gateway(f, "req_b", "support@3", "pol@7"),
                gateway(f, "req_c", "support@2", null));
        // The same ids in another tenant's chain never leak in.
        other.appendEvents(gateway(other, "req_a", "support@3", "pol@7"));

        try (Connection c = Db.asApp()) {
            Map<String, Object> l = LineageService.request(c, f.chain, "req_a");
            assertThat((List<?>) l.get("events")).hasSize(1);
            Map<?, ?> served = (Map<?, ?>) ((List<?>) l.get("servedBy")).get(0);
            assertThat(served.get("provider")).isEqualTo("sandbox");
            assertThat(served.get("model")).isEqualTo("echo-1");
            Map<?, ?> pv = (Map<?, ?>) ((List<?>) l.get("promptVersions")).get(0);
            assertThat(pv.get("version")).isEqualTo("support@3");
            Map<?, ?> change = (Map<?, ?>) ((List<?>) pv.get("changes")).get(0);
            assertThat(change.get("changeId")).isEqualTo("c1");
            assertThat(change.get("author")).isEqualTo("alice");
            assertThat(change.get("approvers")).isEqualTo(List.of("bob", "carol"));
            assertThat((List<?>) change.get("events")).hasSize(5);
            Map<?, ?> pol = (Map<?, ?>) ((List<?>) l.get("policyVersions")).get(0);
            assertThat(((Map<?, ?>) ((List<?>) pol.get("changes")).get(0)).get("changeId"))
                    .isEqualTo("c2");

            assertThat(LineageRows.requestsByVersion(c, f.chain, PROMPT, "support@3", null, 10))
                    .extracting(m -> m.get("requestId"))
                    .containsExactly("req_b", "req_a");
            assertThat(LineageRows.approvalsBy(c, f.chain, "bob", null, 10)).hasSize(1);
            assertThat(LineageRows.approvalsBy(c, f.chain, "alice", null, 10)).isEmpty();
            assertThat(LineageService.request(c, f.chain, "req_missing")).isEmpty();
            assertThat(LineageRows.requestsByVersion(c, other.chain, PROMPT, "support@3", null, 10))
                    .hasSize(1);
        }
    }

    @Test
    void aPolicyVersionFindsTheRequestsUnderItAsOneElementOfTheirList() throws Exception {
        ChainFixture f = new ChainFixture();
        ChainFixture other = new ChainFixture();
        f.appendEvents(
                gateway(f, "req_x", null, "pii@v3"),
                gateway(f, "req_y", null, "demo@v1,pii@v30"),
                gateway(f, "req_z", "support@3", "demo@v1,pii@v3"),
                gateway(f, "req_none", "support@3", null));
        other.appendEvents(gateway(other, "req_o", null, "pii@v3"));

        try (Connection c = Db.asApp()) {
            assertThat(LineageRows.requestsByVersion(c, f.chain, POLICY, "pii@v3", null, 10))
                    .extracting(m -> m.get("requestId"))
                    .containsExactly("req_z", "req_x");
            assertThat(LineageRows.requestsByVersion(c, f.chain, POLICY, "pii@v30", null, 10))
                    .extracting(m -> m.get("requestId"))
                    .containsExactly("req_y");
            assertThat(LineageRows.requestsByVersion(c, f.chain, POLICY, "demo@v1", null, 10))
                    .extracting(m -> m.get("requestId"))
                    .containsExactly("req_z", "req_y");
            for (String part : new String[] {"pii", "pii@v", "demo@v1,pii@v3", "%", ""}) {
                assertThat(LineageRows.requestsByVersion(c, f.chain, POLICY, part, null, 10))
                        .as(part)
                        .isEmpty();
            }
            // keyset paging: limit + 1 rows tell there is more; the cursor continues below
            List<Map<String, Object>> first =
                    LineageRows.requestsByVersion(c, f.chain, POLICY, "pii@v3", null, 1);
            assertThat(first).extracting(m -> m.get("requestId")).containsExactly("req_z", "req_x");
            long seq = ((Number) first.get(0).get("seq")).longValue();
            assertThat(LineageRows.requestsByVersion(c, f.chain, POLICY, "pii@v3", seq, 1))
                    .extracting(m -> m.get("requestId"))
                    .containsExactly("req_x");
            // only the chain asked for
            assertThat(LineageRows.requestsByVersion(c, other.chain, POLICY, "pii@v3", null, 10))
                    .extracting(m -> m.get("requestId"))
                    .containsExactly("req_o");
        }
    }

    static AuditEvent gateway(
            ChainFixture f, String requestId, String promptVersion, String policyVersion) {
        return AuditEvent.of(f.tenant, "api_key", "k1", "gateway.request")
                .requestId(requestId)
                .usage(
                        new GatewayUsage(
                                "k1",
                                "sandbox",
                                "sandbox",
                                "echo-1",
                                "local",
                                200,
                                5,
                                7,
                                false,
                                10,
                                20,
                                15,
                                null,
                                false,
                                false,
                                versions(promptVersion, policyVersion)))
                .build();
    }

    /** Prompt and policy versions by lineage key, as the stages report them (null: none). */
    private static java.util.Map<String, String> versions(String prompt, String policy) {
        java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put(io.gatehouse.audit.LineageKeys.PROMPT_VERSION, prompt);
        v.put(io.gatehouse.audit.LineageKeys.POLICY_VERSION, policy);
        return v;
    }
}
