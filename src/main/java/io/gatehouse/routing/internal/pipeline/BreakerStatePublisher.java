package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.persistence.BreakerStateRows;
import io.gatehouse.routing.internal.resilience.CircuitBreaker;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes every breaker transition of this instance to {@code routing_breaker_states}, off the
 * request's path (the breaker calls its listeners under its lock), so that the dashboard reads the
 * breakers of every instance from the database. A lost write only makes the shared view stale; the
 * breaker itself is unaffected.
 */
@ApplicationScoped
public class BreakerStatePublisher {
    private static final Logger LOG = Logger.getLogger(BreakerStatePublisher.class.getName());

    @Inject BreakerStateRows rows;
    @Resource ManagedScheduledExecutorService executor;

    /** This instance's name in the table: the setting, else host name and process id. */
    @Inject
    @ConfigProperty(name = "gatehouse.instance.name", defaultValue = " ")
    String configuredName;

    private volatile String instance;

    /** Follows a breaker from its creation (closed) on. */
    public void watch(Provider p, CircuitBreaker breaker) {
        long openMs = p.optionLong("breakerOpenMs", 30_000);
        publish(p, CircuitBreaker.State.CLOSED, openMs);
        breaker.onTransition(state -> publish(p, state, openMs));
    }

    private void publish(Provider p, CircuitBreaker.State state, long openMs) {
        Instant at = Instant.now();
        String name = instance();
        try {
            executor.execute(
                    () -> {
                        try {
                            rows.record(
                                    name,
                                    p.id(),
                                    p.tenant() == null ? null : p.tenant().value(),
                                    p.name(),
                                    state.name().toLowerCase(Locale.ROOT),
                                    openMs,
                                    at);
                        } catch (Exception e) {
                            LOG.log(
                                    Level.WARNING,
                                    "Could not record the breaker state of provider " + p.name(),
                                    e);
                        }
                    });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not queue the breaker state of " + p.name(), e);
        }
    }

    String instance() {
        String n = instance;
        if (n == null) {
            n = configuredName == null || configuredName.isBlank() ? defaultName() : configuredName;
            instance = n;
        }
        return n;
    }

    private static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }
}
