package io.gatehouse.shared.error;

import java.util.Map;

/** HTTP 400 for a request field that is missing or malformed; names the field. */
public class ValidationException extends GatehouseException {
    public ValidationException(String param, String message) {
        super(400, "invalid_request", message, param, Map.of());
    }

    public ValidationException(String code, String param, String message) {
        super(400, code, message, param, Map.of());
    }
}
