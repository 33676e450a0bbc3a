package io.gatehouse.edge.internal.web;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.UnauthorizedException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.util.Arrays;

/** Enforces {@link RequiresRole} on the matched resource method: 403 (audited) without the role. */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class RoleFilter implements ContainerRequestFilter {
  @Context ResourceInfo resource;
  @Context HttpServletRequest http;
  @Inject CurrentCaller current;
  @Inject AuditRecorder audit;

  @Override
  public void filter(ContainerRequestContext ctx) {
    RequiresRole rr = null;
    if (resource.getResourceMethod() != null) {
      rr = resource.getResourceMethod().getAnnotation(RequiresRole.class);
    }
    if (rr == null && resource.getResourceClass() != null) {
      rr = resource.getResourceClass().getAnnotation(RequiresRole.class);
    }
    if (rr == null) {
      return;
    }
    Caller caller = current.get().orElse(null);
    if (caller == null) {
      throw new UnauthorizedException("Authentication required");
    }
    if (Arrays.stream(rr.value()).noneMatch(caller::has)) {
      String path = ctx.getUriInfo().getPath();
      audit.record(
          AuditEvent.by(caller, "auth.forbidden")
              .outcome(AuditEvent.Outcome.DENIED)
              .detail("reason", "missing_role")
              .detail("path", path.length() > 200 ? path.substring(0, 200) : path)
              .requestId((String) http.getAttribute(RequestIds.ATTRIBUTE))
              .build());
      throw new ForbiddenException(
          "This needs one of the roles " + Arrays.stream(rr.value()).map(Role::wireName).toList());
    }
  }
}
