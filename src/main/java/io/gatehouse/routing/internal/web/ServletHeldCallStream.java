package io.gatehouse.routing.internal.web;

import io.gatehouse.routing.internal.mcp.HeldCallStream;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A held call's {@code text/event-stream} on the servlet's asynchronous request, written with a
 * non-blocking {@link WriteListener}: frames queue here and are written only while the container
 * says the connection can take them, so neither the request thread (it returned at once) nor the
 * thread that sends a frame ever waits on the client.
 */
final class ServletHeldCallStream implements HeldCallStream, WriteListener, AsyncListener {
    private static final Logger LOG = Logger.getLogger(ServletHeldCallStream.class.getName());

    private final AsyncContext context;
    private final ServletOutputStream out;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private boolean finishing;
    private volatile boolean closed;

    private ServletHeldCallStream(AsyncContext context, ServletOutputStream out) {
        this.context = context;
        this.out = out;
    }

    /**
     * Opens the stream on a request already asynchronous (JAX-RS suspended it): no timeout, status
     * 200, {@code text/event-stream}, nothing cached or buffered by proxies.
     */
    static ServletHeldCallStream open(HttpServletRequest request, HttpServletResponse response) {
        AsyncContext context =
                request.isAsyncStarted() ? request.getAsyncContext() : request.startAsync();
        context.setTimeout(0);
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache, no-store");
        response.setHeader("X-Accel-Buffering", "no");
        try {
            ServletHeldCallStream s =
                    new ServletHeldCallStream(context, response.getOutputStream());
            context.addListener(s);
            s.out.setWriteListener(s);
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the held call's event stream", e);
        }
    }

    @Override
    public synchronized boolean send(String frame) {
        if (closed || finishing) {
            return false;
        }
        queue.add(frame.getBytes(StandardCharsets.UTF_8));
        drain();
        return !closed;
    }

    @Override
    public synchronized void finish(String frame) {
        if (closed || finishing) {
            return;
        }
        queue.add(frame.getBytes(StandardCharsets.UTF_8));
        finishing = true;
        drain();
    }

    @Override
    public boolean closed() {
        return closed;
    }

    /** Writes what is queued while the connection takes it; the container calls back for more. */
    private void drain() {
        try {
            while (!closed && out.isReady()) {
                byte[] next = queue.poll();
                if (next == null) {
                    if (finishing) {
                        closed = true;
                        context.complete();
                    }
                    return;
                }
                out.write(next);
                if (out.isReady()) {
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Throwable t) {
        if (!closed) {
            closed = true;
            queue.clear();
            LOG.log(Level.FINE, "A held call's client went away", t);
            try {
                context.complete();
            } catch (RuntimeException ignored) {
                // already completed by the container
            }
        }
    }

    @Override
    public synchronized void onWritePossible() {
        drain();
    }

    @Override
    public synchronized void onError(Throwable t) {
        fail(t);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        closed = true;
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        closed = true;
    }

    @Override
    public void onError(AsyncEvent event) {
        closed = true;
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
