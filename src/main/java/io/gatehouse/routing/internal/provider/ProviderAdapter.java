package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonObject;

/** Talks to one kind of provider; requests and answers are in OpenAI's shapes. */
public interface ProviderAdapter {
    /** A {@code chat.completion} object. */
    JsonObject chat(ProviderCall call) throws ProviderException;

    /**
     * An opened stream; errors before the first chunk are thrown here (so failover is possible).
     */
    ProviderStream stream(ProviderCall call) throws ProviderException;

    /** An embeddings {@code list} object. */
    JsonObject embed(ProviderCall call) throws ProviderException;
}
