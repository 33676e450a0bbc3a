package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.LineageKeys;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The lineage graph read from the chain itself: gateway events carry their prompt and policy
 * versions, provider and model; governance events carry their change id (and, on publish, the
 * version they made live) in their details. Every query names the chain.
 */
public final class LineageRows {
    private LineageRows() {}

    /** Every event of a request, in seq order. */
    public static List<Map<String, Object>> requestEvents(
            Connection c, String chain, String requestId) throws SQLException {
        return EventRows.list(
                c,
                "SELECT "
                        + EventRowMapper.COLUMNS
                        + " FROM audit_events WHERE chain_id = ? AND request_id = ?"
                        + " ORDER BY seq LIMIT 1000",
                List.of(chain, requestId));
    }

    /** Governance events naming a prompt or policy version in their details (detail key given). */
    public static List<Map<String, Object>> versionEvents(
            Connection c, String chain, String detailKey, String version) throws SQLException {
        if (!detailKey.equals("promptVersion") && !detailKey.equals("policyVersion")) {
            throw new IllegalArgumentException(detailKey);
        }
        return EventRows.list(
                c,
                "SELECT "
                        + EventRowMapper.COLUMNS
                        + " FROM audit_events WHERE chain_id = ?"
                        + " AND details ?? '"
                        + detailKey
                        + "' AND details ->> '"
                        + detailKey
                        + "' = ?"
                        + " ORDER BY seq LIMIT 1000",
                List.of(chain, version));
    }

    /** Every event of the given changes, in seq order. */
    public static List<Map<String, Object>> changeEvents(
            Connection c, String chain, Collection<String> changeIds) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : changeIds) {
            out.addAll(
                    EventRows.list(
                            c,
                            "SELECT "
                                    + EventRowMapper.COLUMNS
                                    + " FROM audit_events WHERE chain_id = ?"
                                    + " AND details ?? 'changeId' AND details ->> 'changeId' = ? ORDER BY seq LIMIT 1000",
                            List.of(chain, id)));
        }
        return out;
    }

    /**
     * How a gateway event names the version of each lineage key that served it: a prompt's column
     * holds exactly one (equality, answered by V12's index in seq order); the policy column holds
     * every policy version the request ran under ("a@v2,global:base@v1"), so the match is on one
     * whole element of that list, never a prefix or substring (answered by V59's GIN index).
     */
    private static final Map<String, String> VERSION_MATCH =
            Map.of(
                    LineageKeys.PROMPT_VERSION,
                    "prompt_version = ?",
                    LineageKeys.POLICY_VERSION,
                    "policy_version IS NOT NULL"
                            + " AND string_to_array(policy_version, ',') @> ARRAY[CAST(? AS text)]");

    /**
     * Gateway requests served under a version of {@code lineageKey} (LineageKeys: a prompt or a
     * policy version) in one chain, newest first, keyset-paged by seq.
     */
    public static List<Map<String, Object>> requestsByVersion(
            Connection c,
            String chain,
            String lineageKey,
            String version,
            Long beforeSeq,
            int limit)
            throws SQLException {
        List<Object> args = new ArrayList<>(List.of(chain, version));
        if (beforeSeq != null) {
            args.add(beforeSeq);
        }
        args.add(limit + 1);
        return EventRows.list(c, requestsByVersionSql(lineageKey, beforeSeq != null), args);
    }

    /**
     * The statement of {@link #requestsByVersion}: chain, version, [before seq,] limit (kept apart
     * so that AuditIndexPlanIT can check its plan).
     */
    static String requestsByVersionSql(String lineageKey, boolean before) {
        String match = VERSION_MATCH.get(lineageKey);
        if (match == null) {
            throw new IllegalArgumentException(lineageKey);
        }
        return "SELECT "
                + EventRowMapper.COLUMNS
                + " FROM audit_events WHERE chain_id = ? AND "
                + match
                + (before ? " AND seq < ?" : "")
                + " ORDER BY seq DESC LIMIT ?";
    }

    /** Approvals given by a reviewer, newest first, keyset-paged by seq. */
    public static List<Map<String, Object>> approvalsBy(
            Connection c, String chain, String reviewer, Long beforeSeq, int limit)
            throws SQLException {
        List<Object> args = new ArrayList<>(List.of(chain, reviewer));
        String sql =
                "SELECT "
                        + EventRowMapper.COLUMNS
                        + " FROM audit_events WHERE chain_id = ? AND actor = ?"
                        + " AND action = 'change.approve' AND action LIKE 'change.%'";
        if (beforeSeq != null) {
            sql += " AND seq < ?";
            args.add(beforeSeq);
        }
        args.add(limit + 1);
        return EventRows.list(c, sql + " ORDER BY seq DESC LIMIT ?", args);
    }

    /**
     * The gateway requests of one evaluation run that ran a case against a change (issue 23).
     *
     * @param runId the run (details.evaluationRun)
     * @param requests how many requests the run made against the change
     * @param firstAt the first one's time
     * @param lastAt the last one's time
     * @param requestIds the first of them, in seq order (at most what was asked for)
     */
    public record EvaluationRunRequests(
            String runId, long requests, String firstAt, String lastAt, List<String> requestIds) {}

    /**
     * The gateway requests that ran a case against {@code changeId} (details.evaluationOf, answered
     * by V68's partial index), grouped by run in the order the runs began: at most {@code runs}
     * runs, each with its count, first and last time and its first {@code perRun} request ids.
     */
    public static List<EvaluationRunRequests> evaluationRequests(
            Connection c, String chain, String changeId, int perRun, int runs) throws SQLException {
        String sql =
                "SELECT run, request_id, n, first_at, last_at FROM ("
                        + " SELECT details ->> 'evaluationRun' AS run, request_id, seq,"
                        + " count(*) OVER w AS n, min(seq) OVER w AS first_seq,"
                        + " min(occurred_at) OVER w AS first_at, max(occurred_at) OVER w AS last_at,"
                        + " row_number() OVER (w ORDER BY seq) AS rn"
                        + " FROM audit_events WHERE chain_id = ? AND details ?? 'evaluationOf'"
                        + " AND details ->> 'evaluationOf' = ? AND action = 'gateway.request'"
                        + " WINDOW w AS (PARTITION BY details ->> 'evaluationRun')"
                        + ") t WHERE rn <= ? ORDER BY first_seq, rn";
        java.util.Map<String, EvaluationRunRequests> byRun = new java.util.LinkedHashMap<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, chain);
            ps.setString(2, changeId);
            ps.setInt(3, perRun);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String run = rs.getString(1);
                    if (run == null || !byRun.containsKey(run) && byRun.size() >= runs) {
                        continue;
                    }
                    EvaluationRunRequests r = byRun.get(run);
                    if (r == null) {
                        r =
                                new EvaluationRunRequests(
                                        run,
                                        rs.getLong(3),
                                        time(rs, 4),
                                        time(rs, 5),
                                        new ArrayList<>());
                        byRun.put(run, r);
                    }
                    r.requestIds().add(rs.getString(2));
                }
            }
        }
        List<EvaluationRunRequests> out = new ArrayList<>();
        byRun.values()
                .forEach(
                        r ->
                                out.add(
                                        new EvaluationRunRequests(
                                                r.runId(),
                                                r.requests(),
                                                r.firstAt(),
                                                r.lastAt(),
                                                List.copyOf(r.requestIds()))));
        return out;
    }

    private static String time(java.sql.ResultSet rs, int column) throws SQLException {
        java.time.OffsetDateTime t = rs.getObject(column, java.time.OffsetDateTime.class);
        return t == null ? null : ChainAppender.formatTime(t.toInstant());
    }
}
