package io.gatehouse.routing.internal.mcp;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads one answer body as it arrives and completes as soon as the JSON-RPC answer with the
 * request's id is there (a Server-Sent-Event stream may stay open after it) or the body ends; then
 * it cancels the rest. At most {@link #McpUpstream.MAX_RESPONSE_BYTES} are read.
 */
final class McpAnswerReader implements HttpResponse.BodySubscriber<JsonObject> {
    private final int id;
    private final boolean wanted;
    private final boolean events;
    private final CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private Flow.Subscription subscription;
    private long size;

    /** {@code id} -1: the body is not read (the answer to a notification). */
    McpAnswerReader(HttpResponse.ResponseInfo info, int id) {
        this.id = id;
        this.wanted = id >= 0 && info.statusCode() == 200;
        this.events =
                info.headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .startsWith("text/event-stream");
    }

    /** For tests and for reading a whole text: an event stream or not, as given. */
    McpAnswerReader(boolean events, int id) {
        this.id = id;
        this.wanted = true;
        this.events = events;
    }

    /** Completes early, as soon as the answer is read; the body's end is not awaited. */
    @Override
    public CompletionStage<JsonObject> getBody() {
        return answer;
    }

    synchronized void cancel() {
        if (subscription != null) {
            subscription.cancel();
        }
        answer.completeExceptionally(new McpUpstream.UpstreamException("the call was cancelled"));
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (answer.isDone()) {
            s.cancel();
            return;
        }
        if (!wanted) {
            // an error status: its body is not read
            s.cancel();
            answer.complete(null);
            return;
        }
        s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        try {
            for (ByteBuffer b : buffers) {
                accept(b);
                if (answer.isDone()) {
                    subscription.cancel();
                    return;
                }
            }
            subscription.request(1);
        } catch (McpUpstream.UpstreamException e) {
            subscription.cancel();
            answer.completeExceptionally(e);
        }
    }

    void accept(ByteBuffer b) throws McpUpstream.UpstreamException {
        size += b.remaining();
        if (size > McpUpstream.MAX_RESPONSE_BYTES) {
            throw new McpUpstream.UpstreamException("the server's answer is too large");
        }
        if (!events) {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            body.write(bytes, 0, bytes.length);
            return;
        }
        while (b.hasRemaining() && !answer.isDone()) {
            byte c = b.get();
            if (c == '\n') {
                line(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(c);
            }
        }
    }

    /** One line of the event stream (its \r, if any, is dropped). */
    private void line(String l) {
        if (l.endsWith("\r")) {
            l = l.substring(0, l.length() - 1);
        }
        if (l.startsWith("data:")) {
            data.append(l.substring(l.startsWith("data: ") ? 6 : 5)).append('\n');
        } else if (l.isEmpty()) {
            dispatch();
        }
    }

    /**
     * One event's data: the answer when it is the JSON-RPC object with our id; an empty (priming)
     * event, a notification and anything that is not JSON are skipped.
     */
    private void dispatch() {
        String d = data.toString().strip();
        data.setLength(0);
        if (d.isEmpty()) {
            return;
        }
        JsonObject o;
        try {
            o = McpUpstream.parse(d);
        } catch (McpUpstream.UpstreamException e) {
            return;
        }
        if (o.get("id") instanceof JsonNumber n && n.isIntegral() && n.longValue() == id) {
            answer.complete(o);
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        answer.completeExceptionally(
                t instanceof HttpTimeoutException
                        ? t
                        : new McpUpstream.UpstreamException(
                                "the server's answer could not be read"));
    }

    @Override
    public synchronized void onComplete() {
        if (answer.isDone()) {
            return;
        }
        if (!events) {
            try {
                answer.complete(McpUpstream.parse(body.toString(StandardCharsets.UTF_8)));
            } catch (McpUpstream.UpstreamException e) {
                answer.completeExceptionally(e);
            }
            return;
        }
        if (line.size() > 0) {
            line(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        dispatch();
        answer.complete(null);
    }
}
