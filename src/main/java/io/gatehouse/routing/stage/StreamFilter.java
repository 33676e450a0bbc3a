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
}
