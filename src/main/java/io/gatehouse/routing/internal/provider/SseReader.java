package io.gatehouse.routing.internal.provider;

/** Reads Server-Sent Events (event name and joined data lines) from a line stream. */
final class SseReader {
    record Event(String name, String data) {}

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
