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

    @Override
    void close();
}
