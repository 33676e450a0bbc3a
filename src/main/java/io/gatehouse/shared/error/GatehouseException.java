package io.gatehouse.shared.error;

import java.util.Map;

/**
 * An error the client is meant to see. Outside {@code /v1} it becomes RFC 9457 problem JSON; on
 * {@code /v1} an OpenAI-style error object. The message must never contain secrets or internals.
 */
public class GatehouseException extends RuntimeException {
    private final int status;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    public GatehouseException(int status, String code, String message) {
        this(status, code, message, null, Map.of());
    }

    public GatehouseException(
            int status, String code, String message, String param, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
        this.headers = Map.copyOf(headers);
    }

    /** HTTP status. */
    public int status() {
        return status;
    }

    /** Stable machine-readable code, e.g. {@code invalid_api_key}. */
    public String code() {
        return code;
    }

    /** The request field at fault, if any. */
    public String param() {
        return param;
    }

    /** Extra response headers (e.g. {@code Retry-After}). */
    public Map<String, String> headers() {
        return headers;
    }
}
