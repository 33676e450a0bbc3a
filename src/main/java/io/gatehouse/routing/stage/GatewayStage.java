package io.gatehouse.routing.stage;

/**
 * A step other modules plug into the gateway's request path (as an {@code @ApplicationScoped}
 * bean). Each hook may change the exchange, or stop the request by throwing a {@code
 * GatehouseException} (for example a 400 with code {@code policy_denied}); routing turns that into
 * the OpenAI error JSON, records the request, and never calls the provider after a denial.
 *
 * <p>Order of a call: {@link #beforeRouting} (prompt rendering, input policy, classification) ->
 * routing picks candidates, filtered by {@link GatewayExchange#providerAllowed} -> {@link
 * #beforeProviderCall} (per attempt, knows the chosen target) -> provider -> {@link #afterAnswer}
 * (output policy on the full answer) or, when streaming, {@link #streamFilter} per chunk.
 */
public interface GatewayStage {
    /** Lower runs first: prompts 100, policy 200. */
    int order();

    default void beforeRouting(GatewayExchange exchange) {}

    default void beforeProviderCall(GatewayExchange exchange, ProviderTarget target) {}

    default void afterAnswer(GatewayExchange exchange) {}

    /**
     * A filter for this stream's chunks, or {@code null} for none. Created once per streamed
     * request.
     */
    default StreamFilter streamFilter(GatewayExchange exchange) {
        return null;
    }
}
