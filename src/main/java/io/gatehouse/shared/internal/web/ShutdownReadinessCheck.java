package io.gatehouse.shared.internal.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness DOWN ({@code shutdown}) from SIGTERM on, while the server still serves for the shutdown
 * delay: load balancers move on before anything is refused.
 */
@Readiness
@ApplicationScoped
public class ShutdownReadinessCheck implements HealthCheck {
    @Inject ShutdownDrain drain;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("shutdown").status(!drain.stopping()).build();
    }
}
