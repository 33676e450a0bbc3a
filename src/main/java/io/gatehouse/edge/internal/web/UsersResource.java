package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.IdentityService;
import io.gatehouse.edge.internal.persistence.UserEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.NotFoundException;
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
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A tenant's people, managed by its admins. */
@Path("api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
@SecurityRequirement(name = "jwt")
@Tag(name = "Administration")
public class UsersResource {
    @Inject IdentityService identity;
    @Inject CurrentCaller current;
    @Context HttpServletRequest http;

    @POST
    @Operation(summary = "Create a user in the caller's tenant")
    @APIResponse(
            responseCode = "201",
            description = "Created",
            content = @Content(schema = @Schema(implementation = Dtos.UserView.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "username_unavailable: usernames are global; the answer never names the tenant holding it")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.NewUser.class)))
    public Response create(Dtos.NewUser body) {
        if (body == null) {
            throw new ValidationException(
                    "username", "A body with username, password and roles is required");
        }
        Caller c = current.require();
        UserEntity u =
                identity.createUser(
                        c, c.tenant(), body.username(), body.password(), body.roles(), rid());
        return Response.status(201).entity(view(u, Map.of())).build();
    }

    @GET
    @Operation(summary = "The tenant's users")
    public List<Dtos.UserView> list() {
        Caller c = current.require();
        Map<String, Instant> locked = identity.lockedUntil(c.tenant());
        return identity.users(c.tenant()).stream().map(u -> view(u, locked)).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One user")
    public Dtos.UserView get(@PathParam("id") String id) {
        Caller c = current.require();
        return view(identity.user(c.tenant(), uuid(id)), identity.lockedUntil(c.tenant()));
    }

    @PATCH
    @Path("{id}")
    @Operation(summary = "Change a user's roles and/or status")
    @APIResponse(
            responseCode = "200",
            description = "The user",
            content = @Content(schema = @Schema(implementation = Dtos.UserView.class)))
    @APIResponse(
            responseCode = "403",
            description =
                    "outranked: the user holds admin or platform-admin, which the caller does not")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.UserPatch.class)))
    public Dtos.UserView update(@PathParam("id") String id, Dtos.UserPatch body) {
        if (body == null) {
            throw new ValidationException("roles", "A body with roles and/or status is required");
        }
        Caller c = current.require();
        UserEntity u =
                identity.updateUser(c, c.tenant(), uuid(id), body.roles(), body.status(), rid());
        return view(u, identity.lockedUntil(c.tenant()));
    }

    @POST
    @Path("{id}/reset-password")
    @Operation(summary = "Set a user's password; ends its tokens and clears its login lock-outs")
    @APIResponse(responseCode = "204", description = "Done")
    @APIResponse(
            responseCode = "403",
            description =
                    "outranked: the user holds admin or platform-admin, which the caller does not")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.PasswordReset.class)))
    public Response resetPassword(@PathParam("id") String id, Dtos.PasswordReset body) {
        Caller c = current.require();
        identity.resetPassword(
                c, c.tenant(), uuid(id), body == null ? null : body.password(), rid());
        return Response.noContent().build();
    }

    /**
     * {@code locked}: lower-cased usernames locked out from some client address, and until when.
     */
    static Dtos.UserView view(UserEntity u, Map<String, Instant> locked) {
        return new Dtos.UserView(
                u.id().toString(),
                u.tenantId().toString(),
                u.username(),
                List.copyOf(u.roles()),
                u.status(),
                locked.get(u.username().toLowerCase(Locale.ROOT)),
                u.createdAt());
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("Not found");
        }
    }

    private String rid() {
        return (String) http.getAttribute(RequestIds.ATTRIBUTE);
    }
}
