package io.gatehouse.governance.internal.web;

import static io.gatehouse.governance.internal.web.JsonBodies.put;

import io.gatehouse.governance.internal.ChangeTestCalls;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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
 * A test call with a change's draft applied to it only ({@code POST
 * /api/v1/changes/{id}/test-call}).
 */
@Path("/api/v1/changes/{id}/test-call")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
public class ChangeTestCallResource {
    @Inject ChangeTestCalls testCalls;
    @Inject CurrentCaller caller;
    @Context HttpServletRequest request;

    @POST
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.ADMIN})
    @Operation(
            summary =
                    "One call through the gateway with this prompt or policy draft applied to it"
                            + " only: the tenant's limits, budget, live policies (a policy draft in"
                            + " place of its live version) and published routes; audited and"
                            + " counted")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.TestCall.class)))
    @APIResponse(
            responseCode = "200",
            description =
                    "The call ran: its answer, or the gateway's denial or failure (status, error)",
            content =
                    @Content(
                            schema = @Schema(implementation = GovernanceDtos.TestCallAnswer.class)))
    @APIResponse(
            responseCode = "400",
            description =
                    "A bad body (the field is named), or test_call_unsupported: not a prompt or"
                            + " policy change")
    @APIResponse(
            responseCode = "409",
            description =
                    "change_not_testable: the change is published, rejected, withdrawn or"
                            + " superseded")
    public JsonObject testCall(@PathParam("id") String id, String body) {
        io.gatehouse.governance.DraftTestCall.Answer a =
                testCalls.run(
                        caller.require(),
                        requestId(),
                        JsonBodies.uuid(id),
                        JsonBodies.object(body));
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("changeId", id)
                        .add("status", a.status())
                        .add(
                                "outcome",
                                a.status() == 200
                                        ? "answered"
                                        : a.status() == 403
                                                        || (a.errorCode() != null
                                                                && a.errorCode()
                                                                        .startsWith("policy"))
                                                ? "denied"
                                                : "failed");
        put(b, "text", a.text());
        put(b, "route", a.route());
        put(b, "provider", a.provider());
        put(b, "model", a.model());
        b.add("inputTokens", a.inputTokens())
                .add("outputTokens", a.outputTokens())
                .add("costMicros", a.costMicros());
        put(b, "requestId", a.requestId());
        if (a.errorCode() != null) {
            b.add(
                    "error",
                    Json.createObjectBuilder()
                            .add("code", a.errorCode())
                            .add("message", a.errorMessage() == null ? "" : a.errorMessage()));
        }
        return b.build();
    }

    private String requestId() {
        Object id = request.getAttribute(RequestIds.ATTRIBUTE);
        return id == null ? null : id.toString();
    }
}
