package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.GatewayRequestLog.Grouping;
import io.gatehouse.audit.GatewayUsage;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit table's indexes are a per-request cost (every answered /v1 request writes one event),
 * so each one must serve a reader and the readers must reach them. The chain looks like a tenant's
 * in production (thousands of gateway events, a few governance events) and the table is analyzed,
 * so the planner chooses as it would there; plans are taken with sequential scans off and, where it
 * matters, as the generic plan a prepared statement ends up with.
 */
class AuditIndexPlanIT {
    private static final int GATEWAY_EVENTS = 6_000;
    private static ChainFixture fixture;
    private static String chain;

    @BeforeAll
    static void aTenantChainWithMostlyGatewayEvents() throws Exception {
        fixture = new ChainFixture();
        chain = fixture.chain;
        GatewayUsage usage =
                new GatewayUsage(
                        "k1",
                        "bench",
                        "sandbox",
                        "echo-1",
                        "eu",
                        200,
                        12,
                        12,
                        false,
                        0,
                        1,
                        1,
                        null,
                        false,
                        false,
                        versions(null, "demo@v1"));
        try (Connection c = Db.asApp()) {
            for (int done = 0; done < GATEWAY_EVENTS; done += 500) {
                List<ChainAppender.Pending> batch = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    batch.add(
                            ChainAppender.Pending.of(
                                    AuditEvent.of(
                                                    fixture.tenant,
                                                    "api_key",
                                                    "k1",
                                                    LineageKeys.ACTION_GATEWAY_REQUEST)
                                            .requestId("req_plan_" + (done + i))
                                            .usage(usage)
                                            .build(),
                                    ContentRetention.NONE));
                }
                ChainFixture.append(c, batch);
            }
        }
        fixture.appendEvents(
                fixture.event("change.approve").build(), fixture.event("change.publish").build());
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement()) {
            st.execute("ANALYZE audit_events");
        }
    }

    @Test
    void searchingForAGovernanceActionUsesThePerChainIndexOfNonGatewayActions() throws Exception {
        EventRows.Query q =
                EventRows.searchQuery(
                        chain,
                        new EventRows.Filter(
                                null,
                                null,
                                "change.approve",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                50));
        // a generic plan knows no parameter values: only the spelled-out predicate lets it use the
        // index
        assertThat(plan(q.sql(), q.args(), true)).contains("audit_events_chain_action");
    }

    @Test
    void searchingForGatewayRequestsReadsTheChainNewestFirst() throws Exception {
        EventRows.Query q =
                EventRows.searchQuery(
                        chain,
                        new EventRows.Filter(
                                null,
                                null,
                                "gateway.request",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                50));
        assertThat(q.sql()).doesNotContain("<>");
        assertThat(plan(q.sql(), q.args(), false))
                .contains("Index Scan Backward using audit_events_pkey");
    }

    @Test
    void usageAndRecentRequestsReadTheTenantsChainByTime() throws Exception {
        String from = "2026-11-01T00:00:00Z";
        String to = "2026-12-01T00:00:00Z";
        assertThat(
                        plan(
                                JdbcGatewayRequestLog.usageSql(Grouping.ROUTE, false),
                                List.of(chain, from, to),
                                true))
                .contains("audit_events_chain_time");
        assertThat(plan(JdbcGatewayRequestLog.RECENT_SQL, List.of(chain, 20), true))
                .contains("audit_events_chain_time");
    }

    /**
     * Lineage from a version: a prompt's by equality on V12's index, a policy version (one element
     * of the event's list) on V61's GIN index over (chain, element), not by reading the whole
     * chain.
     */
    @Test
    void lineageFromAPromptOrPolicyVersionUsesItsIndex() throws Exception {
        List<ChainAppender.Pending> rare = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rare.add(
                    ChainAppender.Pending.of(
                            AuditEvent.of(
                                            fixture.tenant,
                                            "api_key",
                                            "k1",
                                            LineageKeys.ACTION_GATEWAY_REQUEST)
                                    .requestId("req_plan_rare_" + i)
                                    .usage(usageUnder("support/v3", "demo@v1,pii@v3"))
                                    .build(),
                            ContentRetention.NONE));
        }
        try (Connection c = Db.asApp()) {
            ChainFixture.append(c, rare);
        }
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement()) {
            st.execute("ANALYZE audit_events");
        }
        assertThat(
                        plan(
                                LineageRows.requestsByVersionSql(LineageKeys.POLICY_VERSION, false),
                                List.of(chain, "pii@v3", 101),
                                false))
                .contains("audit_events_policy_lineage");
        assertThat(
                        plan(
                                LineageRows.requestsByVersionSql(LineageKeys.POLICY_VERSION, true),
                                List.of(chain, "pii@v3", Long.MAX_VALUE, 101),
                                false))
                .contains("audit_events_policy_lineage");
        assertThat(
                        plan(
                                LineageRows.requestsByVersionSql(LineageKeys.PROMPT_VERSION, false),
                                List.of(chain, "support/v3", 101),
                                true))
                .contains("audit_events_prompt_version");
        try (Connection c = Db.asApp()) {
            assertThat(
                            LineageRows.requestsByVersion(
                                    c, chain, LineageKeys.POLICY_VERSION, "pii@v3", null, 100))
                    .hasSize(5);
        }
    }

    /**
     * A policy version many tenants share (global:base@v1), or one every request of the chain ran
     * under (demo@v1): the lookup reads the caller's chain only, as the custom plan and as the
     * generic plan a prepared statement ends up with (no value known). V59's index held every
     * chain's lists, so the chain was filtered out row by row after the whole version was read.
     */
    @Test
    void aVersionOtherTenantsShareIsLookedUpInTheCallersChainOnly() throws Exception {
        ChainFixture other = new ChainFixture();
        try (Connection c = Db.asApp()) {
            for (int done = 0; done < 3_000; done += 500) {
                List<ChainAppender.Pending> batch = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    batch.add(
                            ChainAppender.Pending.of(
                                    AuditEvent.of(
                                                    other.tenant,
                                                    "api_key",
                                                    "k2",
                                                    LineageKeys.ACTION_GATEWAY_REQUEST)
                                            .requestId("req_plan_other_" + (done + i))
                                            .usage(usageUnder(null, "global:base@v1"))
                                            .build(),
                                    ContentRetention.NONE));
                }
                ChainFixture.append(c, batch);
            }
            List<ChainAppender.Pending> ours = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ours.add(
                        ChainAppender.Pending.of(
                                AuditEvent.of(
                                                fixture.tenant,
                                                "api_key",
                                                "k1",
                                                LineageKeys.ACTION_GATEWAY_REQUEST)
                                        .requestId("req_plan_shared_" + i)
                                        .usage(usageUnder(null, "demo@v1,global:base@v1"))
                                        .build(),
                                ContentRetention.NONE));
            }
            ChainFixture.append(c, ours);
        }
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement()) {
            st.execute("ANALYZE audit_events");
        }
        for (String version : List.of("global:base@v1", "demo@v1")) {
            for (boolean generic : List.of(true, false)) {
                for (boolean before : List.of(false, true)) {
                    List<Object> args =
                            before
                                    ? List.of(chain, version, Long.MAX_VALUE, 101)
                                    : List.of(chain, version, 101);
                    String plan =
                            plan(
                                    LineageRows.requestsByVersionSql(
                                            LineageKeys.POLICY_VERSION, before),
                                    args,
                                    generic);
                    assertReadsOnlyTheChain(
                            version + (generic ? " generic" : " custom") + ":\n" + plan, plan);
                }
            }
        }
        try (Connection c = Db.asApp()) {
            assertThat(
                            LineageRows.requestsByVersion(
                                    c,
                                    chain,
                                    LineageKeys.POLICY_VERSION,
                                    "global:base@v1",
                                    null,
                                    100))
                    .hasSize(3);
        }
    }

    /**
     * The plan reads audit_events by an index whose condition names the chain: the chain's part of
     * V61's index, or the primary key (chain_id, seq) newest first, which stops at the LIMIT; an
     * index condition on the version alone reads every chain's entries for it.
     */
    private static void assertReadsOnlyTheChain(String what, String plan) {
        assertThat(plan).as(what).doesNotContain("Seq Scan");
        boolean someIndexCondOnTheChain = false;
        for (String line : plan.split("\n")) {
            if (line.contains("Index Cond:")) {
                boolean chainBound = line.contains("chain_id = ");
                someIndexCondOnTheChain |= chainBound;
                if (line.contains("string_to_array")) {
                    assertThat(chainBound).as(what).isTrue();
                }
            }
        }
        assertThat(someIndexCondOnTheChain).as(what).isTrue();
    }

    private static GatewayUsage usageUnder(String prompt, String policy) {
        return new GatewayUsage(
                "k1",
                "bench",
                "sandbox",
                "echo-1",
                "eu",
                200,
                12,
                12,
                false,
                0,
                1,
                1,
                null,
                false,
                false,
                versions(prompt, policy));
    }

    @Test
    void aGatewayEventEntersOnlyTheIndexesItsReadersNeed() throws Exception {
        List<String> unconditional = new ArrayList<>();
        try (Connection c = Db.asApp();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                                        + " WHERE x.indrelid = 'audit_events'::regclass AND x.indpred IS NULL"
                                        + " ORDER BY 1")) {
            while (rs.next()) {
                unconditional.add(rs.getString(1));
            }
        }
        // A new index here is paid by every request: add it on purpose, with its reader (see V41).
        assertThat(unconditional)
                .containsExactly(
                        "audit_events_chain_time",
                        "audit_events_event_id_key",
                        "audit_events_pkey",
                        "audit_events_request");
        // The partial ones are paid by the events they match: a gateway event enters key_time,
        // and prompt_version and policy_lineage when it ran under a prompt or policy version.
        List<String> partial = new ArrayList<>();
        try (Connection c = Db.asApp();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                                        + " WHERE x.indrelid = 'audit_events'::regclass AND x.indpred IS NOT NULL"
                                        + " ORDER BY 1")) {
            while (rs.next()) {
                partial.add(rs.getString(1));
            }
        }
        assertThat(partial)
                .containsExactly(
                        "audit_events_chain_action",
                        "audit_events_chain_actor",
                        "audit_events_change",
                        "audit_events_change_policy_version",
                        "audit_events_change_prompt_version",
                        // only evaluation traffic (details.evaluationOf) enters it: V68
                        "audit_events_evaluation_of",
                        "audit_events_key_time",
                        "audit_events_policy_lineage",
                        "audit_events_prompt_version");
    }

    /**
     * EXPLAIN EXECUTE of the statement prepared as the application sends it ({@code ?} become
     * {@code $n}), as the generic plan (no parameter values) or a custom plan for these values.
     */
    private static String plan(String sql, List<Object> args, boolean generic) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        assertThat(n).isEqualTo(args.size());
        StringJoiner values = new StringJoiner(", ");
        for (Object a : args) {
            values.add("'" + a.toString().replace("'", "''") + "'");
        }
        try (Connection c = Db.asApp();
                Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            st.execute(
                    "SET plan_cache_mode = "
                            + (generic ? "force_generic_plan" : "force_custom_plan"));
            st.execute("PREPARE plan_probe AS " + numbered);
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE plan_probe(" + values + ")")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            return out.toString();
        }
    }

    /** Prompt and policy versions by lineage key, as the stages report them (null: none). */
    private static java.util.Map<String, String> versions(String prompt, String policy) {
        java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put(io.gatehouse.audit.LineageKeys.PROMPT_VERSION, prompt);
        v.put(io.gatehouse.audit.LineageKeys.POLICY_VERSION, policy);
        return v;
    }
}
