package io.gatehouse.governance.internal.web;

import io.gatehouse.governance.internal.Evidence;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.inject.Inject;
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

/** Evaluation runs (issue 23): one run with its per-case results. */
@Path("/api/v1/evaluations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
public class EvaluationsResource {
    @Inject Evidence evidence;
    @Inject CurrentCaller caller;

    @GET
    @Path("{runId}")
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary =
                    "An evaluation run of a golden set against a change: its status, both sides'"
                            + " pass rates, the differing cases and every case's result per side")
    @APIResponse(
            responseCode = "200",
            description = "The run",
            content =
                    @Content(schema = @Schema(implementation = EvaluationDtos.EvaluationRun.class)))
    @APIResponse(responseCode = "404", description = "No such run in the tenant")
    public JsonObject get(@PathParam("runId") String runId) {
        return evidence.run(caller.require(), JsonBodies.uuid(runId));
    }
}
