package io.gatehouse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jose4j.jwt.JwtClaims;

/**
 * A stand-in OpenID Connect provider in the test JVM, on loopback: discovery, an authorization
 * endpoint that approves the configured test user at once (no login page), a token endpoint that
 * checks the client, the redirect URI, that the code is used once and the PKCE code_verifier
 * (S256), a JWKS ({@link TestIssuer}) and an end_session endpoint that records its calls and sends
 * the browser back. Tests may spoil the next ID token ({@link #spoilNextIdToken}).
 */
public final class StandInOidcProvider implements AutoCloseable {
    public static final String CLIENT_ID = "gatehouse-console";

    /** The audience of the provider's access tokens for the API: never the client id (M4). */
    public static final String API_AUDIENCE = "gatehouse-api";

    public static final String CLIENT_SECRET = "stand-in-client-secret";

    private final HttpServer server;
    private final TestIssuer keys;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final List<String> endSessions = new CopyOnWriteArrayList<>();
    private final List<String> tokenErrors = new CopyOnWriteArrayList<>();
    private volatile String username = "erika";
    private volatile List<String> groups = List.of("sso-reviewers");
    private volatile String tenant = null;
    private volatile Consumer<JwtClaims> spoil = null;
    private volatile java.util.function.Function<JwtClaims, String> signer = null;

    private record Grant(
            String redirectUri, String challenge, String nonce, String user, List<String> groups) {}

    private StandInOidcProvider(HttpServer server) {
        this.server = server;
        this.keys = TestIssuer.serve("stand-in-oidc-1", server);
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/logout", this::logout);
        // for the browser test (web-console/e2e/sso.mjs): how often end_session was called, and the
        // last query
        server.createContext("/test/end-sessions", this::endSessionCount);
    }

    public static StandInOidcProvider start() {
        try {
            return new StandInOidcProvider(
                    HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Environment for a Gatehouse instance that signs people in through this provider. */
    public Map<String, String> gatehouseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_OIDC_ISSUER", issuer());
        env.put("GATEHOUSE_OIDC_JWKS_URL", keys.jwksUrl());
        env.put("GATEHOUSE_OIDC_AUDIENCE", API_AUDIENCE);
        env.put("GATEHOUSE_OIDC_CLIENT_ID", CLIENT_ID);
        env.put("GATEHOUSE_OIDC_CLIENT_SECRET", CLIENT_SECRET);
        env.put("GATEHOUSE_OIDC_PROVIDER_NAME", "Stand-in IdP");
        env.put(
                "GATEHOUSE_OIDC_ROLE_MAP",
                "sso-reviewers=reviewer;sso-authors=author;sso-admins=admin;sso-root=platform-admin");
        env.put("GATEHOUSE_OIDC_DEFAULT_TENANT", "demo");
        env.put("GATEHOUSE_PUBLIC_URL", "http://localhost:{httpPort}");
        return env;
    }

    /** Who the next authorizations sign in: username, groups and tenant claim (null: none). */
    public void user(String username, List<String> groups, String tenant) {
        this.username = username;
        this.groups = List.copyOf(groups);
        this.tenant = tenant;
    }

    /** The next ID token's claims are changed by {@code change} (e.g. another nonce). */
    public void spoilNextIdToken(Consumer<JwtClaims> change) {
        this.spoil = change;
    }

    /**
     * The next ID token is signed by {@code sign} instead of the provider's key (alg none, HS256,
     * an unknown or missing kid).
     */
    public void signNextIdTokenWith(java.util.function.Function<JwtClaims, String> sign) {
        this.signer = sign;
    }

    /** The query strings of the end_session calls so far. */
    private volatile String lastIdToken;

    /** The last ID token the token endpoint handed out (a test may try it as a bearer token). */
    public String lastIdToken() {
        return lastIdToken;
    }

    public List<String> endSessions() {
        return List.copyOf(endSessions);
    }

    /** Why the token endpoint refused, in order. */
    public List<String> tokenErrors() {
        return List.copyOf(tokenErrors);
    }

    public TestIssuer keys() {
        return keys;
    }

    private void discovery(HttpExchange ex) throws IOException {
        String i = issuer();
        send(
                ex,
                200,
                "{\"issuer\":\""
                        + i
                        + "\",\"authorization_endpoint\":\""
                        + i
                        + "/authorize\",\"token_endpoint\":\""
                        + i
                        + "/token\",\"jwks_uri\":\""
                        + keys.jwksUrl()
                        + "\",\"end_session_endpoint\":\""
                        + i
                        + "/logout\",\"response_types_supported\":[\"code\"],"
                        + "\"code_challenge_methods_supported\":[\"S256\"],"
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        if (!CLIENT_ID.equals(q.get("client_id"))
                || !"code".equals(q.get("response_type"))
                || !"S256".equals(q.get("code_challenge_method"))
                || q.get("code_challenge") == null
                || q.get("redirect_uri") == null
                || q.get("state") == null
                || q.get("nonce") == null
                || !q.getOrDefault("scope", "").contains("openid")) {
            send(ex, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(
                code,
                new Grant(
                        q.get("redirect_uri"),
                        q.get("code_challenge"),
                        q.get("nonce"),
                        username,
                        groups));
        String location =
                q.get("redirect_uri") + "?code=" + enc(code) + "&state=" + enc(q.get("state"));
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void token(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String expected =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (CLIENT_ID + ":" + CLIENT_SECRET)
                                                .getBytes(StandardCharsets.UTF_8));
        Map<String, String> f =
                query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!expected.equals(auth)) {
            refuse(ex, 401, "invalid_client");
            return;
        }
        if (!"authorization_code".equals(f.get("grant_type")) || f.get("code") == null) {
            refuse(ex, 400, "unsupported_grant_type");
            return;
        }
        Grant g = codes.remove(f.get("code")); // a code is good once
        if (g == null) {
            refuse(ex, 400, "invalid_grant: unknown or used code");
            return;
        }
        if (!g.redirectUri().equals(f.get("redirect_uri"))) {
            refuse(ex, 400, "invalid_grant: redirect_uri");
            return;
        }
        String verifier = f.get("code_verifier");
        if (verifier == null || !g.challenge().equals(s256(verifier))) {
            refuse(ex, 400, "invalid_grant: PKCE");
            return;
        }
        JwtClaims c = new JwtClaims();
        c.setIssuer(issuer());
        c.setAudience(CLIENT_ID);
        c.setSubject("stand-in|" + g.user());
        c.setClaim("preferred_username", g.user());
        c.setStringListClaim("groups", g.groups());
        if (tenant != null) {
            c.setClaim("gh_tenant", tenant);
        }
        c.setClaim("nonce", g.nonce());
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        c.setGeneratedJwtId();
        Consumer<JwtClaims> s = spoil;
        spoil = null;
        if (s != null) {
            s.accept(c);
        }
        java.util.function.Function<JwtClaims, String> other = signer;
        signer = null;
        String idToken = other != null ? other.apply(c) : keys.sign(c);
        lastIdToken = idToken;
        send(
                ex,
                200,
                "{\"access_token\":\"opaque-"
                        + UUID.randomUUID()
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\""
                        + idToken
                        + "\"}");
    }

    private void logout(HttpExchange ex) throws IOException {
        String raw = ex.getRequestURI().getRawQuery();
        endSessions.add(raw == null ? "" : raw);
        String back = query(raw).get("post_logout_redirect_uri");
        if (back == null) {
            send(ex, 200, "{\"signed_out\":true}");
            return;
        }
        ex.getResponseHeaders().add("Location", back);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void endSessionCount(HttpExchange ex) throws IOException {
        List<String> all = endSessions();
        String last = all.isEmpty() ? "" : all.get(all.size() - 1);
        send(
                ex,
                200,
                "{\"count\":"
                        + all.size()
                        + ",\"last\":\""
                        + last.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\"}");
    }

    private void refuse(HttpExchange ex, int status, String why) throws IOException {
        tokenErrors.add(why);
        send(ex, status, "{\"error\":\"" + why.replace("\"", "") + "\"}");
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    /** The query of a URL as a map. */
    public static Map<String, String> queryOf(String url) {
        return query(URI.create(url).getRawQuery());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        keys.close();
    }
}
