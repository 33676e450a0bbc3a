package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * A client dialect's request in its own wire form, for a provider kind that speaks the dialect
 * natively (issue 17: Anthropic Messages to Anthropic providers). The pipeline still runs on the
 * canonical request (stages, routing, accounting); for an attempt at a provider of {@link #kind}
 * the dialect writes the wire body itself and renders the provider's own answer and events back, so
 * what the canonical shape cannot carry (extended thinking and its signatures) reaches the provider
 * and comes back intact.
 */
public interface NativeRequest {
    /** The provider kind that speaks the dialect. */
    String kind();

    /**
     * Whether {@code provider} speaks the dialect natively: by default every provider of {@link
     * #kind}; a dialect may ask more (OpenAI Responses: the provider option {@code responsesApi}).
     */
    default boolean servedBy(Provider provider) {
        return provider.kind().equals(kind());
    }

    /**
     * Whether an attempt at a provider that {@link #servedBy serves} the dialect goes natively with
     * the request as the stages left it ({@code asStagesLeft}: a managed prompt's default tools
     * included); when not, the attempt is translated like one to any other provider. By default
     * always.
     */
    default boolean nativeFor(ChatRequest asStagesLeft) {
        return true;
    }

    /**
     * Why only a provider of {@link #kind} may serve this request (e.g. the conversation carries
     * thinking blocks), or null when a translated attempt serves it as well. When set, no attempt
     * goes to a provider of another kind.
     */
    String onlyNative();

    /**
     * The wire body of one attempt: the client's own bytes with {@code model} swapped while {@code
     * unchanged} (no stage changed the request), else rendered from {@code asStagesLeft} with what
     * only the dialect carries put back.
     */
    String body(ChatRequest asStagesLeft, boolean unchanged, String model);

    /**
     * The client's answer from the provider's native one: its own text ({@code raw}, null when it
     * may not be forwarded) while the answer stages left {@code completion} as it was, else the
     * native answer with the stages' changes rendered into it.
     */
    Object answer(
            JsonObject nativeAnswer, String raw, JsonObject completion, JsonObject afterStages);

    /**
     * Text of the provider's native answer that reaches the client unchanged and outside the
     * canonical answer (an answer's thinking): the output policy scans it, scan only.
     */
    default List<String> unchangeableText(JsonObject nativeAnswer) {
        return List.of();
    }

    /**
     * Text of the request the native body carries as the client sent it and the canonical request
     * does not (earlier turns' thinking): the input stages scan it, scan only ({@link
     * io.gatehouse.routing.stage.GatewayExchange#signedInput}).
     */
    default List<String> unchangeableInput() {
        return List.of();
    }

    /** The events of a native stream, fresh per request. */
    StreamEvents events();
}
