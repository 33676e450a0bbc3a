package io.gatehouse.policy.internal.web;

import io.gatehouse.policy.internal.PolicyCatalog;
import io.gatehouse.policy.internal.PolicyTestBench;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
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

/**
 * The tenant's policies (read-only: changes go through {@code /api/v1/changes} with kind {@code
 * policy}) and the test bench for drafts.
 */
@Path("/api/v1/policies")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {
    @Inject CurrentCaller caller;
    @Inject PolicyCatalog catalog;
    @Inject PolicyTestBench bench;

    @GET
    @RequiresRole({Role.ADMIN, Role.AUTHOR, Role.REVIEWER, Role.AUDITOR})
    public List<PolicyCatalog.PolicySummary> list() {
        return catalog.list(tenant());
    }

    @GET
    @Path("{name}")
    @RequiresRole({Role.ADMIN, Role.AUTHOR, Role.REVIEWER, Role.AUDITOR})
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
                            + " (gatehouse.policy.test.timeout.ms, 5 s).")
    public JsonObject test(JsonObject body) {
        return bench.run(tenant(), body);
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
