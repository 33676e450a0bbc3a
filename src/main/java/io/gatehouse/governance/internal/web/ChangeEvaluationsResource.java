package io.gatehouse.governance.internal.web;

import io.gatehouse.governance.internal.ChangeViews;
import io.gatehouse.governance.internal.EvaluationTriggers;
import io.gatehouse.governance.internal.Evidence;
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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Evaluating a change's current revision on demand ({@code POST /api/v1/changes/{id}/evaluations}).
 */
@Path("/api/v1/changes/{id}/evaluations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
public class ChangeEvaluationsResource {
    @Inject EvaluationTriggers evaluations;
    @Inject Evidence evidence;
    @Inject ChangeViews views;
    @Inject CurrentCaller caller;
    @Context HttpServletRequest request;

    @POST
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.ADMIN})
    @Operation(
            summary =
                    "Evaluate the change's current revision now: one run per live golden set of"
                            + " the tenant that binds its kind and target (issue 23)")
    @APIResponse(
            responseCode = "202",
            description =
                    "The runs queued (status running); GET /api/v1/evaluations/{runId}. A set"
                            + " whose run of this revision is queued or running already answers"
                            + " that run (same shape): concurrent requests queue one run per"
                            + " revision and set",
            content =
                    @Content(
                            schema =
                                    @Schema(
                                            implementation =
                                                    EvaluationDtos.EvaluationsQueued.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "no_golden_set: no live golden set binds the change; change_not_evaluable:"
                            + " the change is published, rejected, withdrawn or superseded")
    public Response evaluate(@PathParam("id") String id) {
        io.gatehouse.shared.Caller c = caller.require();
        UUID change = JsonBodies.uuid(id);
        java.util.List<UUID> runs = evaluations.onDemand(c, requestId(), change);
        evaluations.kick();
        JsonArrayBuilder a = Json.createArrayBuilder();
        java.util.Set<String> authors = new java.util.HashSet<>();
        views.get(c, change).authors().forEach(p -> authors.add(p.id()));
        for (JsonObject e : evidence.forChange(c.tenant(), change, null, authors)) {
            if (runs.contains(UUID.fromString(e.getString("runId")))) {
                a.add(e);
            }
        }
        return Response.accepted(Json.createObjectBuilder().add("data", a).build()).build();
    }

    private String requestId() {
        Object id = request.getAttribute(RequestIds.ATTRIBUTE);
        return id == null ? null : id.toString();
    }
}
