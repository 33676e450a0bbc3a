package io.gatehouse.shared.error;

/** HTTP 403: see {@link GatehouseException}. */
public class ForbiddenException extends GatehouseException {
    public ForbiddenException(String message) {
        super(403, "forbidden", message);
    }

    public ForbiddenException(String code, String message) {
        super(403, code, message);
    }
}
