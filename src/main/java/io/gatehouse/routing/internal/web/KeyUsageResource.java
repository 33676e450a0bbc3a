package io.gatehouse.routing.internal.web;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.StatsTimeout;
import io.gatehouse.shared.error.ValidationException;
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
 * An API key's own usage. A class of its own: JAX-RS picks the root resource with the longest
 * matching path, so {@code /v1/usage} must not hide behind a broader path.
 */
@Path("v1/usage")
@RequestScoped
@Tag(name = "Usage")
@SecurityRequirement(name = "apiKey")
public class KeyUsageResource {
    @Inject CurrentCaller current;
    @Inject UsageReports reports;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "This API key's own usage over [from, to), grouped by route|model|provider")
    @APIResponse(
            responseCode = "200",
            description = "The report (groups by route, model or provider)",
            content = @Content(schema = @Schema(implementation = OpenAiDtos.UsageReport.class)))
    @APIResponse(
            responseCode = "400",
            description = "Bad from/to/groupBy; period_too_long: from..to spans more than 366 days")
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
    public JsonObject keyUsage(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("groupBy") String groupBy) {
        ClientKey key = ClientKey.of(current.requireApiKey());
        if ("key".equals(groupBy)) {
            throw new ValidationException("groupBy", "groupBy must be route, model or provider");
        }
        return reports.report(key.tenant(), from, to, groupBy, key.id().toString());
    }
}
