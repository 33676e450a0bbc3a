package io.gatehouse.shared.error;

/** HTTP 401: see {@link GatehouseException}. */
public class UnauthorizedException extends GatehouseException {
    public UnauthorizedException(String message) {
        super(401, "unauthenticated", message);
    }

    public UnauthorizedException(String code, String message) {
        super(401, code, message);
    }
}
