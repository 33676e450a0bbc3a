package io.gatehouse.governance.internal.web;

import io.gatehouse.governance.internal.ApprovalPolicies;
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
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
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

/** How many approvals each kind and risk class needs in the caller's tenant. */
@Path("/api/v1/approval-policies")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
public class ApprovalPoliciesResource {
    @Inject ApprovalPolicies policies;
    @Inject CurrentCaller caller;
    @Context HttpServletRequest request;

    @GET
    @RequiresRole({Role.ADMIN, Role.AUTHOR, Role.REVIEWER, Role.AUDITOR})
    @Operation(
            summary =
                    "Effective required approvals and whether evidence is required, per kind and"
                            + " risk (configured or default)")
    @APIResponse(
            responseCode = "200",
            description = "Effective policies",
            content =
                    @Content(
                            schema =
                                    @Schema(
                                            implementation =
                                                    GovernanceDtos.ApprovalPolicyList.class)))
    public JsonObject list() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (ApprovalPolicies.ApprovalPolicyEntry e : policies.policies(caller.require())) {
            a.add(json(e));
        }
        return Json.createObjectBuilder().add("data", a).build();
    }

    @PUT
    @RequiresRole({Role.ADMIN})
    @Operation(
            summary =
                    "Set {kind (or *), risk (LOW|HIGH), requiredApprovals (1..5; HIGH >= 2),"
                            + " requireEvidence (optional)}")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema =
                                    @Schema(
                                            implementation =
                                                    GovernanceDtos.ApprovalPolicyUpdate.class)))
    @APIResponse(
            responseCode = "200",
            description = "The policy as set",
            content =
                    @Content(
                            schema =
                                    @Schema(
                                            implementation =
                                                    GovernanceDtos.ApprovalPolicyView.class)))
    public JsonObject set(String body) {
        JsonObject b = JsonBodies.object(body);
        Object rid = request.getAttribute(RequestIds.ATTRIBUTE);
        return json(
                policies.setPolicy(
                        caller.require(),
                        rid == null ? null : rid.toString(),
                        JsonBodies.string(b, "kind"),
                        JsonBodies.string(b, "risk"),
                        JsonBodies.integer(b, "requiredApprovals"),
                        JsonBodies.bool(b, "requireEvidence")));
    }

    private static JsonObject json(ApprovalPolicies.ApprovalPolicyEntry e) {
        return Json.createObjectBuilder()
                .add("kind", e.kind())
                .add("risk", e.risk())
                .add("requiredApprovals", e.requiredApprovals())
                .add("requireEvidence", e.requireEvidence())
                .add("configured", e.configured())
                .build();
    }
}
