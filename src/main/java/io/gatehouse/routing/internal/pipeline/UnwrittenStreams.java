package io.gatehouse.routing.internal.pipeline;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.RequestScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request-end safety net for streams: an opened stream is handed to the container as a {@code
 * StreamingOutput}, which the container may never write (a failure after the pipeline returned;
 * Liberty still writes for a client already gone, and the relay records that). When the request
 * ends, each stream of it that was not relayed is closed here: recorded, settled, its provider
 * stream and bulkhead permit given back ({@link SseRelay#answer}). Created only for requests that
 * open a stream.
 */
@RequestScoped
public class UnwrittenStreams {
    private static final Logger LOG = Logger.getLogger(UnwrittenStreams.class.getName());

    private final List<Runnable> closers = new ArrayList<>(1);

    /** {@code closeIfUnwritten} runs at the request's end; it does nothing if the stream ran. */
    public void add(Runnable closeIfUnwritten) {
        closers.add(closeIfUnwritten);
    }

    @PreDestroy
    void requestEnded() {
        for (Runnable c : closers) {
            try {
                c.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Could not close a stream that was never written", e);
            }
        }
        closers.clear();
    }
}
