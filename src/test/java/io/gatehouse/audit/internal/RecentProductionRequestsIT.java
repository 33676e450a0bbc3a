package io.gatehouse.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.audit.internal.persistence.ChainFixture;
import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy replay's window of recent requests holds production traffic only (issue 23 review,
 * finding 5): a gateway request made for an evaluation run or a drift canary ({@code
 * evaluationRun}) or as a test call through a draft ({@code testCallOf}) is not among {@code
 * RetainedRequests.recent}'s rows, so a hundred synthetic requests cannot push the tenant's own out
 * of the window the evidence replays.
 */
class RecentProductionRequestsIT {

    @Test
    void evaluationCanaryAndTestCallRequestsAreNotRecentProductionRequests() throws Exception {
        ChainFixture f = new ChainFixture();
        AuditEvent production = request(f, "req-production").build();
        AuditEvent evaluation =
                request(f, "req-evaluation")
                        .detail(LineageKeys.EVALUATION_RUN, "6d1f0f5e-0000-4000-8000-000000000001")
                        .build();
        AuditEvent testCall =
                request(f, "req-test-call")
                        .detail(LineageKeys.TEST_CALL_OF, "6d1f0f5e-0000-4000-8000-000000000002")
                        .build();
        f.appendEvents(production, evaluation, testCall);

        assertThat(requestIds(DefaultRetainedRequests.RECENT_SQL, f.chain))
                .containsExactly("req-production");
        // the rows of a request id asked for by name (capture) are not filtered
        List<String> byIds = new ArrayList<>();
        try (Connection c = Db.asApp();
                PreparedStatement ps = c.prepareStatement(DefaultRetainedRequests.BY_IDS_SQL)) {
            ps.setString(1, f.chain);
            ps.setArray(2, c.createArrayOf("text", new String[] {"req-evaluation"}));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byIds.add(rs.getString(1));
                }
            }
        }
        assertThat(byIds).containsExactly("req-evaluation");
    }

    static AuditEvent.Builder request(ChainFixture f, String requestId) {
        return AuditEvent.of(f.tenant, "api_key", "k1", LineageKeys.ACTION_GATEWAY_REQUEST)
                .requestId(requestId);
    }

    static List<String> requestIds(String sql, String chain) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = Db.asApp();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, chain);
            ps.setInt(2, 100);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
