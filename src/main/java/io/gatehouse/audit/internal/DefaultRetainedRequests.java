package io.gatehouse.audit.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.audit.RetainedRequests;
import io.gatehouse.audit.internal.persistence.AuditConnections;
import io.gatehouse.shared.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RetainedRequests} over {@code audit_events} joined with {@code audit_contents}, both
 * filtered by the caller's chain (a tenant's events are exactly its chain), so no other tenant's
 * row is ever read.
 */
@ApplicationScoped
public class DefaultRetainedRequests implements RetainedRequests {
    static final String COLUMNS =
            "SELECT e.request_id, e.occurred_at, e.key_id, e.route, e.details::text,"
                    + " e.content_hash, c.form, c.body::text FROM audit_events e"
                    + " LEFT JOIN audit_contents c ON c.chain_id = e.chain_id"
                    + " AND c.content_hash = e.content_hash"
                    + " WHERE e.chain_id = ? AND e.action = '"
                    + LineageKeys.ACTION_GATEWAY_REQUEST
                    + "'";

    /**
     * Production traffic only: not the requests of an evaluation run or drift canary, nor a
     * person's test calls through a draft (their events carry these detail keys).
     */
    static final String PRODUCTION =
            " AND e.details -> '"
                    + LineageKeys.EVALUATION_RUN
                    + "' IS NULL AND e.details -> '"
                    + LineageKeys.TEST_CALL_OF
                    + "' IS NULL";

    static final String BY_IDS_SQL =
            COLUMNS + " AND e.request_id = ANY (?) ORDER BY e.occurred_at DESC";

    static final String RECENT_SQL = COLUMNS + PRODUCTION + " ORDER BY e.occurred_at DESC LIMIT ?";

    /**
     * The most characters of bodies one read hands out (a replay of 1000 requests with large
     * conversations must not fill the heap): rows after that come without their body, as if not
     * retained (the replay falls back to their summaries).
     */
    static final long MAX_BODY_CHARS = 32L * 1024 * 1024;

    /** The most request ids one read takes (golden-set capture asks for at most 50). */
    static final int MAX_IDS = 1000;

    @Inject AuditConnections db;
    @Inject DefaultAuditRecorder recorder;

    @Override
    public Map<String, Retained> byRequestIds(
            Caller caller, Collection<String> requestIds, Read purpose) {
        Map<String, Retained> out = new LinkedHashMap<>();
        if (caller.tenant() == null || requestIds.isEmpty()) {
            return out;
        }
        if (requestIds.size() > MAX_IDS) {
            throw new IllegalArgumentException("At most " + MAX_IDS + " request ids");
        }
        List<Retained> rows =
                read(
                        c -> {
                            try (PreparedStatement ps = c.prepareStatement(BY_IDS_SQL)) {
                                ps.setString(1, caller.tenant().toString());
                                ps.setArray(
                                        2,
                                        c.createArrayOf("text", requestIds.toArray(new String[0])));
                                return rows(ps, purpose.redactedOnly());
                            }
                        });
        for (Retained r : rows) {
            out.putIfAbsent(r.requestId(), r);
        }
        audited(caller, out.values(), purpose);
        return out;
    }

    @Override
    public List<Retained> recent(Caller caller, int limit, Read purpose) {
        if (caller.tenant() == null || limit <= 0) {
            return List.of();
        }
        List<Retained> rows =
                read(
                        c -> {
                            try (PreparedStatement ps = c.prepareStatement(RECENT_SQL)) {
                                ps.setString(1, caller.tenant().toString());
                                ps.setInt(2, limit);
                                ps.setFetchSize(50); // streamed: bodies beyond the cap not held
                                return rows(ps, purpose.redactedOnly());
                            }
                        });
        audited(caller, rows, purpose);
        return rows;
    }

    private List<Retained> read(AuditConnections.Work<List<Retained>> work) {
        try {
            return db.reading(work);
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    /**
     * The rows; under {@code redactedOnly} a body kept in full form is withheld (form {@code full},
     * no body), so it is neither handed out nor named in the read's audit event.
     */
    private static List<Retained> rows(PreparedStatement ps, boolean redactedOnly)
            throws SQLException {
        List<Retained> out = new ArrayList<>();
        long chars = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp at = rs.getTimestamp(2);
                String form = rs.getString(7);
                String body = rs.getString(8);
                if (redactedOnly && "full".equals(form)) {
                    body = null;
                } else if (body != null && (chars += body.length()) > MAX_BODY_CHARS) {
                    form = null;
                    body = null;
                }
                out.add(
                        new Retained(
                                rs.getString(1),
                                at == null ? null : at.toInstant(),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                form,
                                body));
            }
        }
        return out;
    }

    /**
     * The read of bodies as evidence: one {@code audit.content.read} event by the caller naming
     * every body returned, durable before any is handed out (a failure fails the read, 503). A read
     * the system makes because of a person's action ({@link Read#triggeredBy}) is that person's:
     * the event's actor is the person, {@code content.via} the system caller that read, {@code
     * content.change_id} the change it was for.
     */
    private void audited(Caller caller, Collection<Retained> rows, Read read) {
        List<String> hashes = new ArrayList<>();
        for (Retained r : rows) {
            if (r.retained()) {
                hashes.add(r.contentHash());
            }
        }
        if (hashes.isEmpty()) {
            return;
        }
        AuditEvent.Builder e =
                read.triggeredBy() == null
                        ? AuditEvent.by(caller, "audit.content.read")
                        : AuditEvent.of(
                                        caller.tenant(),
                                        read.triggeredBy().startsWith("system:")
                                                ? "system"
                                                : "user",
                                        read.triggeredBy(),
                                        "audit.content.read")
                                .detail("content.via", caller.subject());
        if (read.changeId() != null) {
            e.detail("content.change_id", read.changeId());
        }
        recorder.record(
                e.target("audit_content", hashes.size() == 1 ? hashes.get(0) : null)
                        .requestId(read.requestId())
                        .detail("content.purpose", read.purpose())
                        .detail("content.hashes", hashes)
                        .build());
    }
}
