package io.gatehouse.routing.internal.web;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.dialect.responses.ResponsesDialect;
import io.gatehouse.routing.internal.pipeline.GatewayService;
import io.gatehouse.shared.ChecksOwnJsonBody;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestBodyText;
import io.gatehouse.shared.RequestIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * OpenAI's Responses API on the gateway (issue 17): thin, as {@link OpenAiResource}; the dialect
 * ({@code routing.internal.dialect.responses}) translates and runs the chat pipeline. JAX-RS
 * resources live in {@code internal.web} (ArchitectureTest), so the resource sits here and the
 * codec in its own package.
 */
@Path("/v1/responses")
@ApplicationScoped
@Tag(name = "OpenAI-compatible API")
@SecurityRequirement(name = "apiKey")
public class ResponsesResource {
    @Inject ResponsesDialect dialect;
    @Inject CurrentCaller current;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(
            summary =
                    "Create a response (OpenAI Responses; native to OpenAI providers with option"
                            + " responsesApi, else translated to chat; stream: true answers as"
                            + " typed Server-Sent Events)")
    @ChecksOwnJsonBody
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema =
                                    @Schema(
                                            implementation =
                                                    ResponsesDtos.ResponseCreateRequest.class)))
    @APIResponse(
            responseCode = "200",
            description = "The response; with stream: true, Server-Sent Events",
            content = {
                @Content(
                        mediaType = "application/json",
                        schema = @Schema(implementation = ResponsesDtos.ResponseObject.class)),
                @Content(
                        mediaType = "text/event-stream",
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description = ResponsesDtos.STREAM))
            })
    @APIResponse(
            responseCode = "400",
            description =
                    "Invalid or untranslatable input (the error names the param); store: true or"
                            + " previous_response_id for a tenant that keeps no content (param"
                            + " store); a conversation continued from previous_response_id larger"
                            + " than the request body limit (param previous_response_id)")
    @APIResponse(
            responseCode = "404",
            description =
                    "previous_response_id names no stored response of this key (another key's"
                            + " is 404 too, as is one the tenant's current retention no longer"
                            + " keeps)")
    @APIResponse(
            responseCode = "502",
            description = "The provider failed and no fallback answered (upstream_error)")
    public Response create(@Context HttpServletRequest request, InputStream in) {
        // read before the key is checked, as a String parameter was (a 413 stays a 413)
        String body = RequestBodyText.read(request, in);
        ClientKey key = ClientKey.of(current.requireApiKey());
        GatewayService.Answer answer =
                dialect.create(
                        body,
                        key,
                        (String) request.getAttribute(RequestIds.ATTRIBUTE),
                        (String) request.getAttribute(RequestIds.CLIENT_ATTRIBUTE),
                        headers(request));
        return answer.response();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "A response this key stored (another key's, even of the same tenant, is 404);"
                            + " each read is audited (responses.stored.read)")
    @APIResponse(
            responseCode = "200",
            description = "The response as it was answered",
            content =
                    @Content(schema = @Schema(implementation = ResponsesDtos.ResponseObject.class)))
    @APIResponse(
            responseCode = "404",
            description =
                    "No such stored response of this key (or it expired, or the tenant's current"
                            + " retention setting no longer keeps it)")
    public JsonObject get(@Context HttpServletRequest request, @PathParam("id") String id) {
        ClientKey key = ClientKey.of(current.requireApiKey());
        return dialect.stored(key, id, (String) request.getAttribute(RequestIds.ATTRIBUTE));
    }

    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Delete a response this key stored (another key's, even of the same tenant, is"
                            + " 404); each deletion is audited (responses.stored.delete)")
    @APIResponse(
            responseCode = "200",
            description = "Deleted",
            content =
                    @Content(
                            schema = @Schema(implementation = ResponsesDtos.ResponseDeleted.class)))
    @APIResponse(responseCode = "401", description = "No valid API key (invalid_api_key)")
    @APIResponse(
            responseCode = "403",
            description =
                    "The tenant is under a legal hold: stored content stays until it is released"
                            + " (legal_hold); the refused attempt is audited (outcome denied)")
    @APIResponse(
            responseCode = "404",
            description =
                    "No such stored response of this key (or it expired, or the tenant's current"
                            + " retention setting no longer keeps it)")
    @APIResponse(
            responseCode = "503",
            description =
                    "Retry later (Retry-After): a legal hold or a retention purge of the tenant held"
                            + " its lock for 5 s (retention_lock_busy), or stored responses are"
                            + " unavailable (store_unavailable)")
    public JsonObject delete(@Context HttpServletRequest request, @PathParam("id") String id) {
        ClientKey key = ClientKey.of(current.requireApiKey());
        return dialect.delete(key, id, (String) request.getAttribute(RequestIds.ATTRIBUTE));
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            h.put(name, request.getHeader(name));
        }
        return h;
    }
}
