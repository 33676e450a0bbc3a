package io.gatehouse.routing.internal.provider;

import io.gatehouse.routing.internal.catalog.Model;
import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonObject;
import java.time.Duration;

/**
 * One attempt at one provider. For chat, {@code chat} is the typed request as the stages left it
 * (only known fields), and {@code clientBytes} the client's body while no stage changed anything
 * (else null); each adapter renders its own wire body from them, once per attempt, with {@code
 * model}'s name. Other calls (embeddings, guard endpoints) carry an OpenAI-shaped {@code body}.
 * {@code nativeBody} is set when the provider speaks the client's own dialect (Anthropic Messages
 * to an Anthropic provider): the wire body as it goes, and the adapter answers in that dialect too
 * ({@link ChatAnswer#nativeJson}, {@link AnthropicNativeStream}). {@code credential} is the opened
 * secret; never log this record.
 */
public record ProviderCall(
        Provider provider,
        Model model,
        ChatRequest chat,
        ClientBytes clientBytes,
        JsonObject body,
        Duration timeout,
        String credential,
        String nativeBody) {

    public ProviderCall(
            Provider provider,
            Model model,
            ChatRequest chat,
            ClientBytes clientBytes,
            JsonObject body,
            Duration timeout,
            String credential) {
        this(provider, model, chat, clientBytes, body, timeout, credential, null);
    }

    /** The same attempt sent in the client's own dialect, as {@code wire}. */
    public ProviderCall withNativeBody(String wire) {
        return new ProviderCall(
                provider, model, chat, clientBytes, body, timeout, credential, wire);
    }

    /** A chat attempt. */
    public ProviderCall(
            Provider provider,
            Model model,
            ChatRequest chat,
            ClientBytes clientBytes,
            Duration timeout,
            String credential) {
        this(provider, model, chat, clientBytes, null, timeout, credential);
    }

    /** A call with an OpenAI-shaped body; one with messages is also read as a chat request. */
    public ProviderCall(
            Provider provider, Model model, JsonObject body, Duration timeout, String credential) {
        this(
                provider,
                model,
                body.get("messages") instanceof jakarta.json.JsonArray
                        ? OpenAiChat.parse(body)
                        : null,
                null,
                body,
                timeout,
                credential);
    }

    @Override
    public String toString() {
        return "ProviderCall[" + provider.name() + "/" + model.name() + "]";
    }
}
