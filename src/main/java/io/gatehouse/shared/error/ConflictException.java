package io.gatehouse.shared.error;

/** HTTP 409: see {@link GatehouseException}. */
public class ConflictException extends GatehouseException {
    public ConflictException(String message) {
        super(409, "conflict", message);
    }

    public ConflictException(String code, String message) {
        super(409, code, message);
    }

    /** With problem JSON extension members ({@link GatehouseException#extensions}). */
    public ConflictException(String code, String message, jakarta.json.JsonObject extensions) {
        super(409, code, message, null, java.util.Map.of(), extensions);
    }
}
