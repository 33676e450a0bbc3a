package io.gatehouse.policy.internal.web;

import io.gatehouse.audit.RetainedRequests;
import io.gatehouse.policy.internal.PolicyCatalog;
import io.gatehouse.policy.internal.PolicyTestBench;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's policies (read-only: changes go through {@code /api/v1/changes} with kind {@code
 * policy}) and the test bench for drafts.
 */
@Path("/api/v1/policies")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "policies")
@SecurityRequirement(name = "jwt")
public class PolicyResource {
    @Inject CurrentCaller caller;
    @Inject PolicyCatalog catalog;
    @Inject PolicyTestBench bench;
    @Inject RetainedRequests retained;
    @jakarta.ws.rs.core.Context jakarta.servlet.http.HttpServletRequest http;

    @GET
    @RequiresRole({Role.ADMIN, Role.AUTHOR, Role.REVIEWER, Role.AUDITOR})
    @Operation(
            summary =
                    "The policies that apply to the tenant (its own and the global ones), live versions")
    public List<PolicyCatalog.PolicySummary> list() {
        return catalog.list(tenant());
    }

    @GET
    @Path("{name}")
    @RequiresRole({Role.ADMIN, Role.AUTHOR, Role.REVIEWER, Role.AUDITOR})
    @Operation(summary = "A policy: its live content and version history")
    @APIResponse(
            responseCode = "200",
            description = "The policy",
            content =
                    @Content(schema = @Schema(implementation = PolicyDtos.PolicyDetailView.class)))
    public PolicyCatalog.PolicyDetail get(@PathParam("name") String name) {
        return catalog.find(tenant(), name)
                .orElseThrow(() -> new NotFoundException("No such policy"));
    }

    /**
     * Evaluates a draft against a sample request and recent recorded traffic. Body: {@code {"name",
     * "policy": {...}, "request": {"messages": [...], "headers": {...}, "classification": 0},
     * "answer": "...", "traffic": {"limit": 100}}}.
     */
    @POST
    @Path("test")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUTHOR})
    @Operation(
            summary = "Evaluate a draft policy against a sample request and recent traffic",
            description =
                    "400 names the field of an invalid draft; 400 cel_bound_exceeded when a condition's worst"
                            + " case exceeds the evaluation bounds (docs/policy.md); a rule that exceeds a bound at"
                            + " run time shows in the sample as status 500 policy_evaluation_failed with the error;"
                            + " 422 policy_test_timeout when the run exceeds its time limit"
                            + " (gatehouse.policy.test.timeout.ms, 5 s). The traffic replay runs over the"
                            + " content the tenant retains (replayedOver full|redacted; reading it is audited"
                            + " as audit.content.read, purpose policy.replay) and over the recorded summaries"
                            + " for the rest (summaryOnly).")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = PolicyDtos.PolicyTestRequest.class)))
    @APIResponse(
            responseCode = "200",
            description = "What the draft would change",
            content =
                    @Content(schema = @Schema(implementation = PolicyDtos.PolicyTestResult.class)))
    @APIResponse(
            responseCode = "422",
            description = "policy_test_timeout: the run exceeded its time limit")
    public JsonObject test(JsonObject body) {
        Caller c = caller.require();
        TenantId tenant = tenant();
        RetainedRequests.Read read =
                new RetainedRequests.Read(
                        "policy.replay", (String) http.getAttribute(RequestIds.ATTRIBUTE));
        return bench.run(tenant, body, limit -> retained.recent(c, limit, read));
    }

    private TenantId tenant() {
        Caller c = caller.require();
        return c.tenantId()
                .orElseThrow(
                        () ->
                                new ForbiddenException(
                                        "tenant_required", "Policies belong to a tenant"));
    }
}
