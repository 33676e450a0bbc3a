package io.gatehouse.edge;

/**
 * Rate limits (requests and tokens per minute, per key and per tenant) and cost budgets (per day
 * and month), exact across all instances sharing the database. The gateway asks before each request
 * and settles after it with the real token count and cost; every {@code /v1} response carries
 * {@link Admission#headers()}.
 */
public interface UsageLimits {
    /**
     * Admits the request or throws {@code RateLimitedException} (HTTP 429 with {@code Retry-After}
     * and the {@code x-ratelimit-*} headers). {@code estimatedTokens} is reserved against token
     * limits and {@code estimatedCostMicros} (at least one micro) against cost budgets: the request
     * is refused if its reservation does not fit in what is left. A request with neither tokens nor
     * cost (a token count) reserves nothing against budgets and is not refused by a spent one. Both
     * should be upper bounds (input estimate plus max output tokens, at the dearest candidate's
     * prices); real usage beyond them is charged at settlement even past the limit.
     */
    Admission admit(ClientKey key, long estimatedTokens, long estimatedCostMicros);

    /**
     * {@link #admit} for an evaluation run's call (issue 23) on behalf of the tenant's evaluation
     * actor: counted against the tenant's limits and budgets like any call, and also held to the
     * tenant's evaluation share of each (requests and tokens per minute, each cost budget; {@code
     * evaluationSharePercent} of the tenant's limits, a tenth by default), so evaluations never
     * starve production traffic. Over the share: {@code RateLimitedException} with code {@code
     * evaluation_rate_limited} (a rate) or {@code evaluation_budget_exceeded} (a budget), and
     * nothing taken from the tenant's own limits. Settled and extended like any admission. A
     * suspended tenant's evaluation calls are refused with 403 {@code tenant_suspended} (they carry
     * no credential the authentication filter could refuse).
     */
    Admission admitEvaluation(ClientKey key, long estimatedTokens, long estimatedCostMicros);

    /**
     * Takes one of a person's test calls of this minute (issue 21: a call through a draft made by a
     * person, not an API key) from their own small bucket in their tenant ({@code
     * tenant:<tenant>:person:<id>:rpm}; the tenant's {@code testCallsPerPersonPerMinute}, else
     * {@code gatehouse.limits.person.test-calls-per-minute}, default 10), or throws {@code
     * RateLimitedException} (429 {@code rate_limit_exceeded} with {@code Retry-After}); {@code
     * ForbiddenException} (403 {@code test_calls_disabled}) when the tenant turned test calls off.
     * Asked by routing's person call itself ({@code OverriddenCalls.chat}) before the call, so that
     * no caller of it escapes the bucket; the call is then admitted as usual against the tenant's
     * limits and budgets.
     */
    void admitPersonCall(io.gatehouse.shared.TenantId tenant, java.util.UUID person);

    /**
     * Settles the reservation with what the request really used (also for failed or cut requests).
     */
    void settle(Admission admission, long actualTokens, long costMicros);

    /**
     * Adds {@code moreCostMicros} to the admission's cost reservation (a stream whose running cost
     * outgrew what was reserved for it) if that fits in what is left of the tenant's budgets,
     * counting every instance's reservations; false, and nothing taken, when it does not (the
     * caller ends the stream). True at once for a tenant without budgets.
     */
    boolean extend(Admission admission, long moreCostMicros);

    /**
     * {@link #extend} by {@code moreCostMicros}, else by the smaller {@code atLeastMicros}: what
     * was added (0 when neither fits). One refused extension however many sizes were tried.
     */
    default long extend(Admission admission, long moreCostMicros, long atLeastMicros) {
        if (extend(admission, moreCostMicros)) {
            return moreCostMicros;
        }
        if (atLeastMicros > 0
                && atLeastMicros < moreCostMicros
                && extend(admission, atLeastMicros)) {
            return atLeastMicros;
        }
        return 0;
    }

    /**
     * The rate-limit headers for a response that consumed nothing (e.g. {@code GET /v1/models}), so
     * that every {@code /v1} answer carries them.
     */
    java.util.Map<String, String> currentHeaders(ClientKey key);

    /** The tenant's cost budgets, for usage reports (what is spent comes from the accounting). */
    Budgets budgets(io.gatehouse.shared.TenantId tenant);
}
