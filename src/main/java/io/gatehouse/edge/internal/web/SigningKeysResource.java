package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.SigningKeys;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.inject.Inject;
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
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The built-in issuer's token signing keys: listing, rotation and emergency revocation. */
@Path("api/v1/platform/signing-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.PLATFORM_ADMIN)
@SecurityRequirement(name = "jwt")
@Tag(name = "Platform administration")
public class SigningKeysResource {
    @Inject SigningKeys keys;
    @Inject CurrentCaller current;
    @Context HttpServletRequest http;

    /**
     * A signing key. {@code status}: active (signs and verifies), retired (verifies until {@code
     * verifiesUntil}), expired (past its grace: verifies nothing), revoked (verifies nothing).
     */
    public record SigningKeyView(
            String kid,
            String algorithm,
            String status,
            Instant createdAt,
            Instant retiredAt,
            Instant verifiesUntil,
            Instant revokedAt) {}

    public record SigningKeyList(List<SigningKeyView> keys) {}

    /** Why the key is revoked (recorded in the audit trail). */
    public record Revocation(String reason) {}

    @GET
    @Operation(summary = "List the signing keys, oldest first, with their status")
    public SigningKeyList list() {
        return new SigningKeyList(keys.list().stream().map(SigningKeysResource::view).toList());
    }

    @POST
    @Path("rotate")
    @Operation(
            summary = "Rotate: a new key signs from now on",
            description =
                    "The old key keeps verifying the tokens it signed for the grace window"
                            + " (GATEHOUSE_AUTH_SIGNING_KEY_GRACE_SECONDS, by default the token lifetime plus 30 s),"
                            + " then leaves verification and the JWKS. Audited as signing_key.rotate.")
    @APIResponse(responseCode = "204", description = "Rotated")
    public Response rotate() {
        keys.rotate(current.require(), rid());
        return Response.noContent().build();
    }

    @POST
    @Path("{kid}/revoke")
    @Operation(
            summary =
                    "Emergency revocation: the key verifies nothing from now on, on every instance",
            description =
                    "For a leaked key. Tokens it signed are refused at once here and within about a second on"
                            + " other instances, and it leaves the JWKS. Revoking the active key puts a new one in"
                            + " its place. 404 for an unknown kid, 409 when already revoked. Audited as"
                            + " signing_key.revoke with the reason.")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Revocation.class)))
    @APIResponse(
            responseCode = "200",
            description = "The revoked key",
            content = @Content(schema = @Schema(implementation = SigningKeyView.class)))
    @APIResponse(responseCode = "409", description = "Already revoked")
    public SigningKeyView revoke(@PathParam("kid") String kid, Revocation body) {
        return view(
                keys.revoke(current.require(), kid, body == null ? null : body.reason(), rid()));
    }

    static SigningKeyView view(SigningKeys.KeyInfo k) {
        return new SigningKeyView(
                k.kid(),
                k.algorithm(),
                k.status(),
                k.createdAt(),
                k.retiredAt(),
                k.verifiesUntil(),
                k.revokedAt());
    }

    private String rid() {
        return (String) http.getAttribute(RequestIds.ATTRIBUTE);
    }
}
