package io.gatehouse.governance.internal.web;

import io.gatehouse.governance.internal.GoldenSets;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
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
 * Golden sets (issue 23), read only: they change through change requests of kind {@code
 * golden_set}.
 */
@Path("/api/v1/golden-sets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
public class GoldenSetsResource {
    @Inject GoldenSets sets;
    @Inject CurrentCaller caller;

    @GET
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.AUDITOR, Role.ADMIN})
    @Operation(summary = "The tenant's live golden sets (their bindings, pass rate, case count)")
    @APIResponse(
            responseCode = "200",
            description = "The live golden sets, by name",
            content =
                    @Content(schema = @Schema(implementation = EvaluationDtos.GoldenSetList.class)))
    public JsonObject list() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        sets.list(caller.require()).forEach(a::add);
        return Json.createObjectBuilder().add("data", a).build();
    }

    @GET
    @Path("{name}")
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.AUDITOR, Role.ADMIN})
    @Operation(summary = "A golden set's live version with its content")
    @APIResponse(
            responseCode = "200",
            description = "The golden set",
            content = @Content(schema = @Schema(implementation = EvaluationDtos.GoldenSet.class)))
    @APIResponse(responseCode = "404", description = "No such golden set in the tenant")
    public JsonObject get(@PathParam("name") String name) {
        return sets.get(caller.require(), name);
    }
}
