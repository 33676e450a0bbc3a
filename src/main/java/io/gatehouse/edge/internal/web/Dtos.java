package io.gatehouse.edge.internal.web;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the edge's management API. */
public final class Dtos {
    private Dtos() {}

    public record LoginRequest(String username, String password) {}

    public record PasswordChange(String currentPassword, String newPassword) {}

    public record NewUser(String username, String password, List<String> roles) {}

    public record UserPatch(List<String> roles, String status) {}

    public record PasswordReset(String password) {}

    /**
     * {@code lockedUntil}: the latest end of a lock-out of this user from some client address, if
     * any.
     */
    public record UserView(
            String id,
            String tenantId,
            String username,
            List<String> roles,
            String status,
            Instant lockedUntil,
            Instant createdAt) {}

    public record NewTenantAdmin(String username, String password) {}

    public record NewTenant(String slug, String displayName, NewTenantAdmin admin) {}

    public record TenantPatch(String status) {}

    public record TenantView(
            String id, String slug, String displayName, String status, Instant createdAt) {}

    public record NewKey(
            String name,
            List<String> allowedRoutes,
            List<String> allowedCidrs,
            Instant expiresAt,
            Integer rpmLimit,
            Integer tpmLimit) {}

    public record Rotation(Long overlapSeconds) {}

    public record KeyView(
            String id,
            String name,
            String prefix,
            List<String> allowedRoutes,
            List<String> allowedCidrs,
            Integer rpmLimit,
            Integer tpmLimit,
            Instant expiresAt,
            Instant revokedAt,
            String rotatedFrom,
            String createdBy,
            Instant createdAt,
            String status) {}

    /** A created key: {@code key} is the secret, shown this once. */
    public record CreatedKey(
            String id,
            String name,
            String prefix,
            String key,
            List<String> allowedRoutes,
            List<String> allowedCidrs,
            Integer rpmLimit,
            Integer tpmLimit,
            Instant expiresAt,
            String rotatedFrom) {}

    @Schema(
            description =
                    "The tenant's rate limits and cost budgets (null: the platform default rate,"
                            + " no budget), and the share of each that evaluation runs may use")
    public record Limits(
            @Schema(description = "Requests per minute for the tenant (null: platform default)")
                    Integer rpmLimit,
            @Schema(description = "Tokens per minute for the tenant (null: platform default)")
                    Integer tpmLimit,
            @Schema(description = "Cost budget per UTC day, in micro-units (null: none)")
                    Long dailyBudgetMicros,
            @Schema(description = "Cost budget per UTC month, in micro-units (null: none)")
                    Long monthlyBudgetMicros,
            @Schema(
                            description =
                                    "The percentage (1..100) of rpm, tpm and each budget that the"
                                            + " tenant's evaluation runs may use, on top of counting"
                                            + " against the limits themselves; null: the platform"
                                            + " default (10, a tenth). Over it an evaluation call"
                                            + " gets 429 evaluation_rate_limited or"
                                            + " evaluation_budget_exceeded",
                            minimum = "1",
                            maximum = "100",
                            example = "10")
                    Integer evaluationSharePercent) {}

    @Schema(description = "One egress allow-list entry")
    public record EgressEntry(
            @Schema(
                            required = true,
                            description =
                                    "A CIDR network (10.0.0.0/8, fd00::/8), a single IP address, a host name"
                                            + " (models.corp.example) or its subdomains (*.corp.example)",
                            example = "10.20.0.0/16")
                    String destination,
            @Schema(
                            description = "The one port allowed (1-65535); absent for every port",
                            example = "8000")
                    Integer port,
            @Schema(description = "Why the entry exists (at most 200 characters)") String note) {}

    @Schema(description = "The whole list; it replaces the current one (an empty array clears it)")
    public record EgressAllowListUpdate(
            @Schema(required = true, maxItems = 100) List<EgressEntry> entries) {}

    @Schema(description = "A tenant's egress allow-list, entries in canonical form")
    public record EgressAllowListView(
            String tenantId,
            List<EgressEntry> entries,
            @Schema(
                            description =
                                    "Subject of the platform admin who set it last; null if never set")
                    String updatedBy,
            Instant updatedAt) {}

    @Schema(description = "A login's access token (field names as in OAuth 2.0 token answers)")
    public record LoginResponse(
            @Schema(required = true, description = "RS256 JWT") String access_token,
            @Schema(
                            required = true,
                            enumeration = {"Bearer"})
                    String token_type,
            @Schema(required = true, description = "Seconds until it expires") long expires_in,
            @Schema(required = true, description = "The tenant's slug") String tenant,
            @Schema(required = true) List<String> roles,
            @Schema(
                            description =
                                    "password or oidc when the answer began or renewed a console session"
                                            + " (its refresh token then set in the gh_refresh cookie); absent"
                                            + " otherwise",
                            enumeration = {"password", "oidc"})
                    String session) {}

    @Schema(description = "How people may sign in here")
    public record SignInMethods(
            @Schema(required = true, description = "The built-in password sign-in: always true")
                    boolean password,
            @Schema(description = "The OpenID Connect provider, when one is configured; else null")
                    OidcMethod oidc) {}

    @Schema(description = "Single sign-on through the configured OpenID Connect provider")
    public record OidcMethod(
            @Schema(required = true, description = "Shown as \"Sign in with <name>\"") String name,
            @Schema(required = true, description = "Where a browser starts the sign-in (GET)")
                    String start) {}

    @Schema(description = "A sign-out that ended the console session too")
    public record SignedOut(
            @Schema(required = true) boolean session_ended,
            @Schema(
                            description =
                                    "Single sign-on: the provider's end_session_endpoint with"
                                            + " client_id and post_logout_redirect_uri (never the ID token),"
                                            + " where the browser"
                                            + " goes next; null otherwise")
                    String end_session_url) {}

    @Schema(description = "Who the caller is")
    public record MeView(
            @Schema(
                            required = true,
                            description =
                                    "Subject: a user id, or oidc:<sub> for an external identity")
                    String userId,
            @Schema(required = true) String username,
            @Schema(required = true) String tenantId,
            @Schema(required = true, description = "The tenant's slug") String tenant,
            @Schema(required = true, description = "Role wire names, sorted") List<String> roles,
            @Schema(
                            required = true,
                            enumeration = {"user", "api_key", "system"})
                    String kind) {}

    @Schema(description = "A JSON Web Key Set")
    public record Jwks(
            @Schema(required = true, description = "Public RSA keys (RFC 7517)")
                    List<java.util.Map<String, Object>> keys) {}

    @Schema(description = "OpenID Connect discovery metadata")
    public record OpenIdConfiguration(
            String issuer,
            String jwks_uri,
            String token_endpoint,
            List<String> response_types_supported,
            List<String> subject_types_supported,
            List<String> id_token_signing_alg_values_supported,
            List<String> token_endpoint_auth_methods_supported,
            List<String> claims_supported) {}
}
