package io.gatehouse.audit.internal.persistence;

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

    /** Gateway requests served by a prompt version, newest first, keyset-paged by seq. */
    public static List<Map<String, Object>> requestsByPromptVersion(
            Connection c, String chain, String version, Long beforeSeq, int limit)
            throws SQLException {
        List<Object> args = new ArrayList<>(List.of(chain, version));
        String sql =
                "SELECT "
                        + EventRowMapper.COLUMNS
                        + " FROM audit_events WHERE chain_id = ? AND prompt_version = ?";
        if (beforeSeq != null) {
            sql += " AND seq < ?";
            args.add(beforeSeq);
        }
        args.add(limit + 1);
        return EventRows.list(c, sql + " ORDER BY seq DESC LIMIT ?", args);
    }

    /**
     * Gateway requests served under a policy version, newest first, keyset-paged by seq. The column
     * names every version a request ran under ("a@v2,global:base@v1"), so the match is on one
     * element of that list, never a prefix or substring. No index answers it (V41 dropped the
     * equality one): the chain is read newest first until a page is full.
     */
    public static List<Map<String, Object>> requestsByPolicyVersion(
            Connection c, String chain, String version, Long beforeSeq, int limit)
            throws SQLException {
        List<Object> args = new ArrayList<>(List.of(chain, version));
        String sql =
                "SELECT "
                        + EventRowMapper.COLUMNS
                        + " FROM audit_events WHERE chain_id = ? AND policy_version IS NOT NULL"
                        + " AND ? = ANY (string_to_array(policy_version, ','))";
        if (beforeSeq != null) {
            sql += " AND seq < ?";
            args.add(beforeSeq);
        }
        args.add(limit + 1);
        return EventRows.list(c, sql + " ORDER BY seq DESC LIMIT ?", args);
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
}
