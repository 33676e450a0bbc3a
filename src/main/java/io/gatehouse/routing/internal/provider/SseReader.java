package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonObject;
import java.util.regex.Pattern;

/** Reads Server-Sent Events (event name and joined data lines) from a line stream. */
final class SseReader {
    record Event(String name, String data) {
        /**
         * The event's data, a JSON object whose {@code type} matches {@code types} and is the
         * event's name when it has one (an {@code event:} line): a native stream's event, whose
         * type the dialect writes back as a line (no SSE frame injection). 502 otherwise.
         */
        JsonObject typed(Pattern types) throws ProviderException {
            JsonObject data = HttpTransport.parseObject(this.data);
            String type = data.getString("type", "");
            if (!types.matcher(type).matches() || name != null && !name.equals(type)) {
                throw new ProviderException(
                        ProviderException.Kind.SERVER,
                        502,
                        "provider stream event with a missing, malformed or mismatched type",
                        null);
            }
            return data;
        }
    }

    private final HttpTransport.LineStream lines;

    SseReader(HttpTransport.LineStream lines) {
        this.lines = lines;
    }

    /** The next event with data, or null at the end of the stream. */
    Event next() throws ProviderException {
        String name = null;
        StringBuilder data = null;
        while (true) {
            String line = lines.readLine();
            if (line == null) {
                return data == null ? null : new Event(name, data.toString());
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(name, data.toString());
                }
                name = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (field.equals("event")) {
                name = value;
            } else if (field.equals("data")) {
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
    }

    /** True when more of the stream has been received already (the next event may be complete). */
    boolean hasBuffered() {
        return lines.ready();
    }

    void close() {
        lines.close();
    }
}
