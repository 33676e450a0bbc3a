package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.IdentityService;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tenants, managed by platform admins. Suspending one cuts all its keys and tokens at once. */
@Path("api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.PLATFORM_ADMIN)
@SecurityRequirement(name = "jwt")
@Tag(name = "Platform administration")
public class TenantsResource {
    @Inject IdentityService identity;
    @Inject CurrentCaller current;
    @Context HttpServletRequest http;

    @POST
    @Path("tenants")
    @Operation(summary = "Create a tenant, optionally with its first admin")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.NewTenant.class)))
    @APIResponse(
            responseCode = "201",
            description = "Created",
            content = @Content(schema = @Schema(implementation = Dtos.TenantView.class)))
    @APIResponse(responseCode = "409", description = "The slug or the admin username is taken")
    public Response create(Dtos.NewTenant body) {
        if (body == null) {
            throw new ValidationException("slug", "A body with slug and displayName is required");
        }
        TenantEntity t =
                identity.createTenant(
                        current.require(),
                        body.slug(),
                        body.displayName(),
                        body.admin() == null ? null : body.admin().username(),
                        body.admin() == null ? null : body.admin().password(),
                        rid());
        return Response.status(201).entity(view(t)).build();
    }

    @GET
    @Path("tenants")
    @Operation(summary = "Every tenant")
    public List<Dtos.TenantView> list() {
        return identity.tenants().stream().map(TenantsResource::view).toList();
    }

    @PATCH
    @Path("tenants/{id}")
    @Operation(
            summary = "Suspend or resume a tenant: {\"status\": \"suspended\" | \"active\"}",
            description =
                    "A suspended tenant's API keys, its users' tokens and external-issuer tokens naming it are"
                            + " refused with 403 tenant_suspended on every instance within about a second; its"
                            + " people cannot log in. Resuming restores them. A platform admin cannot suspend their"
                            + " own tenant (409).")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.TenantPatch.class)))
    public Dtos.TenantView update(@PathParam("id") String id, Dtos.TenantPatch body) {
        if (body == null || body.status() == null) {
            throw new ValidationException("status", "status is required");
        }
        return view(
                identity.setTenantStatus(
                        current.require(), UsersResource.uuid(id), body.status(), rid()));
    }

    static Dtos.TenantView view(TenantEntity t) {
        return new Dtos.TenantView(
                t.id().toString(), t.slug(), t.displayName(), t.status(), t.createdAt());
    }

    private String rid() {
        return (String) http.getAttribute(RequestIds.ATTRIBUTE);
    }
}
