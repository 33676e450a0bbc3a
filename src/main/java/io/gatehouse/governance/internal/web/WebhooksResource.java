package io.gatehouse.governance.internal.web;

import static io.gatehouse.governance.internal.web.JsonBodies.put;

import io.gatehouse.governance.internal.WebhookService;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
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
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Webhook endpoints told about every change request transition, signed with {@code
 * X-Gatehouse-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">}.
 */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
@RequiresRole({Role.ADMIN})
public class WebhooksResource {
    @Inject WebhookService webhooks;
    @Inject CurrentCaller caller;
    @Context HttpServletRequest request;

    @POST
    @Operation(
            summary = "Add an endpoint {url, description?, secret?}; the secret is shown only here")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.NewWebhook.class)))
    @APIResponse(
            responseCode = "201",
            description = "Created; the secret is shown only here",
            content =
                    @Content(
                            schema = @Schema(implementation = GovernanceDtos.CreatedWebhook.class)))
    public Response create(String body) {
        JsonObject b = JsonBodies.object(body);
        WebhookService.CreatedWebhook c =
                webhooks.create(
                        caller.require(),
                        requestId(),
                        JsonBodies.string(b, "url"),
                        JsonBodies.string(b, "description"),
                        JsonBodies.string(b, "secret"));
        JsonObject out =
                Json.createObjectBuilder(json(c.webhook())).add("secret", c.secret()).build();
        return Response.created(URI.create("/api/v1/webhooks/" + c.webhook().id()))
                .entity(out)
                .build();
    }

    @GET
    @Operation(summary = "The tenant's endpoints (never their secrets)")
    @APIResponse(
            responseCode = "200",
            description = "The endpoints",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.WebhookList.class)))
    public JsonObject list() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (WebhookService.WebhookView v : webhooks.list(caller.require())) {
            a.add(json(v));
        }
        return Json.createObjectBuilder().add("data", a).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Deactivate an endpoint (its delivery history stays)")
    @APIResponse(
            responseCode = "200",
            description = "The endpoint, inactive",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.WebhookView.class)))
    public JsonObject deactivate(@PathParam("id") String id) {
        return json(webhooks.deactivate(caller.require(), requestId(), JsonBodies.uuid(id)));
    }

    @GET
    @Path("{id}/deliveries")
    @Operation(
            summary = "Recent deliveries to an endpoint and how they went",
            description =
                    "status: pending, delivered or failed. lastOutcome: delivered, http_error_3xx,"
                            + " http_error_4xx, http_error_5xx, timeout, refused (the egress rules"
                            + " refused the destination; not retried) or connection_failed; never the"
                            + " receiver's status code or error details.")
    @APIResponse(
            responseCode = "200",
            description = "Recent deliveries",
            content =
                    @Content(
                            schema =
                                    @Schema(
                                            implementation =
                                                    GovernanceDtos.WebhookDeliveryList.class)))
    public JsonObject deliveries(@PathParam("id") String id) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (WebhookService.DeliveryView d :
                webhooks.deliveries(caller.require(), JsonBodies.uuid(id))) {
            JsonObjectBuilder b =
                    Json.createObjectBuilder()
                            .add("id", d.id().toString())
                            .add("changeId", d.changeId().toString())
                            .add("event", d.event())
                            .add("status", d.status())
                            .add("attempts", d.attempts());
            put(b, "lastOutcome", d.lastOutcome());
            put(b, "createdAt", d.createdAt());
            put(b, "deliveredAt", d.deliveredAt());
            a.add(b);
        }
        return Json.createObjectBuilder().add("data", a).build();
    }

    private String requestId() {
        Object id = request.getAttribute(RequestIds.ATTRIBUTE);
        return id == null ? null : id.toString();
    }

    private static JsonObject json(WebhookService.WebhookView v) {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("id", v.id().toString())
                        .add("url", v.url())
                        .add("active", v.active())
                        .add("createdBy", v.createdBy());
        put(b, "description", v.description());
        put(b, "createdAt", v.createdAt());
        return b.build();
    }
}
