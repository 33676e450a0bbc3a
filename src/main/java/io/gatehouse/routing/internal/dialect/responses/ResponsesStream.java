package io.gatehouse.routing.internal.dialect.responses;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * The client's side of a Responses stream: the pipeline's SSE relay writes its chat events ({@code
 * data: chunk}, then {@code data: [DONE]} or {@code data: {"error":...}}) into this stream, which
 * writes each one as the Responses events {@link ResponsesEvents} gives, and passes the relay's
 * flushes on (one network write per burst, as for chat). The relay's accounting, audit and stream
 * filters are untouched: this only changes the shape of what the client reads.
 */
final class ResponsesStream extends OutputStream {
    private static final JsonProvider JSON = JsonProvider.provider();

    private final OutputStream client;
    private final ResponsesEvents events;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    ResponsesStream(OutputStream client, ResponsesEvents events) {
        this.client = client;
        this.events = events;
    }

    @Override
    public void write(int b) throws IOException {
        pending.write(b);
        if (b == '\n') {
            drain();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        pending.write(b, off, len);
        drain();
    }

    @Override
    public void flush() throws IOException {
        client.flush();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** Translates every complete event held ({@code "\n\n"} ends one; split on bytes). */
    private void drain() throws IOException {
        byte[] held = pending.toByteArray();
        int from = 0;
        for (int i = 0; i + 1 < held.length; i++) {
            if (held[i] == '\n' && held[i + 1] == '\n') {
                translate(new String(held, from, i - from, StandardCharsets.UTF_8));
                from = i + 2;
                i++;
            }
        }
        if (from > 0) {
            pending.reset();
            pending.write(held, from, held.length - from);
        }
    }

    private void translate(String event) throws IOException {
        StringBuilder data = new StringBuilder();
        for (String line : event.split("\n")) {
            if (line.startsWith("data:")) {
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
        }
        String d = data.toString().trim();
        if (d.isEmpty()) {
            return;
        }
        java.util.List<String> out;
        if (d.equals("[DONE]")) {
            out = events.done();
        } else {
            JsonObject o;
            try (JsonReader r = JSON.createReader(new StringReader(d))) {
                o = r.readObject();
            } catch (JsonException | IllegalStateException e) {
                return; // the relay writes only JSON objects and [DONE]
            }
            out =
                    o.containsKey("error") && !o.containsKey("choices")
                            ? events.error(o)
                            : events.chunk(o);
        }
        for (String s : out) {
            client.write(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
