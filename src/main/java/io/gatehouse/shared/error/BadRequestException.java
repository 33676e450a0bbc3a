package io.gatehouse.shared.error;

/** HTTP 400: see {@link GatehouseException}. */
public class BadRequestException extends GatehouseException {
    public BadRequestException(String message) {
        super(400, "invalid_request", message);
    }

    public BadRequestException(String code, String message) {
        super(400, code, message);
    }
}
