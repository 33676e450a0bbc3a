package io.gatehouse.routing.internal.mcp;

/**
 * The client's open answer to a held {@code tools/call}: a {@code text/event-stream} the web layer
 * writes without a thread waiting on it. Frames are whole Server-Sent-Event blocks (an event or a
 * comment, ending in a blank line), queued in order.
 */
public interface HeldCallStream {
    /** Queues one frame; false when the stream is closed (the client left). */
    boolean send(String frame);

    /** Queues the last frame (the JSON-RPC answer) and ends the stream once it is written. */
    void finish(String frame);

    /** True once the stream has ended or the client has gone. */
    boolean closed();

    /** Opens the stream for a call that is being held (status 200, {@code text/event-stream}). */
    @FunctionalInterface
    interface Opener {
        HeldCallStream open();
    }
}
