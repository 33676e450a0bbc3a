package io.gatehouse.shared.error;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
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
    private final JsonObject extensions;

    public GatehouseException(int status, String code, String message) {
        this(status, code, message, null, Map.of());
    }

    public GatehouseException(
            int status, String code, String message, String param, Map<String, String> headers) {
        this(status, code, message, param, headers, JsonValue.EMPTY_JSON_OBJECT);
    }

    /**
     * With extension members for problem JSON (RFC 9457 section 3.2), e.g. the golden sets that
     * keep a change from being published; they never replace a standard member.
     */
    public GatehouseException(
            int status,
            String code,
            String message,
            String param,
            Map<String, String> headers,
            JsonObject extensions) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
        this.headers = Map.copyOf(headers);
        this.extensions = extensions == null ? JsonValue.EMPTY_JSON_OBJECT : extensions;
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

    /** Extension members of the problem JSON (empty for none). */
    public JsonObject extensions() {
        return extensions;
    }

    /** Extra response headers (e.g. {@code Retry-After}). */
    public Map<String, String> headers() {
        return headers;
    }
}
