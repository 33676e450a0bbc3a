package io.gatehouse.routing.stage;

/**
 * Sees a streamed answer's text as it passes, chunk by chunk. It may hold back a small tail (to
 * catch an entity split across chunks) and release it with the next chunk or at the end.
 */
public interface StreamFilter {
    /**
     * Text of the next content delta; returns the text to forward now (possibly shorter: held
     * back).
     */
    String onChunk(String text);

    /** End of the stream: returns whatever was held back, filtered. */
    String onEnd();

    /**
     * True when this filter checks streamed tool calls: routing then holds a choice's tool-call
     * fragments back until the choice finishes and hands each complete call to {@link #onToolCall}
     * before anything of it is sent.
     */
    default boolean checksToolCalls() {
        return false;
    }

    /**
     * A complete tool call of the streamed answer; returns the call to send (e.g. with redacted
     * arguments), or throws a {@code GatehouseException} to cut the stream.
     */
    default ChatMessage.ToolCall onToolCall(ChatMessage.ToolCall call) {
        return call;
    }
}
