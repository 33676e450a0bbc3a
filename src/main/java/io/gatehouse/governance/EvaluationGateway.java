package io.gatehouse.governance;

import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * Plain gateway calls an evaluation run makes beside the bound kinds' own ({@link
 * ChangeKind#evaluate}): an LLM judge's call through a named route and the embeddings of semantic
 * similarity (issue 23). Routing implements it (governance never imports routing); both go through
 * the real path on behalf of the tenant's evaluation actor, admitted against the tenant's limits
 * and budgets and its evaluation share of them (a tenth by default: 429 {@code
 * evaluation_rate_limited} or {@code evaluation_budget_exceeded} as the answer's status and code),
 * never streamed, never served from the answer cache, recorded with {@link EvaluationOf#details}.
 */
public interface EvaluationGateway {
    /**
     * Runs {@code body} (an OpenAI chat completion request: model, messages, response_format;
     * {@code stream} forced off) for {@code tenant}.
     */
    EvaluationAnswer chat(TenantId tenant, String requestId, JsonObject body, EvaluationOf of);

    /** Embeds {@code inputs} through the embeddings route {@code model}. */
    Embeddings embed(
            TenantId tenant, String requestId, String model, List<String> inputs, EvaluationOf of);

    /**
     * What an embeddings call ended with: one vector per input when status is 200.
     *
     * @param status the HTTP status a client would have seen
     * @param vectors one per input, in order (empty unless 200)
     * @param costMicros what the call cost, in micro-units
     * @param requestId the gateway request's id
     * @param errorCode the gateway's error code when status is not 200, else null
     * @param errorMessage the gateway's error message when status is not 200, else null
     */
    record Embeddings(
            int status,
            List<float[]> vectors,
            long costMicros,
            String requestId,
            String errorCode,
            String errorMessage) {}
}
