package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.SessionService;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A tenant admin ends a person's console sessions (docs/security.md, "Console sessions"): every
 * session family of that subject in the admin's tenant, with the access tokens they issued.
 */
@Path("api/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
@SecurityRequirement(name = "jwt")
@Tag(name = "Administration")
public class SessionsResource {
    @Inject SessionService sessions;
    @Inject CurrentCaller current;
    @Context HttpServletRequest http;

    @DELETE
    @Operation(
            summary = "End every console session of a person in the caller's tenant",
            description =
                    "subject is a built-in user's id or oidc:<sub> of a single sign-on person (as"
                            + " /api/v1/me and the audit trail name them). Every live session of that"
                            + " person in the caller's tenant is revoked, and the unexpired access tokens"
                            + " those sessions issued are refused from now on, on every instance. Audited"
                            + " as auth.session_revoked with reason admin. A person of another tenant is"
                            + " not found.")
    @APIResponse(
            responseCode = "200",
            description = "Ended (sessions_ended may be 0)",
            content = @Content(schema = @Schema(implementation = Dtos.SessionsEnded.class)))
    @APIResponse(responseCode = "400", description = "invalid_request: subject is missing")
    @APIResponse(
            responseCode = "404",
            description = "No user or session of that subject in the caller's tenant")
    public Dtos.SessionsEnded end(@QueryParam("subject") String subject) {
        Caller c = current.require();
        int n = sessions.endAll(c, subject, (String) http.getAttribute(RequestIds.ATTRIBUTE));
        return new Dtos.SessionsEnded(subject, n);
    }
}
