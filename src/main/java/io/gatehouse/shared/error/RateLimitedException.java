package io.gatehouse.shared.error;

import java.util.Map;

/** HTTP 429 with {@code Retry-After} and the rate-limit headers of the limit that was hit. */
public class RateLimitedException extends GatehouseException {
    public RateLimitedException(String code, String message, Map<String, String> headers) {
        super(429, code, message, null, headers);
    }
}
