package io.gatehouse.routing.internal.web;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.catalog.Route;
import io.gatehouse.routing.internal.pipeline.GatewayService;
import io.gatehouse.shared.ChecksOwnJsonBody;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestBodyText;
import io.gatehouse.shared.RequestIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
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
 * The OpenAI-compatible API. Thin: reads the verified API key and the raw body, delegates to the
 * gateway service, and writes its answer with the route/provider/model and rate-limit headers.
 *
 * <p>Application-scoped on purpose: a request-scoped resource costs a bean creation per call, with
 * RESTEasy building a reflective proxy for each {@code @Context} field and a validator context each
 * time (seen in the benchmark's profile); the servlet request comes in as a method parameter.
 */
@Path("/v1")
@ApplicationScoped
@Tag(name = "OpenAI-compatible API")
@SecurityRequirement(name = "apiKey")
public class OpenAiResource {
    private static final JsonProvider JSON = JsonProvider.provider(); // see GatewayService
    @Inject GatewayService gateway;
    @Inject CurrentCaller current;

    @POST
    @Path("chat/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "Chat completion (stream: true answers as Server-Sent Events)")
    @ChecksOwnJsonBody
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema =
                                    @Schema(
                                            implementation =
                                                    OpenAiDtos.ChatCompletionRequest.class)))
    @APIResponse(
            responseCode = "200",
            description = "The completion; with stream: true, Server-Sent Events",
            content = {
                @Content(
                        mediaType = "application/json",
                        schema = @Schema(implementation = OpenAiDtos.ChatCompletion.class)),
                @Content(
                        mediaType = "text/event-stream",
                        schema = @Schema(type = SchemaType.STRING, description = OpenAiDtos.STREAM))
            })
    @APIResponse(
            responseCode = "502",
            description = "The provider failed and no fallback answered (upstream_error)")
    public Response chat(@Context HttpServletRequest request, InputStream in) {
        // read before the key is checked, as a String parameter was (a 413 stays a 413)
        String body = RequestBodyText.read(request, in);
        ClientKey key = ClientKey.of(current.requireApiKey());
        return gateway.chat(
                        body, key, requestId(request), clientRequestId(request), headers(request))
                .response();
    }

    @POST
    @Path("embeddings")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Embeddings")
    @ChecksOwnJsonBody
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = OpenAiDtos.EmbeddingRequest.class)))
    @APIResponse(
            responseCode = "200",
            description = "The embeddings",
            content =
                    @Content(schema = @Schema(implementation = OpenAiDtos.EmbeddingResponse.class)))
    @APIResponse(
            responseCode = "502",
            description = "The provider failed and no fallback answered (upstream_error)")
    public Response embeddings(@Context HttpServletRequest request, InputStream in) {
        // read before the key is checked, as a String parameter was (a 413 stays a 413)
        String body = RequestBodyText.read(request, in);
        ClientKey key = ClientKey.of(current.requireApiKey());
        return gateway.embeddings(
                        body, key, requestId(request), clientRequestId(request), headers(request))
                .response();
    }

    @GET
    @Path("models")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The model aliases (routes) this API key may use")
    @APIResponse(
            responseCode = "200",
            description = "The aliases",
            content = @Content(schema = @Schema(implementation = OpenAiDtos.ModelList.class)))
    public JsonObject models() {
        ClientKey key = ClientKey.of(current.requireApiKey());
        JsonArrayBuilder data = JSON.createArrayBuilder();
        for (Route r : gateway.models(key)) {
            data.add(model(r));
        }
        return JSON.createObjectBuilder().add("object", "list").add("data", data).build();
    }

    @GET
    @Path("models/{model}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One model alias")
    @APIResponse(
            responseCode = "200",
            description = "The alias",
            content = @Content(schema = @Schema(implementation = OpenAiDtos.Model.class)))
    public JsonObject model(@PathParam("model") String alias) {
        ClientKey key = ClientKey.of(current.requireApiKey());
        return model(gateway.model(key, alias));
    }

    private static JsonObject model(Route r) {
        return JSON.createObjectBuilder()
                .add("id", r.alias())
                .add("object", "model")
                .add("created", 0)
                .add("owned_by", "gatehouse")
                .build();
    }

    private static String requestId(HttpServletRequest request) {
        return (String) request.getAttribute(RequestIds.ATTRIBUTE);
    }

    private static String clientRequestId(HttpServletRequest request) {
        return (String) request.getAttribute(RequestIds.CLIENT_ATTRIBUTE);
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            h.put(name, request.getHeader(name));
        }
        return h;
    }
}
