package io.gatehouse.governance.internal.web;

import io.gatehouse.governance.internal.ChangeViews;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What is live now for a kind's target ({@code GET /api/v1/changes/live/{kind}/{target}}): where an
 * authoring form starts from.
 */
@Path("/api/v1/changes/live/{kind}/{target}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
public class LiveContentResource {
    @Inject ChangeViews views;
    @Inject CurrentCaller caller;

    @GET
    @RequiresRole({Role.AUTHOR, Role.ADMIN})
    @Operation(
            summary =
                    "What is live now for a kind's target in the caller's tenant (secrets masked):"
                            + " where an authoring form starts from; for those who may create"
                            + " changes (author, admin)")
    @APIResponse(
            responseCode = "200",
            description = "The live version and its content",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.LiveContent.class)))
    @APIResponse(responseCode = "400", description = "An unknown kind (the known ones are named)")
    @APIResponse(
            responseCode = "404",
            description = "not_live: nothing of that kind and name is live in the caller's tenant")
    public JsonObject live(@PathParam("kind") String kind, @PathParam("target") String target) {
        io.gatehouse.governance.LiveVersion v = views.live(caller.require(), kind, target);
        return Json.createObjectBuilder()
                .add("kind", kind)
                .add("target", target)
                .add("version", v.version())
                .add("content", v.content())
                .build();
    }
}
