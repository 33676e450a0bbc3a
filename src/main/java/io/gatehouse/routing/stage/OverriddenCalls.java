package io.gatehouse.routing.stage;

import io.gatehouse.shared.Caller;
import jakarta.json.JsonObject;

/**
 * One chat call through the gateway's real path (admission against the tenant's limits and budgets,
 * every stage, the published routes with failover, accounting and the request's audit event) made
 * on behalf of a person rather than an API key, with {@link StageOverrides} attached to its
 * exchange only (issue 21: the test call through a draft). Routing implements it; other modules
 * inject it. Never streamed; the call's audit event names the person as its actor and the draft
 * ({@link TestCallOf}).
 */
public interface OverriddenCalls {
    /**
     * Runs {@code body} (an OpenAI chat completion request: model, messages, prompt_variables;
     * {@code stream} is forced off) for {@code person} of their tenant. First it takes one of
     * {@code person}'s test calls of this minute (a small bucket of their own in their tenant: the
     * tenant's per-person rate, else {@code gatehouse.limits.person.test-calls-per-minute}, default
     * 10) or throws 429 {@code rate_limit_exceeded}, and 403 {@code test_calls_disabled} when the
     * tenant turned test calls off: no caller can skip the bucket. The call is then admitted as
     * usual against the tenant's limits and budgets. A gateway error after that (denied by policy,
     * rate limited, no provider answered) is the result's {@code status} and {@code errorCode}, not
     * an exception: the call happened and was recorded.
     */
    Result chat(
            Caller person,
            String requestId,
            JsonObject body,
            StageOverrides overrides,
            TestCallOf testCallOf);

    /**
     * What the call ended with.
     *
     * @param status the HTTP status a client would have seen (200 when answered)
     * @param text the answer's text (first choice), or null
     * @param route the route alias it ran over, or null
     * @param provider the provider that answered, or null
     * @param model the provider's model, or null
     * @param inputTokens input tokens accounted
     * @param outputTokens output tokens accounted
     * @param costMicros what the call cost (counted against the tenant's budgets), in micro-units
     * @param requestId the gateway request's id (its audit event and lineage)
     * @param errorCode the gateway's error code when status is not 200, else null
     * @param errorMessage the gateway's error message when status is not 200, else null
     */
    record Result(
            int status,
            String text,
            String route,
            String provider,
            String model,
            long inputTokens,
            long outputTokens,
            long costMicros,
            String requestId,
            String errorCode,
            String errorMessage) {}
}
