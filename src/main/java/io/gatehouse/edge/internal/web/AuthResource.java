package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.ClientAddresses;
import io.gatehouse.edge.internal.IdentityService;
import io.gatehouse.edge.internal.OidcSignIn;
import io.gatehouse.edge.internal.SessionService;
import io.gatehouse.edge.internal.TokenService;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Login, logout, password change and "who am I" for people. */
@Path("api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Identity", description = "Built-in identity: login, logout, password, who am I")
public class AuthResource {
    @Inject IdentityService identity;
    @Inject CurrentCaller current;
    @Inject io.gatehouse.edge.internal.Tenants tenants;
    @Inject ClientAddresses clients;
    @Inject SessionService sessions;
    @Inject OidcSignIn sso;
    @Context HttpServletRequest http;

    @POST
    @Path("auth/login")
    @Operation(
            summary = "Exchange a username and password for a short-lived RS256 access token",
            description =
                    "Every refusal (unknown user, wrong password, locked out, disabled) is the same 401"
                            + " invalid_credentials. Five refused attempts in 15 minutes lock out that username from that"
                            + " client address for 15 minutes; attempts from many addresses only slow the username down.")
    @APIResponse(
            responseCode = "200",
            description = "The access token",
            content = @Content(schema = @Schema(implementation = Dtos.LoginResponse.class)))
    @APIResponse(responseCode = "401", description = "invalid_credentials (problem JSON)")
    @APIResponse(
            responseCode = "503",
            description = "login_busy: too many password checks at once; see Retry-After")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.LoginRequest.class)))
    public void login(Dtos.LoginRequest body, @Suspended AsyncResponse response) {
        if (body == null || body.username() == null || body.username().isBlank()) {
            throw new ValidationException("username", "username is required");
        }
        if (body.password() == null || body.password().isEmpty()) {
            throw new ValidationException("password", "password is required");
        }
        String client =
                clients.of(
                        http.getRemoteAddr(),
                        java.util.Collections.list(http.getHeaders(ClientAddresses.FORWARDED_FOR)));
        String wantsSession = http.getHeader(SessionResource.REFRESH_HEADER);
        // answered when the password check has run; this thread returns to the pool meanwhile
        identity.login(body.username(), body.password(), client, requestId())
                .whenComplete(
                        (login, error) -> {
                            if (error != null) {
                                response.resume(
                                        error instanceof CompletionException
                                                        && error.getCause() != null
                                                ? error.getCause()
                                                : error);
                            } else if ("1".equals(wantsSession)) {
                                // the console: a session with a refresh cookie (SessionResource)
                                try {
                                    response.resume(
                                            SessionResource.withSession(
                                                    sessions.openPassword(
                                                            login.user().id(),
                                                            login.user().username(),
                                                            new io.gatehouse.shared.TenantId(
                                                                    login.user().tenantId()))));
                                } catch (RuntimeException e) {
                                    response.resume(e);
                                }
                            } else {
                                response.resume(answer(login));
                            }
                        });
    }

    private static JsonObject answer(IdentityService.Login login) {
        JsonArrayBuilder roles = Json.createArrayBuilder();
        login.user().roles().forEach(roles::add);
        return Json.createObjectBuilder()
                .add("access_token", login.token().token())
                .add("token_type", "Bearer")
                .add("expires_in", login.token().expiresIn())
                .add("tenant", login.tenantSlug())
                .add("roles", roles)
                .build();
    }

    @POST
    @Path("auth/logout")
    @SecurityRequirement(name = "jwt")
    @Operation(
            summary = "Revoke the access token used for this call (and the console session)",
            description =
                    "Built-in tokens and external tokens that carry a jti are refused on every instance"
                            + " from now until they expire. An external token without a jti cannot be revoked here: 409"
                            + " token_not_revocable; it stays valid until its exp, so end the session at the identity provider.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(
            responseCode = "200",
            description =
                    "Revoked, and the console session of the gh_refresh cookie (when it is the"
                            + " caller's) ended",
            content = @Content(schema = @Schema(implementation = Dtos.SignedOut.class)))
    @APIResponse(
            responseCode = "409",
            description = "token_not_revocable: an external token without jti")
    @APIResponse(
            responseCode = "403",
            description =
                    "refresh_header_required: the gh_refresh cookie came without the header"
                            + " X-Gatehouse-Refresh: 1")
    @APIResponse(responseCode = "400", description = "duplicate_cookie: two gh_refresh cookies")
    public Response logout() {
        Caller caller = current.require();
        TokenService.Verified v =
                (TokenService.Verified) http.getAttribute(AuthenticationFilter.VERIFIED_TOKEN);
        if (v == null || v.jti() == null) {
            throw new ConflictException(
                    "token_not_revocable",
                    "This token has no jti, so Gatehouse cannot revoke it; it stays valid until it expires."
                            + " Sign out at your identity provider.");
        }
        // the console's session, when its refresh cookie came along and is the caller's; reading
        // that cookie needs the header no other site can send (as refresh does)
        if (SessionResource.count(http, SessionResource.REFRESH_COOKIE) > 0) {
            SessionResource.requireRefreshHeader(http);
        }
        var session =
                sessions.end(caller, SessionResource.cookie(http, SessionResource.REFRESH_COOKIE));
        identity.logout(
                caller,
                v.jti(),
                v.expiresAt(),
                requestId(),
                session.map(f -> f.id().toString()).orElse(null));
        if (session.isEmpty()) {
            return Response.noContent().build();
        }
        var b = Json.createObjectBuilder().add("session_ended", true);
        var end =
                SessionService.OIDC.equals(session.get().kind())
                        ? sso.endSessionUrl()
                        : java.util.Optional.<java.net.URI>empty();
        if (end.isPresent()) {
            b.add("end_session_url", end.get().toString());
        } else {
            b.addNull("end_session_url");
        }
        return Response.ok(b.build())
                .header("Set-Cookie", SessionResource.refreshCookie("", 0))
                .build();
    }

    @POST
    @Path("auth/password")
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "Change one's own password; all earlier tokens stop working")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.PasswordChange.class)))
    @APIResponse(responseCode = "204", description = "Changed")
    public Response changePassword(Dtos.PasswordChange body) {
        Caller caller = current.require();
        if (caller.kind() != Caller.Kind.USER || caller.subject().startsWith("oidc:")) {
            throw new ValidationException(
                    "newPassword",
                    "Passwords of external identities are managed by their provider");
        }
        if (body == null) {
            throw new ValidationException("newPassword", "newPassword is required");
        }
        identity.changePassword(caller, body.currentPassword(), body.newPassword(), requestId());
        return Response.noContent().build();
    }

    @GET
    @Path("me")
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "Who the caller is: user, tenant, roles")
    @APIResponse(
            responseCode = "200",
            description = "The caller",
            content = @Content(schema = @Schema(implementation = Dtos.MeView.class)))
    public JsonObject me() {
        Caller c = current.require();
        JsonArrayBuilder roles = Json.createArrayBuilder();
        c.roles().stream().map(Role::wireName).sorted().forEach(roles::add);
        return Json.createObjectBuilder()
                .add("userId", c.subject())
                .add("username", c.name())
                .add("tenantId", c.tenant().toString())
                .add("tenant", tenants.slugOf(c.tenant()).orElse(""))
                .add("roles", roles)
                .add("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT))
                .build();
    }

    private String requestId() {
        return (String) http.getAttribute(RequestIds.ATTRIBUTE);
    }
}
