package io.gatehouse.routing.internal.mcp;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.routing.internal.persistence.McpHeldCallRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The state changes of held calls, each in one transaction with its audit event and, for a
 * decision, its message on the change feed (topic {@value McpHeldCalls#TOPIC}, key: the call's id),
 * so the instance holding the client's stream learns of it only once it is durable.
 */
@ApplicationScoped
public class McpHeldCallDecisions {
    @Inject McpHeldCallRows rows;
    @Inject AuditRecorder audit;
    @Inject ChangeFeed feed;

    /**
     * Writes a held call and its event {@code mcp.tool_call.held} (made for the deadline the
     * database set: now + {@code timeout}); 429 past the key's bound. The deadline.
     */
    @Transactional
    public Instant hold(
            McpHeldCallRows.Row row,
            JsonArray scope,
            int maxPerKey,
            Duration timeout,
            Function<Instant, AuditEvent> held) {
        if (rows.heldOfKey(row.keyId()) >= maxPerKey) {
            throw new GatehouseException(
                    429,
                    "too_many_held_calls",
                    "This key already has "
                            + maxPerKey
                            + " calls waiting for approval; wait for a decision before calling again");
        }
        Instant deadline = rows.insert(row, scope, timeout);
        audit.recordInTransaction(held.apply(deadline));
        return deadline;
    }

    /**
     * Approves or refuses a call still held and within its deadline, with its event (actor: the
     * reviewer; request id: the call's, so the call's lineage shows it); empty when it was not.
     */
    @Transactional
    public Optional<McpHeldCallRows.Row> decide(
            Caller reviewer,
            McpHeldCallRows.Row call,
            boolean approve,
            String comment,
            String reviewRequestId) {
        Optional<McpHeldCallRows.Row> decided =
                rows.decide(
                        call.tenant(),
                        call.id(),
                        approve ? "approved" : "refused",
                        reviewer.subject(),
                        comment);
        if (decided.isPresent()) {
            audit.recordInTransaction(
                    McpHeldCalls.event(
                                    AuditEvent.by(
                                            reviewer,
                                            approve
                                                    ? "mcp.held_call.approved"
                                                    : "mcp.held_call.refused"),
                                    call)
                            .detail("review.comment", comment)
                            .detail("review.request_id", reviewRequestId)
                            .build());
            feed.publish(McpHeldCalls.TOPIC, call.tenant(), call.id().toString());
        }
        return decided;
    }

    /**
     * Expires held calls past their deadline (any instance's: a dead instance's rows too), each
     * with its event {@code mcp.held_call.expired} and its message on the feed.
     */
    @Transactional
    public List<McpHeldCallRows.Row> expireDue(int limit) {
        List<McpHeldCallRows.Row> expired = rows.expireDue(limit);
        for (McpHeldCallRows.Row r : expired) {
            audit.recordInTransaction(
                    McpHeldCalls.event(
                                    AuditEvent.of(
                                            r.tenant(),
                                            "system",
                                            "mcp-approval-timeout",
                                            "mcp.held_call.expired"),
                                    r)
                            .build());
            feed.publish(McpHeldCalls.TOPIC, r.tenant(), r.id().toString());
        }
        return expired;
    }
}
