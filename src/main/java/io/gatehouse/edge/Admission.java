package io.gatehouse.edge;

import java.util.Map;

/**
 * A request let through by {@link UsageLimits}: the reservation to settle and the rate-limit
 * headers ({@code x-ratelimit-limit-requests}, {@code -remaining-requests}, {@code -reset-requests}
 * and the {@code -tokens} variants) for the response.
 */
public record Admission(Object reservation, long reservedTokens, Map<String, String> headers) {
    public Admission {
        headers = Map.copyOf(headers);
    }
}
