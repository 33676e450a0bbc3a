package io.gatehouse.routing.internal.dialect.messages;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.pipeline.GatewayService;
import io.gatehouse.shared.ChecksOwnJsonBody;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestBodyText;
import io.gatehouse.shared.RequestIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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
 * Anthropic's Messages API on the gateway: the key comes as {@code x-api-key} or {@code
 * Authorization: Bearer} (the edge checks it), {@code anthropic-version} and {@code anthropic-beta}
 * are accepted and not needed; the body runs through the chat pipeline as {@link MessagesDialect}.
 * Errors are Anthropic's shape, by path ({@code shared.error.ErrorBodies}). Application-scoped for
 * the reason {@code OpenAiResource} gives.
 */
@Path("/v1/messages")
@ApplicationScoped
@Tag(name = "Anthropic Messages API")
@SecurityRequirement(name = "apiKey")
public class MessagesResource {
    private static final JsonProvider JSON = JsonProvider.provider();
    @Inject GatewayService gateway;
    @Inject CurrentCaller current;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(
            summary =
                    "Anthropic Messages (stream: true answers with Anthropic's server-sent events)")
    @ChecksOwnJsonBody
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema =
                                    @Schema(
                                            implementation =
                                                    MessagesDtos.AnthropicMessagesRequest.class)))
    @APIResponse(
            responseCode = "200",
            description = "The message; with stream: true, Anthropic's server-sent events",
            content = {
                @Content(
                        mediaType = "application/json",
                        schema =
                                @Schema(
                                        implementation =
                                                MessagesDtos.AnthropicMessageAnswer.class)),
                @Content(
                        mediaType = "text/event-stream",
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description = MessagesDtos.STREAM))
            })
    @APIResponse(
            responseCode = "502",
            description = "The provider failed and no fallback answered (api_error)")
    public Response create(@Context HttpServletRequest request, InputStream in) {
        // read before the key is checked, as a String parameter was (a 413 stays a 413)
        String body = RequestBodyText.read(request, in);
        ClientKey key = ClientKey.of(current.requireApiKey());
        GatewayService.Answer answer =
                gateway.chat(
                        MessagesDialect.INSTANCE,
                        body,
                        key,
                        (String) request.getAttribute(RequestIds.ATTRIBUTE),
                        (String) request.getAttribute(RequestIds.CLIENT_ATTRIBUTE),
                        headers(request));
        return answer.response();
    }

    /** The header saying how a count was made: exact (the provider's) or estimate. */
    static final String TOKEN_COUNT_HEADER = "Gatehouse-Token-Count";

    @POST
    @Path("count_tokens")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Count a message's input tokens (Gatehouse-Token-Count: exact or estimate;"
                            + " exact from an Anthropic provider, else an estimate)")
    @ChecksOwnJsonBody
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema =
                                    @Schema(
                                            implementation =
                                                    MessagesDtos.AnthropicCountTokensRequest
                                                            .class)))
    @APIResponse(
            responseCode = "200",
            description = "The count; the Gatehouse-Token-Count header says exact or estimate",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema =
                                    @Schema(
                                            implementation =
                                                    MessagesDtos.AnthropicTokenCount.class)))
    public Response countTokens(@Context HttpServletRequest request, InputStream in) {
        // read before the key is checked, as a String parameter was (a 413 stays a 413)
        String body = RequestBodyText.read(request, in);
        ClientKey key = ClientKey.of(current.requireApiKey());
        GatewayService.TokenCount count =
                gateway.countTokens(
                        MessagesDialect.COUNT,
                        body,
                        key,
                        (String) request.getAttribute(RequestIds.ATTRIBUTE),
                        (String) request.getAttribute(RequestIds.CLIENT_ATTRIBUTE),
                        headers(request));
        Response.ResponseBuilder b =
                Response.ok(
                        JSON.createObjectBuilder().add("input_tokens", count.inputTokens()).build(),
                        MediaType.APPLICATION_JSON_TYPE);
        count.headers().forEach(b::header);
        b.header(TOKEN_COUNT_HEADER, count.exact() ? "exact" : "estimate");
        return b.build();
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            h.put(name, request.getHeader(name));
        }
        return h;
    }
}
