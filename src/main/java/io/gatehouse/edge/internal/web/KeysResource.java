package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.IdentityService;
import io.gatehouse.edge.internal.persistence.ApiKeyEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Client API keys of the caller's tenant: the secret is shown once, at creation or rotation. */
@Path("api/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
@SecurityRequirement(name = "jwt")
@Tag(name = "API keys")
public class KeysResource {
    @Inject IdentityService identity;
    @Inject CurrentCaller current;
    @Context HttpServletRequest http;

    @POST
    @Operation(summary = "Create a key; the response holds the secret, which is never shown again")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.NewKey.class)))
    @APIResponse(
            responseCode = "201",
            description = "Created; key is the secret, shown this once",
            content = @Content(schema = @Schema(implementation = Dtos.CreatedKey.class)))
    public Response create(Dtos.NewKey body) {
        if (body == null) {
            throw new ValidationException("name", "A body with a name is required");
        }
        Caller c = current.require();
        IdentityService.NewKey k =
                identity.createKey(
                        c,
                        c.tenant(),
                        new IdentityService.KeySpec(
                                body.name(),
                                body.allowedRoutes(),
                                body.allowedCidrs(),
                                body.expiresAt(),
                                body.rpmLimit(),
                                body.tpmLimit()),
                        rid());
        return Response.status(201).entity(created(k)).build();
    }

    @GET
    @Operation(summary = "List the tenant's keys (prefixes only)")
    public List<Dtos.KeyView> list() {
        Caller c = current.require();
        return identity.keys(c.tenant()).stream().map(KeysResource::view).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One key (prefix only)")
    public Dtos.KeyView get(@PathParam("id") String id) {
        Caller c = current.require();
        return view(identity.key(c.tenant(), UsersResource.uuid(id)));
    }

    @POST
    @Path("{id}/revoke")
    @Operation(summary = "Revoke at once, on every instance")
    public Dtos.KeyView revoke(@PathParam("id") String id) {
        Caller c = current.require();
        return view(identity.revokeKey(c, c.tenant(), UsersResource.uuid(id), rid()));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Same as revoke (keys are never deleted: their history stays auditable)")
    public Dtos.KeyView delete(@PathParam("id") String id) {
        return revoke(id);
    }

    @POST
    @Path("{id}/rotate")
    @Operation(
            summary =
                    "Issue a successor; the old key keeps working for overlapSeconds (default 3600)")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.Rotation.class)))
    @APIResponse(
            responseCode = "201",
            description = "The successor; key is its secret, shown this once",
            content = @Content(schema = @Schema(implementation = Dtos.CreatedKey.class)))
    public Response rotate(@PathParam("id") String id, Dtos.Rotation body) {
        Caller c = current.require();
        long overlap = body == null || body.overlapSeconds() == null ? 3600 : body.overlapSeconds();
        IdentityService.NewKey k =
                identity.rotateKey(
                        c, c.tenant(), UsersResource.uuid(id), Duration.ofSeconds(overlap), rid());
        return Response.status(201).entity(created(k)).build();
    }

    static Dtos.CreatedKey created(IdentityService.NewKey k) {
        ApiKeyEntity e = k.entity();
        return new Dtos.CreatedKey(
                e.id().toString(),
                e.name(),
                e.prefix(),
                k.secret(),
                List.copyOf(e.allowedRoutes()),
                List.copyOf(e.allowedCidrs()),
                e.rpmLimit(),
                e.tpmLimit(),
                e.expiresAt(),
                e.rotatedFrom() == null ? null : e.rotatedFrom().toString());
    }

    static Dtos.KeyView view(ApiKeyEntity e) {
        Instant now = Instant.now();
        String status =
                e.revokedAt() != null
                        ? "revoked"
                        : e.expiresAt() != null && !e.expiresAt().isAfter(now)
                                ? "expired"
                                : "active";
        return new Dtos.KeyView(
                e.id().toString(),
                e.name(),
                e.prefix(),
                List.copyOf(e.allowedRoutes()),
                List.copyOf(e.allowedCidrs()),
                e.rpmLimit(),
                e.tpmLimit(),
                e.expiresAt(),
                e.revokedAt(),
                e.rotatedFrom() == null ? null : e.rotatedFrom().toString(),
                e.createdBy(),
                e.createdAt(),
                status);
    }

    private String rid() {
        return (String) http.getAttribute(RequestIds.ATTRIBUTE);
    }
}
