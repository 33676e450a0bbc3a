package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.IdentityService;
import io.gatehouse.edge.internal.persistence.TenantLimitsEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's rate limits and cost budgets (null: the platform default / unlimited budget), and
 * the share of them its evaluation runs may use (null: the default, a tenth).
 */
@Path("api/v1/limits")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
@SecurityRequirement(name = "jwt")
@Tag(name = "Limits and budgets")
public class LimitsResource {
    @Inject IdentityService identity;
    @Inject CurrentCaller current;
    @Context HttpServletRequest http;

    @GET
    @Operation(summary = "The tenant's rate limits and budgets (null: none)")
    public Dtos.Limits get() {
        return view(identity.limits(current.require().tenant()));
    }

    @PUT
    @Operation(summary = "Set the tenant's rate limits and budgets")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.Limits.class)))
    public Dtos.Limits set(Dtos.Limits body) {
        if (body == null) {
            throw new ValidationException("rpmLimit", "A body is required");
        }
        Caller c = current.require();
        return view(
                identity.setLimits(
                        c,
                        c.tenant(),
                        body.rpmLimit(),
                        body.tpmLimit(),
                        body.dailyBudgetMicros(),
                        body.monthlyBudgetMicros(),
                        body.evaluationSharePercent(),
                        (String) http.getAttribute(RequestIds.ATTRIBUTE)));
    }

    static Dtos.Limits view(TenantLimitsEntity l) {
        return new Dtos.Limits(
                l.rpmLimit(),
                l.tpmLimit(),
                l.dailyBudgetMicros(),
                l.monthlyBudgetMicros(),
                l.evaluationSharePercent());
    }
}
