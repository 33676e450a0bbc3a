package io.gatehouse.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.audit.RetainedRequests;
import io.gatehouse.audit.internal.persistence.AuditConnections;
import io.gatehouse.audit.internal.persistence.ChainFixture;
import io.gatehouse.shared.Caller;
import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.sql.SQLException;
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

        DefaultRetainedRequests retained = overTheTestDatabase();
        Caller system = Caller.system("policy.evidence", f.tenant);
        RetainedRequests.Read read = new RetainedRequests.Read("policy.replay", "req-test");

        assertThat(retained.recent(system, 100, read))
                .extracting(RetainedRequests.Retained::requestId)
                .containsExactly("req-production");
        // the rows of a request id asked for by name (capture) are not filtered
        assertThat(retained.byRequestIds(system, List.of("req-evaluation"), read))
                .containsOnlyKeys("req-evaluation");
    }

    /**
     * The bean over the test database (the rows hold no content, so the read writes no audit event
     * and needs no recorder).
     */
    static DefaultRetainedRequests overTheTestDatabase() {
        DefaultRetainedRequests r = new DefaultRetainedRequests();
        r.db =
                new AuditConnections() {
                    @Override
                    public <T> T reading(Work<T> work) throws SQLException {
                        try (Connection c = Db.asApp()) {
                            return work.run(c);
                        }
                    }
                };
        return r;
    }

    static AuditEvent.Builder request(ChainFixture f, String requestId) {
        return AuditEvent.of(f.tenant, "api_key", "k1", LineageKeys.ACTION_GATEWAY_REQUEST)
                .requestId(requestId);
    }
}
