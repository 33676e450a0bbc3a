package io.gatehouse.edge.internal.web;

import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;

/**
 * Enforces {@link RequiresRole} (the method's, else its class's) by binding a {@link RoleFilter} to
 * each resource method once, when the application deploys. Methods without roles (the API-key calls
 * of {@code /v1}) run no role filter: a global filter looked the annotation up through RESTEasy's
 * reflective {@code ResourceInfo} proxy on every request, /v1 included.
 */
@Provider
public class RoleFeature implements DynamicFeature {
    @Inject CurrentCaller current;
    @Inject AuditRecorder audit;

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        RequiresRole rr = required(resource.getResourceMethod(), resource.getResourceClass());
        if (rr != null) {
            context.register(new RoleFilter(rr.value(), current, audit), Priorities.AUTHORIZATION);
        }
    }

    private static RequiresRole required(Method method, Class<?> resourceClass) {
        RequiresRole rr = method == null ? null : method.getAnnotation(RequiresRole.class);
        if (rr == null && resourceClass != null) {
            rr = resourceClass.getAnnotation(RequiresRole.class);
        }
        return rr;
    }
}
