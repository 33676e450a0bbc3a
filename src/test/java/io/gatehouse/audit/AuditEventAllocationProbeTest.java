package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.TenantId;
import io.gatehouse.testing.AllocationProbe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated on the request thread to build a gateway request's audit event (the call record's
 * share), with the details a governed chat request carries (an allocation probe counting bytes with
 * {@code ThreadMXBean.getThreadAllocatedBytes}, never time). Printed for docs/benchmarks.md; the
 * bound keeps issue 16's cuts from coming undone.
 */
class AuditEventAllocationProbeTest {
    static final TenantId TENANT =
            new TenantId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));

    static Map<String, Object> policyDetails() {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("entities", Map.of());
        policy.put("injection", Map.of("score_pct", 0L, "signals", List.of(), "obfuscated", false));
        policy.put("classification_in", 0);
        policy.put("tokens_estimate", 12L);
        policy.put("versions", List.of("demo-policy@v1"));
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("outcome", "allow");
        decision.put("matched", List.of());
        policy.put("input", decision);
        policy.put("classification", 0);
        policy.put("output_entities", Map.of());
        policy.put("output", new LinkedHashMap<>(decision));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("policy", policy);
        details.put("prompt", Map.of("rendered", false));
        return details;
    }

    static AuditEvent event(Map<String, Object> exchangeDetails) {
        return AuditEvent.of(
                        TENANT,
                        "api_key",
                        "5b3c2f0e-9f5d-4c1a-8e0b-0c6d2b1a9e77",
                        "gateway.request")
                .actorName("bench key", List.of())
                .target("route", "bench")
                .outcome(AuditEvent.Outcome.SUCCESS)
                .requestId("req-0123456789abcdef")
                .detail("operation", "chat")
                .detail("stream", false)
                .details(exchangeDetails)
                .usage(
                        new GatewayUsage(
                                "5b3c2f0e-9f5d-4c1a-8e0b-0c6d2b1a9e77",
                                "bench",
                                "upstream",
                                "bench-model",
                                "local",
                                200,
                                12,
                                20,
                                false,
                                32,
                                3,
                                1,
                                null,
                                false,
                                false,
                                Map.of(LineageKeys.POLICY_VERSION, "demo-policy@v1")))
                .build();
    }

    @Test
    void buildingAGatewayRequestsEvent() throws Exception {
        Map<String, Object> details = policyDetails();
        long bytes = bytesPerCall(() -> event(details).details().size());
        System.out.printf(
                "audit probe: building a gateway request's event %d bytes per request%n", bytes);
        assertThat(bytes).isPositive().isLessThanOrEqualTo(2_700); // 2,877 before the cut
    }

    static long bytesPerCall(LongSupplier call) throws Exception {
        return AllocationProbe.bytesPerCall(100_000, call::getAsLong);
    }
}
