package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GatewayRequestLog.recent} (the bench's replay over summaries) takes production requests
 * only, as {@code RetainedRequests.recent} does (issue 23 review, finding 5): no evaluation or
 * canary request ({@code evaluationRun}), no test call through a draft ({@code testCallOf}).
 */
class RecentGatewayRequestsIT {

    @Test
    void evaluationCanaryAndTestCallRequestsAreNotRecentRequests() throws Exception {
        ChainFixture f = new ChainFixture();
        f.appendEvents(
                request(f, "req-production").build(),
                request(f, "req-evaluation")
                        .detail(LineageKeys.EVALUATION_RUN, "6d1f0f5e-0000-4000-8000-000000000001")
                        .build(),
                request(f, "req-test-call")
                        .detail(LineageKeys.TEST_CALL_OF, "6d1f0f5e-0000-4000-8000-000000000002")
                        .build());
        List<String> ids = new ArrayList<>();
        try (Connection c = Db.asApp();
                PreparedStatement ps = c.prepareStatement(JdbcGatewayRequestLog.RECENT_SQL)) {
            ps.setString(1, f.chain);
            ps.setInt(2, 100);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        assertThat(ids).containsExactly("req-production");
    }

    static AuditEvent.Builder request(ChainFixture f, String requestId) {
        return AuditEvent.of(f.tenant, "api_key", "k1", LineageKeys.ACTION_GATEWAY_REQUEST)
                .requestId(requestId);
    }
}
