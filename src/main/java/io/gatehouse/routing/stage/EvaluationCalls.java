package io.gatehouse.routing.stage;

import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationOf;
import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;

/**
 * The gateway calls a bound kind makes for an evaluation run (issue 23, {@code
 * governance.ChangeKind#evaluate}): through the real path (every stage, the tenant's published
 * routes with failover, accounting, the request's audit event with {@link EvaluationOf#details})
 * with {@link StageOverrides} attached to that one exchange (the candidate's content; empty for the
 * live side), on behalf of the tenant's evaluation actor ({@code system:evaluation}). Admitted like
 * {@code governance.EvaluationGateway}'s calls (the tenant's limits and budgets, and its evaluation
 * share of them); never streamed, never served from the answer cache. Routing implements it;
 * prompts and policy inject it.
 */
public interface EvaluationCalls {
    EvaluationAnswer chat(
            TenantId tenant,
            String requestId,
            JsonObject body,
            StageOverrides overrides,
            EvaluationOf of);
}
