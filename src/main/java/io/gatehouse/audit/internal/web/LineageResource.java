package io.gatehouse.audit.internal.web;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.internal.LineageService;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.NotFoundException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The lineage graph, read from the caller's chain. */
@Path("/api/v1/lineage")
@RequestScoped
@Tag(name = "Lineage")
@SecurityRequirement(name = "jwt")
@RequiresRole({Role.AUDITOR})
public class LineageResource {
    @Inject CurrentCaller callers;
    @Inject LineageService lineage;

    @GET
    @Path("/requests/{requestId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Everything that led to a response",
            description =
                    "The request's events; the provider, model and route that served it; its prompt and"
                            + " policy versions, each with the change requests that published it (author,"
                            + " approvers, events).")
    @APIResponse(
            responseCode = "200",
            description = "The request's lineage",
            content = @Content(schema = @Schema(implementation = AuditDtos.RequestLineage.class)))
    public String request(@PathParam("requestId") String requestId) {
        String chain = chain();
        Map<String, Object> m = lineage.request(chain, requestId);
        if (m.isEmpty()) {
            throw new NotFoundException("No events for that request id");
        }
        return CanonicalJson.write(m);
    }

    @GET
    // A prompt version is named "<prompt>/v<n>", slash included: the path takes it as it is.
    @Path("/prompt-versions/{version: .+}/requests")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Every request served by a prompt version (newest first, keyset paged)",
            description =
                    "The version as gateway events name it, e.g."
                            + " /api/v1/lineage/prompt-versions/support-triage/v3/requests")
    @APIResponse(
            responseCode = "200",
            description = "A page of the requests' events",
            content = @Content(schema = @Schema(implementation = AuditDtos.AuditEventPage.class)))
    public String requestsByPromptVersion(
            @PathParam("version") String version,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return requestsByVersion(LineageKeys.PROMPT_VERSION, version, cursor, limit);
    }

    @GET
    // A policy version is named "<policy>@v<n>" ("global:<policy>@v<n>" for a global one); taken
    // as it is, like a prompt version.
    @Path("/policy-versions/{version: .+}/requests")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Every request served under a policy version (newest first, keyset paged)",
            description =
                    "The version as gateway events name it, e.g."
                            + " /api/v1/lineage/policy-versions/no-ip@v2/requests; a request under"
                            + " several policies is listed for each of them.")
    @APIResponse(
            responseCode = "200",
            description = "A page of the requests' events",
            content = @Content(schema = @Schema(implementation = AuditDtos.AuditEventPage.class)))
    public String requestsByPolicyVersion(
            @PathParam("version") String version,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return requestsByVersion(LineageKeys.POLICY_VERSION, version, cursor, limit);
    }

    /** One page of the requests whose gateway event names {@code version} under {@code key}. */
    private String requestsByVersion(String key, String version, String cursor, Integer limit) {
        String chain = chain(); // the caller's access is checked before their parameters
        int n = ChainAccess.limit(limit, 100);
        return AuditResource.page(
                lineage.requestsByVersion(chain, key, version, ChainAccess.parseCursor(cursor), n),
                n);
    }

    @GET
    @Path("/reviewers/{user}/changes")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Every change approved by a reviewer (by the reviewer's user id), newest first")
    @APIResponse(
            responseCode = "200",
            description = "A page of the reviewer's approvals",
            content = @Content(schema = @Schema(implementation = AuditDtos.ReviewerChanges.class)))
    public String changesApprovedBy(
            @PathParam("user") String user,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        String chain = chain();
        int n = ChainAccess.limit(limit, 100);
        List<Map<String, Object>> rows =
                lineage.changesApprovedBy(chain, user, ChainAccess.parseCursor(cursor), n);
        boolean more = rows.size() > n;
        List<Map<String, Object>> page = more ? new ArrayList<>(rows.subList(0, n)) : rows;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reviewer", user);
        out.put("changes", page);
        out.put(
                "nextCursor",
                more
                        ? ChainAccess.cursor(
                                ((Number) page.get(page.size() - 1).get("seq")).longValue())
                        : null);
        return CanonicalJson.write(out);
    }

    private String chain() {
        Caller caller = callers.require();
        return ChainAccess.chainFor(caller, null, Role.AUDITOR);
    }
}
