package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonObject;
import java.util.OptionalLong;

/** Talks to one kind of provider; requests and answers are in OpenAI's shapes. */
public interface ProviderAdapter {
    /** A {@code chat.completion} object. */
    JsonObject chat(ProviderCall call) throws ProviderException;

    /**
     * The same answer parsed once into a {@link ChatAnswer}; adapters that receive OpenAI's shape
     * keep the provider's bytes in it, so that an answer no stage changes reaches the client as it
     * came.
     */
    default ChatAnswer answer(ProviderCall call) throws ProviderException {
        return ChatAnswer.of(chat(call), null);
    }

    /**
     * An opened stream; errors before the first chunk are thrown here (so failover is possible).
     */
    ProviderStream stream(ProviderCall call) throws ProviderException;

    /**
     * The provider's own count of the request's input tokens ({@code call.chat()}), or empty when
     * this kind of provider offers none (the gateway then estimates).
     */
    default OptionalLong countTokens(ProviderCall call) throws ProviderException {
        return OptionalLong.empty();
    }

    /** Whether {@link #countTokens} gives the provider's own count (else it is always empty). */
    default boolean countsTokens() {
        return false;
    }

    /** An embeddings {@code list} object. */
    JsonObject embed(ProviderCall call) throws ProviderException;
}
