package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * An open streamed answer, as OpenAI {@code chat.completion.chunk} objects. {@link #next()} blocks
 * until the next chunk (bounded by the provider's timeout between chunks) and answers empty at the
 * end. Closing it cancels the provider call.
 */
public interface ProviderStream extends AutoCloseable {
    Optional<JsonObject> next() throws ProviderException;

    /**
     * True when the next chunk has (probably) been received already, so {@link #next()} will not
     * wait for the provider: the caller may hold its flush and send both together. False when
     * unknown.
     */
    default boolean hasBuffered() {
        return false;
    }

    /**
     * The provider's own text of {@code chunk} when it is the chunk {@link #next()} returned last
     * and may go to the client as it came (no translation, one line, no repeated key), else null.
     */
    default String raw(JsonObject chunk) {
        return null;
    }

    /**
     * True when all choices are parts of one answer (the blocks of one Anthropic message): the
     * output filters then run as one chain over the whole answer, flushed at each part's end.
     */
    default boolean oneAnswer() {
        return false;
    }

    /**
     * What the stream has used so far, for a stream that broke off: the input the provider reported
     * (-1 when none yet) and the output reported or estimated from every delta so far (text,
     * thinking, signatures, tool input), whichever is larger. Empty when unknown.
     */
    default Optional<PartialUsage> partialUsage() {
        return Optional.empty();
    }

    /**
     * Told by the relay before it writes anything when it holds and checks tool calls: from then on
     * an event the stream cannot map to a choice (a block or delta type it does not know) must end
     * the stream rather than pass as it came, because it could carry a tool's input past the checks
     * or overtake a held call. Throws when such an event has already been returned.
     */
    default void toolCallsChecked() {}

    /** Usage of a stream that has not ended. */
    record PartialUsage(long inputTokens, long outputTokens) {}

    @Override
    void close();
}
