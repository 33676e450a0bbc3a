package io.gatehouse.routing.stage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one call (see {@link OverriddenCalls}) attaches to its exchange before the first stage runs:
 * values under types only the stage that reads them knows (e.g. a private record of the prompts
 * module holding a draft's content). Routing copies them into {@link GatewayExchange#attach} and
 * reads none of them; a stage that finds its override uses it in place of what is live, for this
 * exchange only.
 */
public final class StageOverrides {
    private final Map<Class<?>, Object> values = new LinkedHashMap<>();

    /** Adds {@code value} under {@code key} (one value per key; a second replaces the first). */
    public <T> StageOverrides with(Class<T> key, T value) {
        values.put(Objects.requireNonNull(key), key.cast(Objects.requireNonNull(value)));
        return this;
    }

    /** Attaches every override to {@code exchange}. */
    public void applyTo(GatewayExchange exchange) {
        values.forEach((k, v) -> attach(exchange, k, v));
    }

    private static <T> void attach(GatewayExchange exchange, Class<T> key, Object value) {
        exchange.attach(key, key.cast(value));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }
}
