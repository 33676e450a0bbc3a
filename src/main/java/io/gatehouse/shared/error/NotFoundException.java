package io.gatehouse.shared.error;

/** HTTP 404: see {@link GatehouseException}. */
public class NotFoundException extends GatehouseException {
    public NotFoundException(String message) {
        super(404, "not_found", message);
    }

    public NotFoundException(String code, String message) {
        super(404, code, message);
    }
}
