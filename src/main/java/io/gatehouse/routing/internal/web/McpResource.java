package io.gatehouse.routing.internal.web;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.mcp.McpGateway;
import io.gatehouse.routing.internal.mcp.McpProtocol;
import io.gatehouse.shared.ChecksOwnJsonBody;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /mcp}: Gatehouse as one MCP server (Streamable HTTP transport, JSON-RPC 2.0, stateless: no
 * session id, every POST answered with one JSON object, no server-to-client stream). The edge has
 * authenticated the client's API key; a request from a browser page of a foreign {@code Origin} is
 * refused (a missing Origin is a non-browser client). See docs/mcp.md.
 */
@Path("/mcp")
@ApplicationScoped
@Tag(name = "MCP gateway")
@SecurityRequirement(name = "apiKey")
public class McpResource {
    @Inject McpGateway gateway;
    @Inject CurrentCaller current;

    @Inject
    @ConfigProperty(name = "gatehouse.cors.origins")
    Optional<String> allowedOrigins;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @ChecksOwnJsonBody
    @Operation(
            summary =
                    "One JSON-RPC 2.0 message of the MCP protocol (initialize, tools/list, tools/call, ping, notifications)")
    @RequestBody(
            required = true,
            content = @Content(schema = @Schema(implementation = McpDtos.Request.class)))
    @APIResponse(
            responseCode = "200",
            description =
                    "The JSON-RPC answer (errors too: -32600, -32601, -32602, and -32603 for a gateway fault, which is audited)",
            content = @Content(schema = @Schema(implementation = McpDtos.Response.class)))
    @APIResponse(responseCode = "202", description = "A notification or response was accepted")
    @APIResponse(
            responseCode = "400",
            description =
                    "Not JSON or nested too deep (-32700), or an unsupported MCP-Protocol-Version")
    @APIResponse(responseCode = "401", description = "No valid API key")
    @APIResponse(responseCode = "403", description = "A foreign Origin")
    public Response post(@Context HttpServletRequest request, String body) {
        ClientKey key = ClientKey.of(current.requireApiKey());
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin)) {
            return answer(
                    403,
                    McpProtocol.error(
                            null,
                            McpProtocol.INVALID_REQUEST,
                            "Origin not allowed: " + shorten(origin)));
        }
        String version = request.getHeader("MCP-Protocol-Version");
        if (version != null && !McpProtocol.SUPPORTED.contains(version)) {
            return answer(
                    400,
                    McpProtocol.error(
                            null,
                            McpProtocol.INVALID_REQUEST,
                            "Unsupported MCP-Protocol-Version; supported: "
                                    + String.join(", ", McpProtocol.SUPPORTED)));
        }
        JsonValue message;
        try {
            JsonInput.scan(body);
            message = JsonInput.readWhole(body == null ? "" : body);
        } catch (JsonException e) {
            return answer(400, McpProtocol.error(null, McpProtocol.PARSE_ERROR, "Parse error"));
        } catch (ValidationException e) {
            // nested too deep: still a JSON-RPC answer on this endpoint, not problem JSON
            return answer(
                    400,
                    McpProtocol.error(
                            null, McpProtocol.PARSE_ERROR, "Parse error: " + e.getMessage()));
        }
        String requestId = (String) request.getAttribute(RequestIds.ATTRIBUTE);
        Optional<JsonObject> out = gateway.handle(key, requestId, message);
        return out.isEmpty() ? Response.accepted().build() : answer(200, out.get());
    }

    @GET
    @Operation(summary = "Not offered: this server keeps no stream open (405)")
    @APIResponse(responseCode = "405", description = "Always")
    public Response stream() {
        current.requireApiKey();
        return Response.status(405).header("Allow", "POST").build();
    }

    @DELETE
    @Operation(summary = "Not offered: this server keeps no sessions (405)")
    @APIResponse(responseCode = "405", description = "Always")
    public Response endSession() {
        current.requireApiKey();
        return Response.status(405).header("Allow", "POST").build();
    }

    private boolean originAllowed(String origin) {
        return allowedOrigins
                .map(s -> Arrays.stream(s.split(",")).map(String::trim).toList().contains(origin))
                .orElse(false);
    }

    private static Response answer(int status, JsonObject body) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body.toString())
                .build();
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
