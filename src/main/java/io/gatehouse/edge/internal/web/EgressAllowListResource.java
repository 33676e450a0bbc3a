package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.EgressAllowLists;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A tenant's egress allow-list: the private, loopback and link-local destinations (providers,
 * webhooks, ...) Gatehouse may call for the tenant. Platform admins only: tenant admins configure
 * the URLs, the platform decides which internal networks they may reach.
 *
 * <p>Both answers carry an {@code ETag}; a replacement sent with {@code If-Match} is refused (409
 * {@code stale_allowlist}) when the list changed since that read, so one admin's whole-list PUT
 * cannot silently undo another's change (the console always sends it).
 */
@Path("api/v1/platform/tenants/{id}/egress-allowlist")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.PLATFORM_ADMIN)
@SecurityRequirement(name = "jwt")
@Tag(name = "Platform administration")
public class EgressAllowListResource {
    @Inject EgressAllowLists lists;
    @Inject CurrentCaller current;
    @Context HttpServletRequest http;

    @GET
    @Operation(summary = "The tenant's egress allow-list")
    @APIResponse(
            responseCode = "200",
            description = "The list; the ETag header names this version of it (for If-Match)",
            content = @Content(schema = @Schema(implementation = Dtos.EgressAllowListView.class)))
    public Response get(@PathParam("id") String id) {
        return answer(lists.get(UsersResource.uuid(id)));
    }

    @PUT
    @Operation(
            summary = "Replace the tenant's egress allow-list",
            description =
                    "Audited as egress.allowlist.update in the tenant's chain. Destinations are checked and"
                            + " stored in canonical form; networks broader than /8 (IPv4) or /7 (IPv6) are refused."
                            + " Cloud-metadata addresses stay refused whatever the list says. With"
                            + " If-Match (the ETag of a read), a list changed since that read is not"
                            + " replaced: 409 stale_allowlist.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.EgressAllowListUpdate.class)))
    @APIResponse(
            responseCode = "200",
            description = "The list as stored; the ETag header names its new version",
            content = @Content(schema = @Schema(implementation = Dtos.EgressAllowListView.class)))
    public Response replace(
            @PathParam("id") String id,
            @Parameter(description = "The ETag of the read this replacement is based on; optional")
                    @HeaderParam("If-Match")
                    String ifMatch,
            Dtos.EgressAllowListUpdate body) {
        if (body == null) {
            throw new ValidationException("entries", "A body with entries is required");
        }
        var entries =
                body.entries() == null
                        ? null
                        : body.entries().stream()
                                .map(
                                        e ->
                                                e == null
                                                        ? null
                                                        : new EgressAllowLists.Entry(
                                                                e.destination(),
                                                                e.port(),
                                                                e.note()))
                                .toList();
        return answer(
                lists.replace(
                        current.require(),
                        UsersResource.uuid(id),
                        ifMatch,
                        entries,
                        (String) http.getAttribute(RequestIds.ATTRIBUTE)));
    }

    private static Response answer(EgressAllowLists.AllowList l) {
        return Response.ok(view(l)).header("ETag", EgressAllowLists.etag(l.updatedAt())).build();
    }

    private static Dtos.EgressAllowListView view(EgressAllowLists.AllowList l) {
        return new Dtos.EgressAllowListView(
                l.tenantId().toString(),
                l.entries().stream()
                        .map(e -> new Dtos.EgressEntry(e.destination(), e.port(), e.note()))
                        .toList(),
                l.updatedBy(),
                l.updatedAt());
    }
}
