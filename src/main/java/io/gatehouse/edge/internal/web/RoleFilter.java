package io.gatehouse.edge.internal.web;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.UnauthorizedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.Arrays;
import java.util.List;

/**
 * The role check of one resource method: 401 without a caller, 403 (audited) without one of the
 * roles. {@link RoleFeature} binds an instance, with the method's roles, to each method that
 * declares {@link io.gatehouse.shared.RequiresRole}; nothing is looked up per request.
 */
final class RoleFilter implements ContainerRequestFilter {
    private final Role[] roles;
    private final List<String> wireNames;
    private final CurrentCaller current;
    private final AuditRecorder audit;

    RoleFilter(Role[] roles, CurrentCaller current, AuditRecorder audit) {
        this.roles = roles.clone();
        this.wireNames = Arrays.stream(roles).map(Role::wireName).toList();
        this.current = current;
        this.audit = audit;
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        Caller caller = current.get().orElse(null);
        if (caller == null || caller.isApiKey()) {
            // an API key has no roles by construction; it is not a person's credential at all
            throw new UnauthorizedException("Authentication required");
        }
        for (Role r : roles) {
            if (caller.has(r)) {
                return;
            }
        }
        String path = ctx.getUriInfo().getPath();
        audit.record(
                AuditEvent.by(caller, "auth.forbidden")
                        .outcome(AuditEvent.Outcome.DENIED)
                        .detail("reason", "missing_role")
                        .detail("path", path.length() > 200 ? path.substring(0, 200) : path)
                        // request properties are the servlet request's attributes
                        .requestId((String) ctx.getProperty(RequestIds.ATTRIBUTE))
                        .build());
        throw new ForbiddenException("This needs one of the roles " + wireNames);
    }
}
