package io.gatehouse.audit.internal;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.audit.internal.persistence.AuditConnections;
import io.gatehouse.audit.internal.persistence.LineageRows;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers lineage questions from the chain: a response's request events lead to its prompt and
 * policy versions, provider and model; a version leads to the change requests whose publish named
 * it; a change leads to its events and approvers, and to its evaluation runs and their requests
 * (issue 23); an evaluation's request leads to its run and the change it tested.
 */
@ApplicationScoped
public class LineageService {
    @Inject AuditConnections db;

    /** Everything that led to the response of {@code requestId}; empty map when no such request. */
    public Map<String, Object> request(String chain, String requestId) {
        try {
            return db.reading(c -> request(c, chain, requestId));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    static Map<String, Object> request(Connection c, String chain, String requestId)
            throws SQLException {
        List<Map<String, Object>> events = LineageRows.requestEvents(c, chain, requestId);
        Map<String, Object> out = new LinkedHashMap<>();
        if (events.isEmpty()) {
            return out;
        }
        Set<String> promptVersions = new LinkedHashSet<>();
        Set<String> policyVersions = new LinkedHashSet<>();
        List<Map<String, Object>> served = new ArrayList<>();
        Set<String> testCallOf = new LinkedHashSet<>();
        Map<String, Object> evaluationRun = null;
        for (Map<String, Object> e : events) {
            if (e.get("details") instanceof Map<?, ?> d) {
                add(testCallOf, d.get(LineageKeys.TEST_CALL_OF));
                if (evaluationRun == null && d.get(LineageKeys.EVALUATION_RUN) != null) {
                    evaluationRun = evaluationRunOf(d);
                }
            }
            if (e.get("usage") instanceof Map<?, ?> u) {
                add(promptVersions, u.get("promptVersion"));
                // a request under several policies names them all: "a@v2,b@v1"
                if (u.get("policyVersion") != null) {
                    for (String v : u.get("policyVersion").toString().split(",")) {
                        add(policyVersions, v.isBlank() ? null : v.trim());
                    }
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("provider", u.get("provider"));
                s.put("model", u.get("model"));
                s.put("route", u.get("route"));
                s.put("region", u.get("region"));
                s.put("keyId", u.get("keyId"));
                s.put("statusCode", u.get("statusCode"));
                served.add(s);
            }
        }
        out.put("requestId", requestId);
        out.put("events", events);
        out.put("servedBy", served);
        out.put("promptVersions", versions(c, chain, LineageKeys.PROMPT_VERSION, promptVersions));
        out.put("policyVersions", versions(c, chain, LineageKeys.POLICY_VERSION, policyVersions));
        if (!testCallOf.isEmpty()) {
            // a test call through a draft: the change whose draft it ran with
            List<Map<String, Object>> drafts = new ArrayList<>();
            for (String id : testCallOf) {
                drafts.add(change(c, chain, id));
            }
            out.put("testCallOf", drafts);
        }
        if (evaluationRun != null) {
            // an evaluation's call: its run, and the change the run tested with that run's
            // summary (its start and finish, from the change's lineage)
            Object changeId = evaluationRun.get("changeId");
            if (changeId != null) {
                Map<String, Object> change = change(c, chain, changeId.toString());
                if (change.get("evaluationRuns") instanceof List<?> runs) {
                    for (Object r : runs) {
                        if (r instanceof Map<?, ?> run
                                && evaluationRun.get("runId").equals(run.get("runId"))) {
                            evaluationRun.put("startedAt", run.get("startedAt"));
                            evaluationRun.put("finishedAt", run.get("finishedAt"));
                            evaluationRun.put("status", run.get("status"));
                        }
                    }
                }
                out.put("evaluationOf", change);
            }
            out.put("evaluationRun", evaluationRun);
        }
        return out;
    }

    /** An evaluation's gateway request's run, case and side, and the change it tested if any. */
    private static Map<String, Object> evaluationRunOf(Map<?, ?> d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", d.get(LineageKeys.EVALUATION_RUN).toString());
        m.put("caseId", d.get(LineageKeys.EVALUATION_CASE));
        m.put("side", d.get(LineageKeys.EVALUATION_SIDE));
        Object of = d.get(LineageKeys.EVALUATION_OF);
        m.put("changeId", of == null ? null : of.toString());
        m.put("revision", d.get(LineageKeys.EVALUATION_REVISION));
        return m;
    }

    private static List<Map<String, Object>> versions(
            Connection c, String chain, String key, Set<String> versions) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String v : versions) {
            Set<String> changeIds = new LinkedHashSet<>();
            for (Map<String, Object> e : LineageRows.versionEvents(c, chain, key, v)) {
                if (e.get("details") instanceof Map<?, ?> d) {
                    add(changeIds, d.get(LineageKeys.CHANGE_ID));
                }
            }
            List<Map<String, Object>> changes = new ArrayList<>();
            for (String id : changeIds) {
                changes.add(change(c, chain, id));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", v);
            m.put("changes", changes);
            out.add(m);
        }
        return out;
    }

    /** A change request as the chain tells it: its events and its approvers. */
    static Map<String, Object> change(Connection c, String chain, String changeId)
            throws SQLException {
        List<Map<String, Object>> events = LineageRows.changeEvents(c, chain, List.of(changeId));
        Set<String> approvers = new LinkedHashSet<>();
        String author = null;
        for (Map<String, Object> e : events) {
            if (LineageKeys.ACTION_APPROVE.equals(e.get("action"))
                    && "success".equals(e.get("outcome"))) {
                add(approvers, e.get("actor"));
            }
            if (author == null
                    && e.get("action") instanceof String a
                    && a.equals("change.create")) {
                author = (String) e.get("actor");
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changeId", changeId);
        m.put("author", author);
        m.put("approvers", List.copyOf(approvers));
        m.put("events", events);
        m.put("evaluationRuns", evaluationRuns(c, chain, changeId, events));
        return m;
    }

    /** Request ids listed per evaluation run of a change (its count is always whole). */
    static final int REQUESTS_PER_RUN = 50;

    /** Evaluation runs listed per change. */
    static final int RUNS_PER_CHANGE = 100;

    /**
     * A change's evaluation runs (issue 23), in the order they began: from the run's own events
     * ({@code evaluation.run.start} / {@code .finish}, which carry the change's id and are among
     * its events) and from the gateway requests that ran a case against it ({@code
     * details.evaluationOf}). Each with its start and finish, status (as its finish event says),
     * how many requests it made against the change and the first of their ids.
     */
    private static List<Map<String, Object>> evaluationRuns(
            Connection c, String chain, String changeId, List<Map<String, Object>> events)
            throws SQLException {
        Map<String, Map<String, Object>> runs = new LinkedHashMap<>();
        for (Map<String, Object> e : events) {
            if (e.get("action") instanceof String a
                    && a.startsWith(LineageKeys.ACTION_EVALUATION_RUN)
                    && e.get("details") instanceof Map<?, ?> d
                    && d.get(LineageKeys.RUN_ID) != null) {
                Map<String, Object> run = run(runs, d.get(LineageKeys.RUN_ID).toString());
                if (a.endsWith(".start")) {
                    run.put("startedAt", e.get("time"));
                } else if (a.endsWith(".finish")) {
                    run.put("finishedAt", e.get("time"));
                    run.put("status", d.get("status"));
                }
            }
        }
        for (LineageRows.EvaluationRunRequests r :
                LineageRows.evaluationRequests(
                        c, chain, changeId, REQUESTS_PER_RUN, RUNS_PER_CHANGE)) {
            Map<String, Object> run = run(runs, r.runId());
            run.put("requests", r.requests());
            run.put("requestIds", r.requestIds());
            if (run.get("startedAt") == null) {
                run.put("startedAt", r.firstAt());
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> run : runs.values()) {
            run.putIfAbsent("requests", 0L);
            run.putIfAbsent("requestIds", List.of());
            out.add(run);
            if (out.size() >= RUNS_PER_CHANGE) {
                break;
            }
        }
        return out;
    }

    private static Map<String, Object> run(Map<String, Map<String, Object>> runs, String runId) {
        return runs.computeIfAbsent(
                runId,
                k -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("runId", k);
                    m.put("status", null);
                    m.put("startedAt", null);
                    m.put("finishedAt", null);
                    return m;
                });
    }

    /** Requests served under a version of {@code lineageKey} (LineageKeys), newest first. */
    public List<Map<String, Object>> requestsByVersion(
            String chain, String lineageKey, String version, Long beforeSeq, int limit) {
        try {
            return db.reading(
                    c ->
                            LineageRows.requestsByVersion(
                                    c, chain, lineageKey, version, beforeSeq, limit));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    /** Approvals by a reviewer, each with its change (events and approvers). */
    public List<Map<String, Object>> changesApprovedBy(
            String chain, String reviewer, Long beforeSeq, int limit) {
        try {
            return db.reading(
                    c -> {
                        List<Map<String, Object>> out = new ArrayList<>();
                        for (Map<String, Object> approval :
                                LineageRows.approvalsBy(c, chain, reviewer, beforeSeq, limit)) {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("seq", approval.get("seq"));
                            m.put("approvedAt", approval.get("time"));
                            Object changeId =
                                    approval.get("details") instanceof Map<?, ?> d
                                            ? d.get(LineageKeys.CHANGE_ID)
                                            : null;
                            m.put("changeId", changeId);
                            m.put("target", approval.get("targetId"));
                            m.put(
                                    "change",
                                    changeId == null
                                            ? null
                                            : change(c, chain, changeId.toString()));
                            out.add(m);
                        }
                        return out;
                    });
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    private static void add(Set<String> set, Object v) {
        if (v != null) {
            set.add(v.toString());
        }
    }
}
