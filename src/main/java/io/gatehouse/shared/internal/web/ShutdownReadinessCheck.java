package io.gatehouse.shared.internal.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness DOWN ({@code shutdown}) once the application is stopping: load balancers move on. */
@Readiness
@ApplicationScoped
public class ShutdownReadinessCheck implements HealthCheck {
    @Inject ShutdownDrain drain;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("shutdown").status(!drain.draining()).build();
    }
}
