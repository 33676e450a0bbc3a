package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.TokenService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The built-in issuer's public keys and metadata, so other services can verify its tokens. */
@Path(".well-known")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Identity")
public class WellKnownResource {
    @Inject TokenService tokens;

    @GET
    @Path("jwks.json")
    @Operation(
            summary =
                    "JSON Web Key Set of the built-in issuer: the active key and retired keys within their"
                            + " grace window (never revoked ones)")
    @APIResponse(
            responseCode = "200",
            description = "The key set",
            content = @Content(schema = @Schema(implementation = Dtos.Jwks.class)))
    public Response jwks() {
        JsonArrayBuilder keys = Json.createArrayBuilder();
        for (String k : tokens.publicJwks()) {
            try (var r = Json.createReader(new StringReader(k))) {
                keys.add(r.readObject());
            }
        }
        CacheControl cc = new CacheControl();
        cc.setMaxAge(300);
        return Response.ok(Json.createObjectBuilder().add("keys", keys).build())
                .cacheControl(cc)
                .build();
    }

    @GET
    @Path("openid-configuration")
    @Operation(summary = "OpenID Connect discovery metadata of the built-in issuer")
    @APIResponse(
            responseCode = "200",
            description = "The metadata",
            content = @Content(schema = @Schema(implementation = Dtos.OpenIdConfiguration.class)))
    public JsonObject configuration() {
        String iss = tokens.issuer();
        return Json.createObjectBuilder()
                .add("issuer", iss)
                .add("jwks_uri", iss + "/.well-known/jwks.json")
                .add("token_endpoint", iss + "/api/v1/auth/login")
                .add("response_types_supported", Json.createArrayBuilder().add("token"))
                .add("subject_types_supported", Json.createArrayBuilder().add("public"))
                .add(
                        "id_token_signing_alg_values_supported",
                        Json.createArrayBuilder().add("RS256"))
                .add("token_endpoint_auth_methods_supported", Json.createArrayBuilder().add("none"))
                .add(
                        "claims_supported",
                        Json.createArrayBuilder()
                                .add("sub")
                                .add("upn")
                                .add("groups")
                                .add("gh_tenant")
                                .add("iss")
                                .add("aud")
                                .add("exp")
                                .add("iat")
                                .add("jti"))
                .build();
    }
}
