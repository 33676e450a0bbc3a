package io.gatehouse.routing.internal.web;

import io.gatehouse.routing.internal.mcp.McpHeldCalls;
import io.gatehouse.routing.internal.persistence.McpHeldCallRows;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.BadRequestException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
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
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The reviewers' side of held MCP tool calls (docs/mcp.md, "Oversight"): the tenant's queue, one
 * call, and the decision. Reading needs reviewer, admin or auditor; deciding reviewer or admin (the
 * roles that approve changes), never the person who created the calling key.
 */
@Path("/api/v1/mcp/held-calls")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "MCP gateway")
@SecurityRequirement(name = "jwt")
public class McpHeldCallsResource {
    @Inject McpHeldCalls held;
    @Inject CurrentCaller caller;
    @Context HttpServletRequest request;

    @GET
    @RequiresRole({Role.REVIEWER, Role.ADMIN, Role.AUDITOR})
    @Operation(summary = "The tenant's held tool calls, newest first (default: those still held)")
    @APIResponse(
            responseCode = "200",
            description = "The calls",
            content = @Content(schema = @Schema(implementation = McpDtos.HeldCallList.class)))
    @APIResponse(responseCode = "400", description = "An unknown status")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Not reviewer, admin or auditor")
    public JsonObject list(
            @Parameter(
                            description =
                                    "held (default), approved, refused, expired, completed, abandoned, or all")
                    @QueryParam("status")
                    String status) {
        JsonArrayBuilder items = Json.createArrayBuilder();
        for (McpHeldCallRows.Row r : held.list(caller.require(), status)) {
            items.add(json(r));
        }
        return Json.createObjectBuilder().add("items", items).build();
    }

    @GET
    @Path("{id}")
    @RequiresRole({Role.REVIEWER, Role.ADMIN, Role.AUDITOR})
    @Operation(summary = "One held tool call")
    @APIResponse(
            responseCode = "200",
            description = "The call",
            content = @Content(schema = @Schema(implementation = McpDtos.HeldCall.class)))
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Not reviewer, admin or auditor")
    @APIResponse(responseCode = "404", description = "No such call in the caller's tenant")
    public JsonObject get(@PathParam("id") String id) {
        return json(held.get(caller.require(), id));
    }

    @POST
    @Path("{id}/approve")
    @RequiresRole({Role.REVIEWER, Role.ADMIN})
    @Operation(
            summary =
                    "Approve a held call: the instance holding the client's stream runs it (limits, upstream,"
                            + " output policy) and answers the client")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = McpDtos.Decision.class)))
    @APIResponse(
            responseCode = "200",
            description = "The call, approved",
            content = @Content(schema = @Schema(implementation = McpDtos.HeldCall.class)))
    @APIResponse(responseCode = "400", description = "A comment too long or not storable")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(
            responseCode = "403",
            description =
                    "Not reviewer or admin, or the person who created the calling key (four eyes)")
    @APIResponse(responseCode = "404", description = "No such call in the caller's tenant")
    @APIResponse(
            responseCode = "409",
            description = "already_decided: approved, refused or expired already")
    public JsonObject approve(@PathParam("id") String id, String body) {
        return json(held.decide(caller.require(), id, true, comment(body), requestId()));
    }

    @POST
    @Path("{id}/refuse")
    @RequiresRole({Role.REVIEWER, Role.ADMIN})
    @Operation(
            summary =
                    "Refuse a held call with a reason: the client gets isError, approval_refused: <comment>")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = McpDtos.Decision.class)))
    @APIResponse(
            responseCode = "200",
            description = "The call, refused",
            content = @Content(schema = @Schema(implementation = McpDtos.HeldCall.class)))
    @APIResponse(
            responseCode = "400",
            description = "No comment, a blank one, one too long or not storable")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(
            responseCode = "403",
            description =
                    "Not reviewer or admin, or the person who created the calling key (four eyes)")
    @APIResponse(responseCode = "404", description = "No such call in the caller's tenant")
    @APIResponse(
            responseCode = "409",
            description = "already_decided: approved, refused or expired already")
    public JsonObject refuse(@PathParam("id") String id, String body) {
        return json(held.decide(caller.require(), id, false, comment(body), requestId()));
    }

    /** The optional {@code comment} of a decision's body (an empty body has none). */
    private static String comment(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonValue v;
        try {
            v = JsonInput.readWhole(body);
        } catch (JsonException e) {
            throw new BadRequestException("The request body is not valid JSON");
        }
        if (!(v instanceof JsonObject o)) {
            throw new BadRequestException("The request body must be a JSON object");
        }
        JsonValue c = o.get("comment");
        if (c == null || c == JsonValue.NULL) {
            return null;
        }
        if (c.getValueType() != JsonValue.ValueType.STRING) {
            throw new ValidationException("comment", "comment must be a string");
        }
        return o.getString("comment");
    }

    static JsonObject json(McpHeldCallRows.Row r) {
        JsonArrayBuilder scope = Json.createArrayBuilder();
        r.keyScope().forEach(scope::add);
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("id", r.id().toString())
                        .add("server", r.server())
                        .add("tool", r.tool())
                        .add("name", r.server() + "__" + r.tool())
                        .add("serverVersion", r.serverVersion())
                        .add("keyId", r.keyId().toString())
                        .add("keyName", r.keyName())
                        .add("keyOwner", r.keyOwner())
                        .add("keyScope", scope)
                        .add("status", r.status())
                        .add("createdAt", r.createdAt().toString())
                        .add("deadline", r.deadline().toString());
        // an ended call keeps its arguments only in its audit event (under the tenant's retention)
        if ("held".equals(r.status()) || "approved".equals(r.status())) {
            b.add("arguments", r.arguments());
        } else {
            b.addNull("arguments");
        }
        nullable(b, "requestId", r.requestId());
        nullable(b, "decidedBy", r.decidedBy());
        nullable(b, "decidedAt", r.decidedAt());
        nullable(b, "comment", r.comment());
        return b.build();
    }

    private static void nullable(JsonObjectBuilder b, String field, Object value) {
        if (value == null) {
            b.addNull(field);
        } else {
            b.add(field, value instanceof Instant i ? i.toString() : value.toString());
        }
    }

    private String requestId() {
        return (String) request.getAttribute(RequestIds.ATTRIBUTE);
    }
}
