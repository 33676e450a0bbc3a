package io.gatehouse.governance;

/**
 * What one evaluation call through the gateway ended with (issue 23): the case's output and what it
 * cost. A gateway error (denied by policy, rate limited, no provider answered) is {@code status}
 * and {@code errorCode}, not an exception: the call happened and was recorded.
 *
 * @param status the HTTP status a client would have seen (200 when answered)
 * @param text the answer's text (first choice), or null
 * @param policy what the tenant's policies did to the call: {@code allowed}, {@code redacted}
 *     (input or output redacted and the call went on) or {@code denied}
 * @param route the route alias it ran over, or null
 * @param provider the provider that answered, or null
 * @param model the provider's model, or null
 * @param inputTokens input tokens accounted
 * @param outputTokens output tokens accounted
 * @param costMicros what the call cost (counted against the tenant's budgets), in micro-units
 * @param latencyMs the call's time through the gateway
 * @param requestId the gateway request's id (its audit event and lineage)
 * @param errorCode the gateway's error code when status is not 200, else null
 * @param errorMessage the gateway's error message when status is not 200, else null
 */
public record EvaluationAnswer(
        int status,
        String text,
        String policy,
        String route,
        String provider,
        String model,
        long inputTokens,
        long outputTokens,
        long costMicros,
        long latencyMs,
        String requestId,
        String errorCode,
        String errorMessage) {}
