package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.SessionRows;
import io.gatehouse.shared.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;

/**
 * Single sign-on through the configured OpenID Connect provider (docs/security.md, "Single
 * sign-on"): the authorization-code flow with PKCE (S256), run by the server, so the browser never
 * talks to the provider's token endpoint and never holds the provider's tokens.
 *
 * <ol>
 *   <li>{@link #start}: a random state, nonce, PKCE code_verifier and browser binding; their hashes
 *       (state, binding) and the rest are stored for 10 minutes (V64, single-use); the browser goes
 *       to the provider's authorization_endpoint (from its discovery document) with the binding in
 *       an HttpOnly cookie.
 *   <li>{@link #callback}: the state's row is taken (deleted) once, the binding cookie must match,
 *       the code and verifier are exchanged at the token endpoint, and the ID token verified:
 *       signature by the provider's JWKS, iss, aud (the client id), azp, exp, iat, nonce. The
 *       person is mapped to a tenant and roles as the provider's access tokens are. A session
 *       begins, and the console gets a one-time login code to redeem (never a token in a URL).
 * </ol>
 *
 * Every refusal is audited ({@code auth.login}, outcome failure, method oidc) and reported with a
 * code only ({@link SsoRefused}); the provider's own error text is not passed on.
 *
 * <p>Long on purpose: the flow's checks are one ordered list (state, binding, code exchange, ID
 * token, nonce, tenant), each with its audited refusal, next to the discovery document and key set
 * they rely on; split, the order of the checks would be spread over several classes.
 */
@ApplicationScoped
public class OidcSignIn {
    private static final Logger LOG = Logger.getLogger(OidcSignIn.class.getName());
    static final long FLOW_SECONDS = 600;

    @Inject OidcProviderCalls provider;
    @Inject IssuerKeys issuerKeys;
    @Inject SessionRows rows;
    @Inject SessionService sessions;
    @Inject TokenService tokens;
    @Inject AuditRecorder audit;
    @Inject OidcSettings settings;

    /**
     * How many started, unfinished sign-ins (10 minutes each) one client address may hold: more
     * starts answer 429 too_many_sign_ins, so an anonymous caller cannot fill the flow table.
     */
    @Inject
    @ConfigProperty(name = "gatehouse.auth.oidc.start.max.per.client", defaultValue = "30")
    int maxFlowsPerClient;

    private volatile JsonObject discovery;
    private volatile long discoveredAt;
    private volatile JwtConsumer idTokens;

    /** A refusal of the sign-in, with a code the console can show (never the provider's text). */
    public static final class SsoRefused extends io.gatehouse.shared.error.GatehouseException {
        public SsoRefused(String code, int status, String message) {
            super(status, code, message);
        }
    }

    /** What {@link #start} hands the browser: where to go, and the binding for its cookie. */
    public record Started(URI authorizationUrl, String binding) {}

    /** A completed sign-in: the console's one-time login code, and where it was going. */
    public record Completed(String loginCode, String returnTo) {}

    public boolean enabled() {
        return settings.issuer().isPresent() && settings.clientId().isPresent();
    }

    public String providerName() {
        return settings.providerName();
    }

    public String redirectUri() {
        return base() + "/api/v1/auth/oidc/callback";
    }

    public String consoleUrl() {
        return base() + "/console/";
    }

    /** The server's public address, without a trailing slash. */
    public String publicBase() {
        return base();
    }

    private String base() {
        return settings.publicBase();
    }

    /**
     * Begins a flow; {@code returnTo} is a console path (anything else becomes /console/). Refused
     * (429) when the client address already holds {@link #maxFlowsPerClient} unfinished flows.
     */
    public Started start(String returnTo, String client, String requestId) {
        requireEnabled();
        JsonObject d = discovery();
        String endpoint = d.getString("authorization_endpoint", null);
        if (endpoint == null) {
            throw new SsoRefused(
                    "provider_unavailable", 503, "The provider names no authorization endpoint");
        }
        String state = SessionService.secret();
        String nonce = SessionService.secret();
        String verifier = SessionService.secret() + SessionService.secret(); // 86 characters
        String binding = SessionService.secret();
        boolean saved =
                rows.saveFlow(
                        SessionService.hash(state),
                        SessionService.hash(binding),
                        nonce,
                        verifier,
                        safeReturn(returnTo),
                        Instant.now().plusSeconds(FLOW_SECONDS),
                        ClientAddresses.lockoutKey(client == null ? "" : client),
                        maxFlowsPerClient);
        if (!saved) {
            throw refuse(
                    "too_many_sign_ins",
                    429,
                    "Too many sign-ins were started from this address: finish one or wait a few"
                            + " minutes",
                    client,
                    requestId);
        }
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", settings.clientId().get());
        q.put("redirect_uri", redirectUri());
        q.put("scope", settings.scopes());
        q.put("state", state);
        q.put("nonce", nonce);
        q.put("code_challenge", challenge(verifier));
        q.put("code_challenge_method", "S256");
        return new Started(URI.create(withQuery(endpoint, q)), binding);
    }

    /**
     * Completes a flow: every check of the class comment, in order; the first that fails refuses
     * the sign-in (audited).
     */
    public Completed callback(
            String code,
            String state,
            String providerError,
            String binding,
            String client,
            String requestId) {
        requireEnabled();
        if (state == null || state.isEmpty() || state.length() > 200) {
            throw refuse("invalid_state", 400, "The sign-in has no valid state", client, requestId);
        }
        if (binding == null || binding.isEmpty() || binding.length() > 200) {
            throw refuse(
                    "invalid_state",
                    400,
                    "This sign-in was started in another browser",
                    client,
                    requestId);
        }
        // single-use: taken (deleted) whatever happens next, but only by the browser that started
        // it (the row is matched on state AND binding: another browser's try leaves it alone)
        SessionRows.Flow flow =
                rows.takeFlow(SessionService.hash(state), SessionService.hash(binding))
                        .orElse(null);
        if (flow == null) {
            throw refuse(
                    "invalid_state",
                    400,
                    "This sign-in is unknown, used, expired or was started in another browser:"
                            + " start again",
                    client,
                    requestId);
        }
        if (providerError != null) {
            throw refuse(
                    "provider_refused",
                    401,
                    "The identity provider did not sign you in",
                    client,
                    requestId);
        }
        if (code == null || code.isEmpty() || code.length() > 2000) {
            throw refuse("invalid_code", 400, "The sign-in has no code", client, requestId);
        }
        JsonObject d = discovery();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri());
        form.put("code_verifier", flow.codeVerifier());
        String basic = null;
        if (settings.clientSecret().isPresent()) {
            basic =
                    Base64.getEncoder()
                            .encodeToString(
                                    (OidcHttp.formEncode(settings.clientId().get())
                                                    + ":"
                                                    + OidcHttp.formEncode(
                                                            settings.clientSecret().get()))
                                            .getBytes(StandardCharsets.UTF_8));
        } else {
            form.put("client_id", settings.clientId().get());
        }
        OidcProviderCalls.Answer answer;
        try {
            answer = provider.postForm(d.getString("token_endpoint", ""), form, basic);
        } catch (IOException | FaultToleranceException | IllegalArgumentException e) {
            LOG.warning("The provider's token endpoint failed: " + e);
            throw refuse(
                    "provider_unavailable",
                    503,
                    "The identity provider cannot be reached",
                    client,
                    requestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SsoRefused("provider_unavailable", 503, "Interrupted");
        }
        if (answer.status() != 200 || !answer.body().containsKey("id_token")) {
            throw refuse(
                    "invalid_code",
                    401,
                    "The identity provider refused the code (used, expired or not ours)",
                    client,
                    requestId);
        }
        String idToken = answer.body().getString("id_token", "");
        JwtClaims claims;
        try {
            claims = idTokenConsumer(d).processToClaims(idToken);
        } catch (InvalidJwtException e) {
            // error codes only: the message would carry the token's claims (sub, email, nonce)
            LOG.fine(() -> refusalForLog(e));
            throw refuse(
                    "invalid_id_token",
                    401,
                    "The provider's ID token is not valid",
                    client,
                    requestId);
        }
        Object nonce = claims.getClaimValue("nonce");
        if (!(nonce instanceof String n)
                || !MessageDigest.isEqual(
                        n.getBytes(StandardCharsets.UTF_8),
                        flow.nonce().getBytes(StandardCharsets.UTF_8))) {
            throw refuse(
                    "invalid_nonce",
                    401,
                    "The provider's ID token is not for this sign-in",
                    client,
                    requestId);
        }
        Caller person;
        java.util.List<String> groups;
        String tenantClaim;
        try {
            // azp, when present, must be this client (and it must be present with several
            // audiences)
            Object azp = claims.getClaimValue("azp");
            if ((azp != null || claims.getAudience().size() > 1)
                    && !settings.clientId().get().equals(azp)) {
                throw refuse(
                        "invalid_id_token",
                        401,
                        "The provider's ID token is not for this client",
                        client,
                        requestId);
            }
            person = tokens.externalCaller(claims).orElse(null);
            groups = tokens.groupsOf(claims);
            tenantClaim = tokens.tenantClaimOf(claims);
        } catch (org.jose4j.jwt.MalformedClaimException e) {
            throw refuse(
                    "invalid_id_token",
                    401,
                    "The provider's ID token is malformed",
                    client,
                    requestId);
        }
        if (person == null) {
            throw refuse(
                    "no_tenant",
                    403,
                    "Your account at the identity provider is not given access to a Gatehouse tenant",
                    client,
                    requestId);
        }
        if (person.roles().isEmpty()) {
            // a session that every renewal would end at once (SessionService re-maps the groups)
            throw refuse(
                    "no_role",
                    403,
                    "Your account at the identity provider is given no Gatehouse role here",
                    client,
                    requestId);
        }
        String loginCode =
                sessions.openSso(
                        person, groups, tenantClaim, flow.bindingHash(), client, requestId);
        return new Completed(loginCode, flow.returnTo());
    }

    /** The provider's end_session_endpoint for a session's sign-out, if it has one. */
    public Optional<URI> endSessionUrl() {
        if (!enabled()) {
            return Optional.empty();
        }
        JsonObject d;
        try {
            d = discovery();
        } catch (SsoRefused e) {
            return Optional.empty(); // signed out here; the provider's session stays
        }
        String endpoint = d.getString("end_session_endpoint", null);
        if (endpoint == null) {
            return Optional.empty();
        }
        // RP-Initiated Logout 1.0 allows client_id without id_token_hint: the provider's ID token
        // never goes into a URL or to the browser (the provider may ask the person to confirm)
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", settings.clientId().get());
        q.put("post_logout_redirect_uri", consoleUrl());
        return Optional.of(URI.create(withQuery(endpoint, q)));
    }

    private void requireEnabled() {
        if (!enabled()) {
            throw new SsoRefused(
                    "oidc_not_configured", 404, "Single sign-on is not configured here");
        }
    }

    private SsoRefused refuse(
            String code, int status, String message, String client, String requestId) {
        audit.record(
                AuditEvent.of(null, "anonymous", "oidc", "auth.login")
                        .outcome(AuditEvent.Outcome.FAILURE)
                        .detail("method", "oidc")
                        .detail("reason", code)
                        .detail("client", client)
                        .requestId(requestId)
                        .build());
        return new SsoRefused(code, status, message);
    }

    /** The discovery document, re-read after an hour (or after a failure). */
    JsonObject discovery() {
        JsonObject d = discovery;
        if (d != null && System.currentTimeMillis() - discoveredAt < 3_600_000) {
            return d;
        }
        String iss = settings.issuer().orElseThrow();
        String url = settings.discoveryUrl();
        try {
            d = provider.getJson(url);
        } catch (IOException | FaultToleranceException | IllegalArgumentException e) {
            LOG.warning("The provider's discovery document could not be read: " + e);
            if (discovery != null) {
                return discovery; // the last one read keeps serving
            }
            throw new SsoRefused(
                    "provider_unavailable", 503, "The identity provider cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SsoRefused("provider_unavailable", 503, "Interrupted");
        }
        if (!iss.equals(d.getString("issuer", null))) {
            throw new SsoRefused(
                    "provider_unavailable",
                    503,
                    "The provider's discovery document names another issuer");
        }
        synchronized (this) {
            if (idTokens == null || !d.equals(discovery)) {
                idTokens = null;
            }
            discovery = d;
            discoveredAt = System.currentTimeMillis();
        }
        return d;
    }

    private synchronized JwtConsumer idTokenConsumer(JsonObject d) {
        if (idTokens != null) {
            return idTokens;
        }
        String jwksUri = d.getString("jwks_uri", null);
        if (jwksUri == null) {
            throw new SsoRefused("provider_unavailable", 503, "The provider names no JWKS");
        }
        // the provider's key set, fetched through IssuerKeys' Fault Tolerance like its access
        // tokens' keys (and kept 5 minutes after a failed refresh)
        idTokens =
                TokenService.externalIssuerConsumer(
                                settings.issuer().orElseThrow(),
                                settings.clientId().orElseThrow(),
                                IssuerKeys.keySet(issuerKeys, jwksUri, 300))
                        .setRequireIssuedAt()
                        .build();
        return idTokens;
    }

    /** What the log says of a refused ID token: jose4j's error codes, never its claims. */
    static String refusalForLog(InvalidJwtException e) {
        return "ID token refused, jose4j error codes "
                + e.getErrorDetails().stream()
                        .map(x -> String.valueOf(x.getErrorCode()))
                        .collect(Collectors.joining(","));
    }

    /** A console path to return to, or /console/ (never another site, never a scheme). */
    static String safeReturn(String returnTo) {
        if (returnTo == null
                || !returnTo.startsWith("/console/")
                || returnTo.length() > 500
                || returnTo.contains("//")
                || returnTo.contains("\\")
                || returnTo.contains("#")
                || !returnTo.matches("[A-Za-z0-9/_.~?=&%:+-]*")
                || hasDotSegment(returnTo)) {
            return "/console/";
        }
        return returnTo;
    }

    /** A "." or ".." path segment, written plainly or percent-encoded (%2e, %2E). */
    private static boolean hasDotSegment(String returnTo) {
        int q = returnTo.indexOf('?');
        String path = (q < 0 ? returnTo : returnTo.substring(0, q)).replaceAll("(?i)%2e", ".");
        if (path.matches("(?i).*%(2f|5c).*")) {
            return true; // an encoded separator could hide a segment
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** PKCE S256: BASE64URL(SHA-256(ASCII(verifier))). */
    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String withQuery(String endpoint, Map<String, String> q) {
        return endpoint + (endpoint.contains("?") ? "&" : "?") + OidcHttp.formEncode(q);
    }
}
