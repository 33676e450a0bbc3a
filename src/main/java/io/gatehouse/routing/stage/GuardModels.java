package io.gatehouse.routing.stage;

import java.util.List;

/**
 * Asks a guard model about a text through one of the tenant's published routes: an operator-hosted
 * classifier, a moderation endpoint or an LLM judge. Routing implements it with its provider
 * adapters, egress rules, circuit breakers and accounting; the call's tokens and cost are counted
 * as guard traffic of the request ({@code exchange}) and against the tenant's budget.
 *
 * <p>The call never outlasts {@link GuardRequest#timeoutMs()}: the deadline bounds every attempt
 * (connect and read). Failures are returned as a verdict with {@link GuardVerdict#error()} set,
 * never thrown, so the caller decides what an unanswered guard means.
 */
public interface GuardModels {
    /** How the guard is asked and how its answer is read. */
    enum Kind {
        /** A text classifier: {@code POST <base>/classify}, labels with probabilities. */
        CLASSIFIER,
        /** An OpenAI-style moderation endpoint: {@code POST <base>/moderations}. */
        MODERATION,
        /** A chat model with a fixed rubric whose answer must be {@code {"label", "score"}}. */
        JUDGE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One guard call.
     *
     * @param route the route alias in the tenant's catalog
     * @param text what to classify (never recorded)
     * @param timeoutMs the hard time budget of the whole call
     * @param positiveLabels classifier: labels whose probability is the score
     * @param rubric judge: the fixed instructions (system message)
     * @param labels judge: the labels the answer may use (empty: any)
     */
    record GuardRequest(
            String route,
            Kind kind,
            String text,
            long timeoutMs,
            List<String> positiveLabels,
            String rubric,
            List<String> labels) {
        public GuardRequest {
            positiveLabels = List.copyOf(positiveLabels);
            labels = List.copyOf(labels);
        }
    }

    /**
     * What the guard said, or why it said nothing.
     *
     * @param score 0..1, the probability of the unwanted class (0 on error)
     * @param label the guard's label ({@code ""} on error)
     * @param errorKind null when the guard answered; otherwise e.g. {@code timeout}, {@code
     *     route_not_found}, {@code no_provider_allowed}, {@code malformed}, {@code upstream}
     * @param provider the provider that answered or was tried last, may be null
     * @param model its model, may be null
     */
    record GuardVerdict(
            double score,
            String label,
            String errorKind,
            String provider,
            String model,
            long latencyMs,
            long inputTokens,
            long outputTokens,
            long costMicros) {
        public boolean error() {
            return errorKind != null;
        }
    }

    GuardVerdict classify(GatewayExchange exchange, GuardRequest request);
}
