package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.ClientAddresses;
import io.gatehouse.edge.internal.OidcSignIn;
import io.gatehouse.edge.internal.SessionService;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Console sessions (docs/security.md, "Console sessions"): which sign-in methods exist, single
 * sign-on through the OpenID Connect provider, and renewal by rotating refresh token. The refresh
 * token lives only in an HttpOnly, Secure, SameSite=Strict cookie limited to {@code /api/v1/auth},
 * and every call that reads it must also carry the header {@code X-Gatehouse-Refresh: 1}, which a
 * form or link on another site cannot send.
 */
@Path("api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Identity", description = "Built-in identity: login, logout, password, who am I")
public class SessionResource {
    /** The cookie that holds the refresh token. */
    public static final String REFRESH_COOKIE = "gh_refresh";

    /** The header a request reading the refresh cookie must carry (value 1). */
    public static final String REFRESH_HEADER = "X-Gatehouse-Refresh";

    /** Binds a started sign-in to the browser that started it. */
    static final String BINDING_COOKIE = "gh_oidc_binding";

    static final String COOKIE_PATH = "/api/v1/auth";
    static final String BINDING_PATH = "/api/v1/auth/oidc";

    @Inject OidcSignIn sso;
    @Inject SessionService sessions;
    @Inject ClientAddresses clients;
    @Context HttpServletRequest http;

    @GET
    @Path("auth/providers")
    @Operation(
            summary = "How people may sign in here",
            description =
                    "Always the built-in password; and, when an OpenID Connect provider is configured"
                            + " for sign-in (gatehouse.oidc.issuer and gatehouse.oidc.client.id), its display"
                            + " name and where the console starts the sign-in.")
    @APIResponse(
            responseCode = "200",
            description = "The methods",
            content = @Content(schema = @Schema(implementation = Dtos.SignInMethods.class)))
    public JsonObject providers() {
        JsonObjectBuilder b = Json.createObjectBuilder().add("password", true);
        if (sso.enabled()) {
            b.add(
                    "oidc",
                    Json.createObjectBuilder()
                            .add("name", sso.providerName())
                            .add("start", "/api/v1/auth/oidc/start"));
        } else {
            b.addNull("oidc");
        }
        return b.build();
    }

    @GET
    @Path("auth/oidc/start")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(
            summary = "Begin single sign-on: 303 to the provider's authorization endpoint",
            description =
                    "Creates a single-use state, nonce and PKCE code_verifier (kept on the server for"
                            + " 10 minutes) and sets an HttpOnly cookie binding the sign-in to this browser."
                            + " return_to is a /console/ path to come back to. A browser (Accept: text/html)"
                            + " is sent back to the console with ?sso_error=<code> on failure; other"
                            + " clients get problem JSON (404 oidc_not_configured, 503 provider_unavailable).")
    @APIResponse(responseCode = "303", description = "To the provider")
    @APIResponse(responseCode = "404", description = "oidc_not_configured")
    @APIResponse(
            responseCode = "429",
            description =
                    "too_many_sign_ins: this client address holds too many unfinished sign-ins"
                            + " (gatehouse.auth.oidc.start.max.per.client)")
    @APIResponse(responseCode = "503", description = "provider_unavailable")
    public Response start(@QueryParam("return_to") String returnTo) {
        try {
            OidcSignIn.Started s = sso.start(returnTo, client(), requestId());
            return Response.seeOther(s.authorizationUrl())
                    .header("Set-Cookie", bindingCookie(s.binding(), 600))
                    .header("Cache-Control", "no-store")
                    .build();
        } catch (GatehouseException e) {
            return failed(e);
        }
    }

    @GET
    @Path("auth/oidc/callback")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(
            summary = "Where the provider sends the browser back: completes single sign-on",
            description =
                    "Checks the state (single-use, bound to this browser), exchanges the code and the"
                            + " PKCE code_verifier at the provider's token endpoint, verifies the ID token"
                            + " (signature by the provider's JWKS, iss, aud, exp, nonce), maps tenant and"
                            + " roles, and sends the browser to the console with a one-time login code in"
                            + " the URL's fragment (#login_code=…, never sent to a server), to redeem by POST"
                            + " /api/v1/auth/oidc/redeem. Refusals: invalid_state, invalid_code,"
                            + " invalid_id_token, invalid_nonce, no_tenant, provider_refused,"
                            + " provider_unavailable; audited as auth.login failures.")
    @APIResponse(responseCode = "303", description = "To the console")
    @APIResponse(responseCode = "400", description = "invalid_state (problem JSON)")
    @APIResponse(
            responseCode = "401",
            description = "invalid_code, invalid_id_token, invalid_nonce")
    @APIResponse(responseCode = "403", description = "no_tenant")
    public Response callback(
            @QueryParam("code") String code,
            @QueryParam("state") String state,
            @QueryParam("error") String error) {
        String binding = cookie(BINDING_COOKIE);
        try {
            OidcSignIn.Completed done =
                    sso.callback(code, state, error, binding, client(), requestId());
            return Response.seeOther(
                            URI.create(
                                    sso.publicBase()
                                            + done.returnTo()
                                            + "#login_code="
                                            + URLEncoder.encode(
                                                    done.loginCode(), StandardCharsets.UTF_8)))
                    // the binding cookie stays: redeem requires it (the code is this browser's
                    // only)
                    .header("Cache-Control", "no-store")
                    .header("Referrer-Policy", "no-referrer")
                    .build();
        } catch (GatehouseException e) {
            return failed(e);
        }
    }

    /** Login-code or refresh-token body. */
    public record CodeBody(@Schema(required = true) String code) {}

    @POST
    @Path("auth/oidc/redeem")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Redeem the one-time login code of a single sign-on",
            description =
                    "Good once, for 60 seconds, and only in the browser that started the sign-in: the"
                            + " request must carry that browser's binding cookie (gh_oidc_binding), which"
                            + " this call then clears. Answers like login, and sets the session's refresh"
                            + " cookie. A refusal is audited (auth.login, failure, reason"
                            + " invalid_login_code).")
    @RequestBody(
            required = true,
            content = @Content(schema = @Schema(implementation = CodeBody.class)))
    @APIResponse(
            responseCode = "200",
            description = "The access token",
            content = @Content(schema = @Schema(implementation = Dtos.LoginResponse.class)))
    @APIResponse(responseCode = "401", description = "invalid_login_code")
    @APIResponse(responseCode = "400", description = "duplicate_cookie")
    public Response redeem(CodeBody body) {
        SessionService.Renewed r =
                sessions.redeem(
                                body == null ? null : body.code(),
                                cookie(BINDING_COOKIE),
                                client(),
                                requestId())
                        .orElseThrow(
                                () ->
                                        new GatehouseException(
                                                401,
                                                "invalid_login_code",
                                                "This sign-in code is unknown, used, expired or from"
                                                        + " another browser: sign in again",
                                                null,
                                                Map.of("Set-Cookie", bindingCookie("", 0))));
        return Response.fromResponse(withSession(r))
                .header("Set-Cookie", bindingCookie("", 0))
                .build();
    }

    @POST
    @Path("auth/refresh")
    @Operation(
            summary = "Renew the session: a new access token and a new refresh token",
            description =
                    "Reads the refresh token from the gh_refresh cookie (HttpOnly, Secure,"
                            + " SameSite=Strict, Path=/api/v1/auth) and requires the header"
                            + " X-Gatehouse-Refresh: 1. The token is used once and replaced (rotation);"
                            + " presenting a used one again revokes the whole session (audited as"
                            + " auth.refresh_reuse), except within the grace window"
                            + " (gatehouse.auth.refresh.grace.seconds) of its rotation while its successor"
                            + " is unused, when the same answer is given again (a lost answer). Every"
                            + " renewal maps the person again (a built-in user's current roles and status;"
                            + " a single sign-on person's groups through the current role map): no role,"
                            + " no tenant or a disabled user ends the session (auth.session_revoked). A"
                            + " suspended tenant renews nothing. A session ends at its absolute lifetime"
                            + " (gatehouse.auth.session.absolute.seconds). Refusals are audited as"
                            + " auth.refresh (failure); two gh_refresh cookies are refused.")
    @APIResponse(
            responseCode = "200",
            description = "The access token",
            content = @Content(schema = @Schema(implementation = Dtos.LoginResponse.class)))
    @APIResponse(responseCode = "401", description = "invalid_refresh_token")
    @APIResponse(responseCode = "403", description = "refresh_header_required")
    public Response refresh() {
        requireRefreshHeader(http);
        // cookie tossing: a second gh_refresh (set by another path or subdomain) is not guessed
        SessionService.Outcome o =
                count(http, REFRESH_COOKIE) > 1
                        ? sessions.refuseAmbiguous(client(), requestId())
                        : sessions.refresh(cookie(REFRESH_COOKIE), client(), requestId());
        if (o.renewed() == null) {
            throw new GatehouseException(
                    401,
                    "invalid_refresh_token",
                    "The session has ended: sign in again",
                    null,
                    Map.of("Set-Cookie", refreshCookie("", 0)));
        }
        return withSession(o.renewed());
    }

    /** A request that reads the refresh cookie must say so in a header no other site can send. */
    static void requireRefreshHeader(HttpServletRequest http) {
        if (!"1".equals(http.getHeader(REFRESH_HEADER))) {
            throw new ForbiddenException(
                    "refresh_header_required",
                    "Send the header "
                            + REFRESH_HEADER
                            + ": 1 with a request that uses the session cookie");
        }
    }

    static Response withSession(SessionService.Renewed r) {
        JsonArrayBuilder roles = Json.createArrayBuilder();
        r.roles().stream().map(Role::wireName).sorted().forEach(roles::add);
        JsonObject body =
                Json.createObjectBuilder()
                        .add("access_token", r.access().token())
                        .add("token_type", "Bearer")
                        .add("expires_in", r.access().expiresIn())
                        .add("tenant", r.tenantSlug())
                        .add("roles", roles)
                        .add("session", r.family().kind())
                        .build();
        return Response.ok(body)
                .header("Set-Cookie", refreshCookie(r.refreshToken(), r.refreshMaxAgeSeconds()))
                .header("Cache-Control", "no-store")
                .build();
    }

    static String refreshCookie(String value, long maxAge) {
        return REFRESH_COOKIE
                + "="
                + value
                + "; Path="
                + COOKIE_PATH
                + "; Max-Age="
                + maxAge
                + "; HttpOnly; Secure; SameSite=Strict";
    }

    /** Lax: the provider sends the browser back with a top-level GET from its own site. */
    static String bindingCookie(String value, long maxAge) {
        return BINDING_COOKIE
                + "="
                + value
                + "; Path="
                + BINDING_PATH
                + "; Max-Age="
                + maxAge
                + "; HttpOnly; Secure; SameSite=Lax";
    }

    private String cookie(String name) {
        return cookie(http, name);
    }

    /**
     * The value of a cookie sent once; null when absent or empty. A name sent more than once (a
     * cookie set by another path or subdomain next to ours: cookie tossing) is refused with 400
     * duplicate_cookie rather than guessed.
     */
    static String cookie(HttpServletRequest http, String name) {
        jakarta.servlet.http.Cookie[] cookies = http.getCookies();
        if (cookies == null) {
            return null;
        }
        if (count(http, name) > 1) {
            throw new GatehouseException(
                    400,
                    "duplicate_cookie",
                    "The request carries the cookie " + name + " more than once",
                    null,
                    Map.of());
        }
        for (jakarta.servlet.http.Cookie c : cookies) {
            if (c.getName().equals(name) && !c.getValue().isEmpty()) {
                return c.getValue();
            }
        }
        return null;
    }

    /** How many cookies of that name the request carries (empty ones included). */
    static int count(HttpServletRequest http, String name) {
        jakarta.servlet.http.Cookie[] cookies = http.getCookies();
        int n = 0;
        if (cookies != null) {
            for (jakarta.servlet.http.Cookie c : cookies) {
                if (c.getName().equals(name)) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * A browser (it asked for HTML) goes back to the console's sign-in with the refusal's code; any
     * other client gets the problem JSON.
     */
    private Response failed(GatehouseException e) {
        String accept = http.getHeader("Accept");
        if (accept != null && accept.contains("text/html")) {
            return Response.seeOther(
                            URI.create(
                                    sso.publicBase()
                                            + "/console/login?sso_error="
                                            + URLEncoder.encode(e.code(), StandardCharsets.UTF_8)))
                    .header("Set-Cookie", bindingCookie("", 0))
                    .header("Cache-Control", "no-store")
                    .build();
        }
        throw e;
    }

    private String client() {
        return clients.of(
                http.getRemoteAddr(),
                java.util.Collections.list(http.getHeaders(ClientAddresses.FORWARDED_FOR)));
    }

    private String requestId() {
        return (String) http.getAttribute(RequestIds.ATTRIBUTE);
    }
}
