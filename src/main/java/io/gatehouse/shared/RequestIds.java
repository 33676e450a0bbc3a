package io.gatehouse.shared;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Request ids. The server mints a unique id for every request (returned in {@code X-Request-Id});
 * it is the id in audit events, lineage and canary bucketing. A client's own {@code X-Request-Id}
 * never becomes the request id (two requests could share it and lineage would merge them, or a
 * client could pick its canary bucket): when it is safe to echo and log, it is kept apart as the
 * client's request id, echoed in {@code X-Client-Request-Id} and recorded in audit events under
 * {@link #CLIENT_DETAIL}. Both are servlet request attributes, so every layer sees the same values.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final String CLIENT_HEADER = "X-Client-Request-Id";

    /** Servlet request attribute: the server's id for the request. */
    public static final String ATTRIBUTE = "io.gatehouse.requestId";

    /** Servlet request attribute: the client's own id, when it sent a safe one. */
    public static final String CLIENT_ATTRIBUTE = "io.gatehouse.clientRequestId";

    /** Audit detail key of the client's own request id. */
    public static final String CLIENT_DETAIL = "client.request_id";

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    // The request the current thread serves (server id, client id); see clientIdOf.
    private static final ThreadLocal<String[]> CURRENT = new ThreadLocal<>();

    private RequestIds() {}

    /**
     * The client's id when it is safe to echo and log (letters, digits, {@code ._:-}, at most 128),
     * else null.
     */
    public static String acceptClientId(String fromClient) {
        return fromClient != null && SAFE.matcher(fromClient).matches() ? fromClient : null;
    }

    /** A new random id: "req_" and 24 hex digits (96 bits). */
    public static String generate() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        char[] out = new char[4 + 24];
        out[0] = 'r';
        out[1] = 'e';
        out[2] = 'q';
        out[3] = '_';
        for (int i = 0; i < b.length; i++) {
            out[4 + 2 * i] = HEX[(b[i] >> 4) & 0xf];
            out[5 + 2 * i] = HEX[b[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * Marks the current thread as serving the request {@code requestId} (with the client's id, or
     * null) until {@link #leave}: lets the audit recorder add the client's id to events of this
     * request recorded on this thread without every caller passing it along, and puts the request
     * id on every log line the thread writes meanwhile ({@link LogFields}).
     */
    public static void enter(String requestId, String clientId) {
        CURRENT.set(clientId == null ? null : new String[] {requestId, clientId});
        LogFields.put(LogFields.REQUEST_ID, requestId);
    }

    public static void leave() {
        CURRENT.remove();
        LogFields.remove(LogFields.REQUEST_ID);
        LogFields.remove(LogFields.TRACE_ID);
    }

    /**
     * The client's id of {@code requestId} if the current thread serves that request; else null.
     */
    public static String clientIdOf(String requestId) {
        String[] c = CURRENT.get();
        return c != null && requestId != null && requestId.equals(c[0]) ? c[1] : null;
    }
}
