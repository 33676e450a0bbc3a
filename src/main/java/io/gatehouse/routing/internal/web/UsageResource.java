package io.gatehouse.routing.internal.web;

import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.StatsTimeout;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Usage totals (requests, errors, tokens, cost, cache hits) over a period, grouped by key, route,
 * model or provider: for a tenant's admins at {@code /api/v1/usage}, and for an API key's own
 * requests at {@code /v1/usage} ({@link KeyUsageResource}). Read from the gateway's audit events.
 */
@Path("api/v1/usage")
@RequestScoped
@Tag(name = "Usage")
@SecurityRequirement(name = "jwt")
public class UsageResource {
    @Inject UsageReports reports;
    @Inject CurrentCaller caller;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN})
    @Operation(
            summary =
                    "The tenant's gateway usage over [from, to), grouped by key|route|model|provider")
    @APIResponse(
            responseCode = "200",
            description = "The report",
            content = @Content(schema = @Schema(implementation = OpenAiDtos.UsageReport.class)))
    @APIResponse(
            responseCode = "400",
            description = "Bad from/to/groupBy; period_too_long: from..to spans more than 366 days")
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
    public JsonObject tenantUsage(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("groupBy") String groupBy) {
        TenantId tenant = caller.require().tenant();
        return reports.report(tenant, from, to, groupBy, null);
    }
}
