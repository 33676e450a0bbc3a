package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.edge.Admission;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.CatalogSnapshot;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.GatewayExchange;
import java.util.List;

/**
 * One gateway request on its way through the pipeline: who asked, what was chosen and tried, and
 * what it used. {@link CallRecord} turns it into the request's single audit event and settlement.
 */
final class Call {
    final ClientKey key;
    // a person's call (a test call through a draft) or the tenant's evaluation actor rather than
    // the key's: the audit actor
    io.gatehouse.shared.Caller actor;
    // attached to the exchange before the first stage (a person's or an evaluation's call)
    io.gatehouse.routing.stage.StageOverrides overrides;
    // the draft a person's call tests (its audit event names it), else null
    io.gatehouse.routing.stage.TestCallOf testCallOf;
    // the evaluation run, case and side an evaluation call belongs to (its audit event names it,
    // the answer cache is never used for it), else null
    io.gatehouse.governance.EvaluationOf evaluationOf;
    final String requestId; // the server's id: lineage, canary bucketing
    final String clientRequestId; // the client's X-Request-Id, if safe: recorded, nothing else
    final String operation;
    // a client dialect's endpoint (audit details), null for chat and embeddings
    final String endpoint;
    final long startNanos = System.nanoTime();
    // the trace this request belongs to when tracing is on: recorded in its audit event
    final String traceId = GatewayTracing.currentTraceId();
    String requestedModel;
    String alias;
    String route; // the alias once it named a configured route: a bounded metrics label
    GatewayExchange exchange;
    CatalogSnapshot snapshot; // the tenant's catalog as this request sees it
    Admission admission;
    // the cost the admission reserved against the budgets, grown by a stream that outran it
    long reservedCostMicros;
    // a budget ended the stream before its end (audit: details.budget)
    boolean budgetCut;
    Candidate candidate;
    List<Failover.AttemptRecord> attempts = List.of();
    int status = 200;
    String errorCode;
    long inputTokens;
    long outputTokens;
    boolean estimated;
    long costMicros;
    long providerLatencyMs;
    Long ttftMs;
    boolean cacheHit;
    // a client dialect with a native provider kind: whether the answering attempt went natively
    Boolean passthrough;
    boolean streamed;
    boolean recorded;
    boolean settled;

    Call(ClientKey key, String requestId, String clientRequestId, String operation) {
        this(key, requestId, clientRequestId, operation, null);
    }

    Call(
            ClientKey key,
            String requestId,
            String clientRequestId,
            String operation,
            String endpoint) {
        this.key = key;
        this.requestId = requestId;
        this.clientRequestId = clientRequestId;
        this.operation = operation;
        this.endpoint = endpoint;
    }

    /**
     * Whether the answer cache may serve or keep this call's answer: not a draft's test call (its
     * overrides) nor an evaluation's call (a cached answer would hide what the route answers now).
     */
    boolean mayUseAnswerCache() {
        return overrides == null && evaluationOf == null;
    }

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Takes the failover's result: what was tried, what answered, how long the provider took. */
    void attempted(Failover.Outcome<?> out) {
        attempts = out.attempts();
        candidate = out.candidate();
        providerLatencyMs = out.providerLatencyMs();
    }

    /** Ends the call with an error (recorded once, by {@link CallRecord#close}). */
    void failed(int status, String errorCode) {
        this.status = status;
        this.errorCode = errorCode;
    }
}
