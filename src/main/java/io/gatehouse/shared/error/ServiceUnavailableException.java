package io.gatehouse.shared.error;

/** HTTP 503: see {@link GatehouseException}. */
public class ServiceUnavailableException extends GatehouseException {
    public ServiceUnavailableException(String message) {
        super(503, "service_unavailable", message);
    }

    public ServiceUnavailableException(String code, String message) {
        super(503, code, message);
    }
}
