package io.gatehouse.routing.internal.provider;

import io.gatehouse.routing.stage.ChatMessage;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * A non-streaming chat answer, parsed once: typed choices (the message with its tool calls, the
 * finish reason) and usage for accounting and the answer stages, the parsed object, and the
 * provider's own bytes when they may go to the client as they came ({@code raw}; null when the
 * answer was translated, built, or repeats a key somewhere, so that the client would read what the
 * stages did not check).
 *
 * @param usage null when the provider reported none
 * @param nativeJson the provider's answer in the client's own dialect when it was asked natively
 *     ({@link ProviderCall#nativeBody}; then {@code raw} is that answer's text), else null
 */
public record ChatAnswer(
        JsonObject json, String raw, List<Choice> choices, Usage usage, JsonObject nativeJson) {
    // Json.createXxx() / JsonProvider.provider() look the provider up on every call
    private static final JsonProvider JSON = JsonProvider.provider();

    public ChatAnswer {
        choices = List.copyOf(choices);
    }

    public ChatAnswer(JsonObject json, String raw, List<Choice> choices, Usage usage) {
        this(json, raw, choices, usage, null);
    }

    /**
     * A native answer: {@code translated} (OpenAI's shape, for the stages and accounting) and the
     * provider's own answer with its text, kept only when it may go to the client as it came.
     */
    static ChatAnswer ofNative(JsonObject translated, JsonObject nativeJson, String nativeRaw) {
        ChatAnswer a = of(translated, null);
        return new ChatAnswer(
                translated,
                JsonKeys.forwardable(nativeRaw) ? nativeRaw : null,
                a.choices(),
                a.usage(),
                nativeJson);
    }

    /** One choice; {@code message} is null when the provider sent none. */
    public record Choice(int index, ChatMessage message, String finishReason) {}

    /** The provider's token counts ({@code completion_tokens} 0 when absent). */
    public record Usage(long promptTokens, long completionTokens) {}

    /** Reads an OpenAI {@code chat.completion}; {@code raw} its text as received, or null. */
    public static ChatAnswer of(JsonObject json, String raw) {
        List<Choice> choices = new ArrayList<>();
        if (json.get("choices") instanceof JsonArray ca) {
            for (int i = 0; i < ca.size(); i++) {
                if (!(ca.get(i) instanceof JsonObject c)) {
                    continue;
                }
                ChatMessage m = c.get("message") instanceof JsonObject mo ? message(mo) : null;
                choices.add(
                        new Choice(
                                c.get("index") instanceof JsonNumber n ? n.intValue() : i,
                                m,
                                c.get("finish_reason") instanceof JsonString f
                                        ? f.getString()
                                        : null));
            }
        }
        Usage usage = null;
        if (json.get("usage") instanceof JsonObject u
                && u.get("prompt_tokens") instanceof JsonNumber pt) {
            usage =
                    new Usage(
                            pt.longValue(),
                            u.get("completion_tokens") instanceof JsonNumber ct
                                    ? ct.longValue()
                                    : 0);
        }
        String forwardable = JsonKeys.forwardable(raw) ? raw : null;
        return new ChatAnswer(json, forwardable, choices, usage);
    }

    private static ChatMessage message(JsonObject m) {
        try {
            return readMessage(m);
        } catch (ClassCastException | NullPointerException e) {
            // an odd part or tool call: the stages see the text, the client gets the answer as sent
            return new ChatMessage("assistant", "", false);
        }
    }

    private static ChatMessage readMessage(JsonObject m) {
        if (!(m.get("role") instanceof JsonString)) {
            m = JSON.createObjectBuilder(m).add("role", "assistant").build();
        }
        if (m.get("content") != null
                && m.get("content") != JsonValue.NULL
                && !(m.get("content") instanceof JsonString)
                && !(m.get("content") instanceof JsonArray)) {
            return new ChatMessage(m.getString("role"), "", false);
        }
        return OpenAiChat.message(m);
    }
}
