package io.gatehouse.governance.internal.web;

import io.gatehouse.governance.internal.Canaries;
import io.gatehouse.governance.internal.GoldenSets;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
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
    @Inject Canaries canaries;
    @Inject CurrentCaller caller;
    @Context HttpServletRequest request;

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

    @GET
    @Path("{name}/canary")
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.AUDITOR, Role.ADMIN})
    @Operation(
            summary =
                    "A golden set's drift canary: its settings, baseline, drift states and the"
                            + " measures of its recent scheduled runs per route and model, newest"
                            + " first")
    @APIResponse(
            responseCode = "200",
            description = "The canary's series",
            content = @Content(schema = @Schema(implementation = CanaryDtos.Series.class)))
    @APIResponse(responseCode = "400", description = "limit is not from 1 to 500")
    @APIResponse(responseCode = "404", description = "No such golden set in the tenant")
    public JsonObject canary(@PathParam("name") String name, @QueryParam("limit") String limit) {
        Integer n = null;
        if (limit != null) {
            try {
                n = Integer.valueOf(limit);
            } catch (NumberFormatException e) {
                n = 0; // refused as out of range
            }
        }
        return canaries.series(caller.require(), name, n);
    }

    @POST
    @Path("{name}/baseline")
    @Consumes(MediaType.WILDCARD)
    @RequiresRole({Role.ADMIN})
    @Operation(
            summary =
                    "Record the drift canary's baseline: the answers of a finished scheduled run"
                            + " ({\"runId\"}, or the newest) replace the answers the next runs are"
                            + " compared with")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = CanaryDtos.BaselineRequest.class)))
    @APIResponse(
            responseCode = "400",
            description = "The body is not a JSON object, or runId is not a run's id")
    @APIResponse(
            responseCode = "200",
            description = "The baseline recorded",
            content = @Content(schema = @Schema(implementation = CanaryDtos.Baseline.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such golden set in the tenant, or no finished run of it by that id")
    @APIResponse(
            responseCode = "409",
            description = "no_canary_run: no scheduled run of the set has finished yet")
    public JsonObject baseline(@PathParam("name") String name, String body) {
        String runId = JsonBodies.string(JsonBodies.object(body), "runId");
        Object id = request.getAttribute(RequestIds.ATTRIBUTE);
        return canaries.recordBaseline(
                caller.require(), name, runId, id == null ? null : id.toString());
    }
}
