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
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
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
 * session id, no server-to-client stream of its own). Every POST is answered with one JSON object,
 * except a {@code tools/call} held for a person's approval: to a client that accepts {@code
 * text/event-stream} it is answered as an event stream (progress, then the answer) on the servlet's
 * asynchronous request with a non-blocking writer, so no thread waits for the decision. JAX-RS's
 * {@code SseEventSink} cannot do this: RESTEasy (Liberty's implementation) makes a method an SSE
 * method only when it produces nothing but {@code text/event-stream}, and this one decides per
 * call, after reading the body; so every POST is suspended ({@code @Suspended}) and resumed at once
 * unless its call is held. The edge has authenticated the client's API key; a request from a
 * browser page of a foreign {@code Origin} is refused (a missing Origin is a non-browser client).
 * See docs/mcp.md.
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
                    "The JSON-RPC answer (errors too: -32600, -32601, -32602, and -32603 for a gateway fault, which is audited);"
                            + " for a tools/call held for a person's approval and a client accepting text/event-stream,"
                            + " an event stream: notifications/progress (comments without a progressToken) every 5 s,"
                            + " then the JSON-RPC answer as its last event",
            content = {
                @Content(
                        mediaType = "application/json",
                        schema = @Schema(implementation = McpDtos.Response.class)),
                @Content(
                        mediaType = "text/event-stream",
                        schema =
                                @Schema(
                                        type =
                                                org.eclipse.microprofile.openapi.annotations.enums
                                                        .SchemaType.STRING,
                                        description = "data: <JSON-RPC message> events"))
            })
    @APIResponse(responseCode = "202", description = "A notification or response was accepted")
    @APIResponse(
            responseCode = "400",
            description =
                    "Not JSON or nested too deep (-32700), or an unsupported MCP-Protocol-Version")
    @APIResponse(responseCode = "401", description = "No valid API key")
    @APIResponse(responseCode = "403", description = "A foreign Origin")
    public void post(
            @Context HttpServletRequest request,
            @Context HttpServletResponse response,
            String body,
            @Suspended AsyncResponse async) {
        Response answer;
        try {
            answer = answer(request, response, body);
        } catch (RuntimeException e) {
            async.resume(e);
            return;
        }
        if (answer != null) {
            async.resume(answer);
        } // else: the call is held, its event stream is open and answers it later
    }

    private Response answer(HttpServletRequest request, HttpServletResponse response, String body) {
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
        McpGateway.Reply out =
                gateway.handle(
                        key,
                        requestId,
                        message,
                        acceptsEventStream(request)
                                ? () -> ServletHeldCallStream.open(request, response)
                                : null);
        if (out.held()) {
            return null;
        }
        return out.json() == null ? Response.accepted().build() : answer(200, out.json());
    }

    /** A client that can wait on an event stream for a held call (the MCP SDKs say so). */
    static boolean acceptsEventStream(HttpServletRequest request) {
        for (String accept : java.util.Collections.list(request.getHeaders("Accept"))) {
            if (accept.toLowerCase(java.util.Locale.ROOT).contains("text/event-stream")) {
                return true;
            }
        }
        return false;
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
