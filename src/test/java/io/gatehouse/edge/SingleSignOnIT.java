package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.StandInOidcProvider;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on and console sessions (docs/security.md, "Console sessions"): the server-side
 * authorization-code flow with PKCE against a stand-in OpenID Connect provider in this JVM, the
 * one-time login code, rotating refresh tokens with reuse detection, and sign-out that ends the
 * session here and at the provider. A Gatehouse instance configured for the provider serves it (the
 * shared test server has no sign-in provider; it shows the unconfigured answers).
 */
class SingleSignOnIT {
    static StandInOidcProvider idp;
    static LibertyInstance sso;

    @BeforeAll
    static void start() {
        idp = StandInOidcProvider.start();
        sso = LibertyInstance.start("gatehouse-sso", env());
        sso.awaitReady(Duration.ofSeconds(120));
    }

    /**
     * The provider's environment, plus: loopback is a trusted proxy (so a test can stand for
     * another client address with X-Forwarded-For), 40 unfinished sign-ins per address, and a
     * 3-second grace window for a lost refresh answer.
     */
    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(idp.gatehouseEnv());
        env.put("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1/32");
        env.put("GATEHOUSE_AUTH_OIDC_START_MAX_PER_CLIENT", String.valueOf(START_LIMIT));
        env.put("GATEHOUSE_AUTH_REFRESH_GRACE_SECONDS", "3");
        return env;
    }

    static final int START_LIMIT = 40;

    @AfterAll
    static void stop() {
        if (sso != null) {
            sso.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    /** What a browser would hold after each step: the cookies set, and where it was sent. */
    record Browser(Map<String, String> cookies) {
        Browser() {
            this(new HashMap<>());
        }

        String cookieHeader() {
            StringBuilder b = new StringBuilder();
            cookies.forEach(
                    (k, v) ->
                            b.append(b.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            return b.toString();
        }

        void keep(Http.Response r) {
            List<String> set = r.headers().getOrDefault("set-cookie", List.of());
            for (String c : set) {
                String pair = c.split(";", 2)[0];
                String[] kv = pair.split("=", 2);
                if (kv[1].isEmpty()) {
                    cookies.remove(kv[0]);
                } else {
                    cookies.put(kv[0], kv[1]);
                }
            }
        }
    }

    /** A started sign-in: the provider's authorization URL and the binding cookie it came with. */
    record Started(String authorizeUrl, Browser browser) {
        String state() {
            return StandInOidcProvider.queryOf(authorizeUrl).get("state");
        }
    }

    static Started startFlow() {
        Browser b = new Browser();
        Http.Response r =
                sso.http()
                        .get(
                                "/api/v1/auth/oidc/start?return_to=/console/changes",
                                "Accept",
                                "application/json");
        assertThat(r.status()).as(r.toString()).isEqualTo(303);
        assertThat(r.header("Location")).startsWith(idp.issuer() + "/authorize?");
        b.keep(r);
        assertThat(b.cookies()).containsKey("gh_oidc_binding");
        return new Started(r.header("Location"), b);
    }

    /** The provider approves at once: its redirect back to Gatehouse's callback. */
    static String authorize(Started s) {
        Http.Response r = new Http("").get(s.authorizeUrl());
        assertThat(r.status()).as(r.toString()).isEqualTo(302);
        return r.header("Location");
    }

    static Http.Response callback(String callbackUrl, Browser b) {
        String path = callbackUrl.substring(sso.baseUrl().length());
        Http.Response r =
                b.cookies().isEmpty()
                        ? sso.http().get(path, "Accept", "application/json")
                        : sso.http()
                                .get(
                                        path,
                                        "Accept",
                                        "application/json",
                                        "Cookie",
                                        b.cookieHeader());
        b.keep(r);
        return r;
    }

    /** A whole sign-in; the redeemed login answer, with the browser holding the refresh cookie. */
    static Http.Response signIn(Browser b) {
        Started s = startFlow();
        Http.Response done = callback(authorize(s), s.browser());
        assertThat(done.status()).as(done.toString()).isEqualTo(303);
        String location = done.header("Location");
        assertThat(location).startsWith(sso.baseUrl() + "/console/changes#login_code=");
        assertThat(location.substring(0, location.indexOf('#')))
                .as("no code or token in the part of the URL a server sees")
                .doesNotContain("code");
        String code = location.substring(location.indexOf("#login_code=") + 12);
        assertThat(s.browser().cookies())
                .as("the callback leaves the binding cookie: redeem needs it")
                .containsKey("gh_oidc_binding");
        String binding = s.browser().cookieHeader();
        Http.Response redeemed = redeem(code, binding);
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(200);
        assertThat(redeemed.headers().get("set-cookie"))
                .as("redeem clears the binding cookie")
                .anySatisfy(c -> assertThat(c).startsWith("gh_oidc_binding=;"));
        b.keep(redeemed);
        assertThat(b.cookies()).containsKey("gh_refresh");
        Http.Response again = redeem(code, binding);
        assertThat(again.status()).as("a login code is good once").isEqualTo(401);
        assertThat(again.json().getString("code")).isEqualTo("invalid_login_code");
        return redeemed;
    }

    static Http.Response redeem(String code, String cookieHeader) {
        String body = "{\"code\":\"" + code + "\"}";
        return cookieHeader == null || cookieHeader.isEmpty()
                ? sso.http().post("/api/v1/auth/oidc/redeem", body)
                : sso.http().post("/api/v1/auth/oidc/redeem", body, "Cookie", cookieHeader);
    }

    /** A completed callback's login code, and the browser (binding cookie) that started it. */
    static Map.Entry<String, Browser> codeOfAFlow() {
        Started s = startFlow();
        Http.Response done = callback(authorize(s), s.browser());
        assertThat(done.status()).as(done.toString()).isEqualTo(303);
        String location = done.header("Location");
        return Map.entry(location.substring(location.indexOf("#login_code=") + 12), s.browser());
    }

    @Test
    void aLoginCodeIsRedeemedOnlyInTheBrowserThatStartedTheSignIn() {
        idp.user("erika", List.of("sso-reviewers"), null);
        // an attacker's own finished sign-in, its code sent to a victim's browser (login CSRF)
        Map.Entry<String, Browser> attackers = codeOfAFlow();
        Browser victim = startFlow().browser(); // the victim's browser has a binding of its own
        Http.Response other = redeem(attackers.getKey(), victim.cookieHeader());
        assertThat(other.status()).as(other.toString()).isEqualTo(401);
        assertThat(other.json().getString("code")).isEqualTo("invalid_login_code");
        Map.Entry<String, Browser> second = codeOfAFlow();
        Http.Response none = redeem(second.getKey(), null);
        assertThat(none.status()).as("no binding cookie: " + none).isEqualTo(401);
        assertThat(redeem(second.getKey(), second.getValue().cookieHeader()).status())
                .as("a refused attempt spends the code")
                .isEqualTo(401);
        Map.Entry<String, Browser> third = codeOfAFlow();
        assertThat(redeem(third.getKey(), third.getValue().cookieHeader()).status())
                .as("the browser that started it redeems it")
                .isEqualTo(200);
    }

    @Test
    void theProvidersIdTokenIsNotAnAccessToken() {
        idp.user("erika", List.of("sso-reviewers"), null);
        // an ID token that also names the API's audience (and azp = the client): the callback
        // accepts it, the API must not
        idp.spoilNextIdToken(
                c -> {
                    c.setAudience(StandInOidcProvider.CLIENT_ID, StandInOidcProvider.API_AUDIENCE);
                    c.setClaim("azp", StandInOidcProvider.CLIENT_ID);
                });
        signIn(new Browser());
        String idToken = idp.lastIdToken();
        assertThat(idToken).isNotBlank();
        Http.Response r = me(idToken);
        assertThat(r.status()).as("an ID token as a bearer token: " + r).isEqualTo(401);
    }

    static Http.Response refresh(Browser b) {
        Http.Response r =
                sso.http()
                        .post(
                                "/api/v1/auth/refresh",
                                "",
                                "X-Gatehouse-Refresh",
                                "1",
                                "Cookie",
                                b.cookieHeader());
        b.keep(r);
        return r;
    }

    static Http.Response me(String token) {
        return sso.http().get("/api/v1/me", "Authorization", "Bearer " + token);
    }

    /** The id of the session (family) whose current refresh token the browser holds. */
    static String sessionOf(Browser b) throws Exception {
        try (Connection c = Db.asOwner();
                var ps =
                        c.prepareStatement(
                                "SELECT family_id::text FROM edge_refresh_tokens WHERE token_hash ="
                                        + " encode(sha256(convert_to(?, 'UTF8')), 'hex')")) {
            ps.setString(1, b.cookies().get("gh_refresh"));
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the browser's refresh token is known").isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Events of {@code action} about this session, with this outcome and detail. */
    static long auditedFor(
            String session, String action, String outcome, String detailKey, String detailValue)
            throws Exception {
        try (Connection c = Db.asOwner()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_events WHERE action = ? AND details ->> 'session' = ?"
                            + " AND outcome = ? AND details ->> ? = ?",
                    action,
                    session,
                    outcome,
                    detailKey,
                    detailValue);
        }
    }

    /** Events of {@code action} of one request (its X-Request-Id) with this detail. */
    static long auditedByRequest(Http.Response r, String action, String detailKey, String value)
            throws Exception {
        String rid = r.header("X-Request-Id");
        assertThat(rid).as("the answer names its request id").isNotBlank();
        try (Connection c = Db.asOwner()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_events WHERE action = ? AND request_id = ?"
                            + " AND details ->> ? = ?",
                    action,
                    rid,
                    detailKey,
                    value);
        }
    }

    @Test
    void theCodeFlowSignsInWithTenantAndRolesMapped() throws Exception {
        idp.user("erika", List.of("sso-reviewers", "sso-root", "reviewer"), null);
        Browser b = new Browser();
        Http.Response login = signIn(b);
        assertThat(login.header("Set-Cookie"))
                .contains("HttpOnly")
                .contains("Secure")
                .contains("SameSite=Strict")
                .contains("Path=/api/v1/auth");
        assertThat(login.json().getString("session")).isEqualTo("oidc");
        String token = login.json().getString("access_token");
        Http.Response me = me(token);
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().getString("username")).isEqualTo("erika");
        assertThat(me.json().getString("userId")).isEqualTo("oidc:stand-in|erika");
        assertThat(me.json().getString("tenant")).isEqualTo("demo");
        assertThat(me.json().getJsonArray("roles").toString())
                .as("only mapped groups, never platform-admin")
                .isEqualTo("[\"reviewer\"]");
        // a reviewer may read changes, not keys (403)
        assertThat(sso.http().get("/api/v1/changes", "Authorization", "Bearer " + token).status())
                .isEqualTo(200);
        assertThat(sso.http().get("/api/v1/keys", "Authorization", "Bearer " + token).status())
                .isEqualTo(403);
        assertThat(auditedFor(sessionOf(b), "auth.login", "success", "method", "oidc"))
                .as("this sign-in's own success event")
                .isEqualTo(1);
    }

    @Test
    void providersSayWhetherSingleSignOnIsOffered() {
        Http.Response here = sso.http().get("/api/v1/auth/providers");
        assertThat(here.status()).isEqualTo(200);
        assertThat(here.json().getJsonObject("oidc").getString("name")).isEqualTo("Stand-in IdP");
        Http.Response shared = Http.local().get("/api/v1/auth/providers");
        assertThat(shared.status()).isEqualTo(200);
        assertThat(shared.json().isNull("oidc")).isTrue();
        Http.Response start =
                Http.local().get("/api/v1/auth/oidc/start", "Accept", "application/json");
        assertThat(start.status()).isEqualTo(404);
        assertThat(start.json().getString("code")).isEqualTo("oidc_not_configured");
        // a browser is sent back to the console's sign-in with the code instead
        Http.Response browser = Http.local().get("/api/v1/auth/oidc/start", "Accept", "text/html");
        assertThat(browser.status()).isEqualTo(303);
        assertThat(browser.header("Location"))
                .endsWith("/console/login?sso_error=oidc_not_configured");
    }

    @Test
    void aWrongStateOrAnotherBrowsersCallbackIsRefused() throws Exception {
        idp.user("erika", List.of("sso-reviewers"), null);
        Started s = startFlow();
        String back = authorize(s);
        String wrong = back.replace("state=", "state=x");
        Http.Response r = callback(wrong, s.browser());
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getString("code")).isEqualTo("invalid_state");
        assertThat(auditedByRequest(r, "auth.login", "reason", "invalid_state")).isEqualTo(1);

        Started other = startFlow();
        Http.Response noBinding = callback(authorize(other), new Browser());
        assertThat(noBinding.status())
                .as("the callback in a browser that did not start it")
                .isEqualTo(400);
        assertThat(noBinding.json().getString("code")).isEqualTo("invalid_state");
        assertThat(auditedByRequest(noBinding, "auth.login", "reason", "invalid_state"))
                .isEqualTo(1);

        // another browser's callback (with a binding cookie of its own) leaves the flow alone:
        // the browser that started it still completes it
        Started mine = startFlow();
        String myCallback = authorize(mine);
        Browser someoneElse = startFlow().browser();
        Http.Response theirs = callback(myCallback, someoneElse);
        assertThat(theirs.status()).as(theirs.toString()).isEqualTo(400);
        assertThat(theirs.json().getString("code")).isEqualTo("invalid_state");
        Http.Response ok = callback(myCallback, mine.browser());
        assertThat(ok.status())
                .as("the state is not spent by another browser: " + ok)
                .isEqualTo(303);
    }

    @Test
    void aReplayedStateOrCodeIsRefused() {
        idp.user("erika", List.of("sso-reviewers"), null);
        Started s = startFlow();
        String back = authorize(s);
        Map<String, String> cookies = new HashMap<>(s.browser().cookies());
        assertThat(callback(back, s.browser()).status()).isEqualTo(303);
        Http.Response replay = callback(back, new Browser(cookies));
        assertThat(replay.status()).as("the state is good once").isEqualTo(400);
        assertThat(replay.json().getString("code")).isEqualTo("invalid_state");

        // the used code with a fresh state of this browser: the provider refuses it
        String usedCode = StandInOidcProvider.queryOf(back).get("code");
        Started fresh = startFlow();
        String freshBack = authorize(fresh);
        String spliced =
                sso.baseUrl()
                        + "/api/v1/auth/oidc/callback?code="
                        + usedCode
                        + "&state="
                        + fresh.state();
        Http.Response r = callback(spliced, fresh.browser());
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.json().getString("code")).isEqualTo("invalid_code");
        assertThat(idp.tokenErrors()).contains("invalid_grant: unknown or used code");
        assertThat(freshBack).isNotNull();
    }

    @Test
    void aCodeExchangedWithAnotherFlowsVerifierIsRefusedByPkce() {
        idp.user("erika", List.of("sso-reviewers"), null);
        Started a = startFlow();
        String aBack = authorize(a);
        Started b = startFlow();
        // A's code presented with B's state: Gatehouse sends B's code_verifier, which does not
        // match A's challenge
        String spliced =
                sso.baseUrl()
                        + "/api/v1/auth/oidc/callback?code="
                        + StandInOidcProvider.queryOf(aBack).get("code")
                        + "&state="
                        + b.state();
        Http.Response r = callback(spliced, b.browser());
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.json().getString("code")).isEqualTo("invalid_code");
        assertThat(idp.tokenErrors()).contains("invalid_grant: PKCE");
    }

    @Test
    void anIdTokenWithAnotherNonceOrAudienceIsRefused() {
        idp.user("erika", List.of("sso-reviewers"), null);
        idp.spoilNextIdToken(c -> c.setClaim("nonce", "not-this-sign-in"));
        Started s = startFlow();
        Http.Response r = callback(authorize(s), s.browser());
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.json().getString("code")).isEqualTo("invalid_nonce");

        idp.spoilNextIdToken(c -> c.setAudience("another-client"));
        Started s2 = startFlow();
        Http.Response r2 = callback(authorize(s2), s2.browser());
        assertThat(r2.status()).as(r2.toString()).isEqualTo(401);
        assertThat(r2.json().getString("code")).isEqualTo("invalid_id_token");

        idp.spoilNextIdToken(c -> c.setExpirationTimeMinutesInTheFuture(-5));
        Started s3 = startFlow();
        Http.Response r3 = callback(authorize(s3), s3.browser());
        assertThat(r3.status()).as(r3.toString()).isEqualTo(401);
        assertThat(r3.json().getString("code")).isEqualTo("invalid_id_token");
        assertThat(r3.body()).doesNotContain("Exception");
    }

    @Test
    void aPersonOfThePlatformTenantOrNoTenantIsRefused() {
        idp.user("root", List.of("sso-admins"), "system");
        Started s = startFlow();
        Http.Response r = callback(authorize(s), s.browser());
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.json().getString("code")).isEqualTo("no_tenant");
        idp.user("erika", List.of("sso-reviewers"), null);
    }

    @Test
    void refreshRotatesAndReuseRevokesTheFamily() throws Exception {
        idp.user("erika", List.of("sso-reviewers"), null);
        Browser b = new Browser();
        signIn(b);
        String session = sessionOf(b);
        String first = b.cookies().get("gh_refresh");
        Http.Response r1 = refresh(b);
        assertThat(r1.status()).as(r1.toString()).isEqualTo(200);
        String second = b.cookies().get("gh_refresh");
        assertThat(second).as("a new refresh token on every use").isNotEqualTo(first);
        assertThat(me(r1.json().getString("access_token")).status()).isEqualTo(200);
        Http.Response r2 = refresh(b);
        assertThat(r2.status()).isEqualTo(200);
        String third = b.cookies().get("gh_refresh");
        String accessBeforeReuse = r2.json().getString("access_token");
        assertThat(me(accessBeforeReuse).status()).isEqualTo(200);

        // the first token again: reuse, the whole family ends
        Http.Response reuse = refresh(new Browser(new HashMap<>(Map.of("gh_refresh", first))));
        assertThat(reuse.status()).isEqualTo(401);
        assertThat(me(accessBeforeReuse).status())
                .as("the access tokens the family issued are revoked with it")
                .isEqualTo(401);
        assertThat(me(r1.json().getString("access_token")).status()).isEqualTo(401);
        assertThat(reuse.json().getString("code")).isEqualTo("invalid_refresh_token");
        Http.Response latest = refresh(new Browser(new HashMap<>(Map.of("gh_refresh", third))));
        assertThat(latest.status())
                .as("the newest token of the family is revoked too")
                .isEqualTo(401);
        assertThat(auditedFor(session, "auth.refresh_reuse", "denied", "family_revoked", "true"))
                .isEqualTo(1);
    }

    @Test
    void refreshNeedsTheHeaderAndALiveCookie() throws Exception {
        Browser b = new Browser();
        signIn(b);
        Http.Response noHeader =
                sso.http().post("/api/v1/auth/refresh", "", "Cookie", b.cookieHeader());
        assertThat(noHeader.status()).isEqualTo(403);
        assertThat(noHeader.json().getString("code")).isEqualTo("refresh_header_required");
        Http.Response noCookie =
                sso.http().post("/api/v1/auth/refresh", "", "X-Gatehouse-Refresh", "1");
        assertThat(noCookie.status()).isEqualTo(401);
        assertThat(noCookie.header("Content-Type")).startsWith("application/problem+json");
        // past its absolute lifetime a session renews nothing
        try (Connection c = Db.asOwner()) {
            c.createStatement()
                    .executeUpdate(
                            "UPDATE edge_session_families SET absolute_expiry = now() - interval '1 second'"
                                    + " WHERE id = (SELECT family_id FROM edge_refresh_tokens WHERE token_hash"
                                    + " = encode(sha256(convert_to('"
                                    + b.cookies().get("gh_refresh")
                                    + "', 'UTF8')), 'hex'))");
        }
        assertThat(refresh(b).status()).isEqualTo(401);
    }

    @Test
    void signOutRevokesTheSessionAndEndsTheProvidersSession() throws Exception {
        idp.user("erika", List.of("sso-reviewers"), null);
        Browser b = new Browser();
        String token = signIn(b).json().getString("access_token");
        String refreshToken = b.cookies().get("gh_refresh");
        String session = sessionOf(b);
        // the refresh cookie without the header that no other site can send: refused, nothing ends
        Http.Response noHeader =
                sso.http()
                        .post(
                                "/api/v1/auth/logout",
                                "",
                                "Authorization",
                                "Bearer " + token,
                                "Cookie",
                                b.cookieHeader());
        assertThat(noHeader.status()).as(noHeader.toString()).isEqualTo(403);
        assertThat(noHeader.json().getString("code")).isEqualTo("refresh_header_required");
        assertThat(me(token).status()).as("nothing was revoked").isEqualTo(200);
        Http.Response out =
                sso.http()
                        .post(
                                "/api/v1/auth/logout",
                                "",
                                "Authorization",
                                "Bearer " + token,
                                "X-Gatehouse-Refresh",
                                "1",
                                "Cookie",
                                b.cookieHeader());
        assertThat(out.status()).as(out.toString()).isEqualTo(200);
        String end = out.json().getString("end_session_url");
        assertThat(end).startsWith(idp.issuer() + "/logout?");
        Map<String, String> q = StandInOidcProvider.queryOf(end);
        assertThat(q).as("the ID token never goes into a URL").doesNotContainKey("id_token_hint");
        assertThat(end).doesNotContain(idp.lastIdToken());
        assertThat(q.get("client_id")).isEqualTo(StandInOidcProvider.CLIENT_ID);
        assertThat(q.get("post_logout_redirect_uri")).isEqualTo(sso.baseUrl() + "/console/");
        assertThat(me(token).status()).as("the access token is revoked").isEqualTo(401);
        Http.Response after =
                refresh(new Browser(new HashMap<>(Map.of("gh_refresh", refreshToken))));
        assertThat(after.status()).as("the session renews nothing").isEqualTo(401);
        assertThat(auditedFor(session, "auth.logout", "success", "session_revoked", "true"))
                .isEqualTo(1);
        assertThat(auditedFor(session, "auth.refresh", "failure", "reason", "revoked"))
                .as("the refused renewal of an ended session is audited")
                .isEqualTo(1);
    }

    @Test
    void aPasswordSessionRenewsAndAnotherTenantsCookieIsLeftAlone() {
        TestTenant a = TestTenant.fresh();
        TestTenant other = TestTenant.fresh();
        Browser ba = new Browser();
        Browser bo = new Browser();
        Http.Response la = passwordLogin(a, ba);
        Http.Response lo = passwordLogin(other, bo);
        assertThat(la.json().getString("session")).isEqualTo("password");
        Http.Response renewed = refresh(ba);
        assertThat(renewed.status()).as(renewed.toString()).isEqualTo(200);
        assertThat(renewed.json().getJsonArray("roles").toString()).contains("admin");
        assertThat(me(renewed.json().getString("access_token")).json().getString("tenant"))
                .isEqualTo(a.slug());

        // signing out of tenant a with the other tenant's cookie: that session is not ended
        Http.Response out =
                sso.http()
                        .post(
                                "/api/v1/auth/logout",
                                "",
                                "Authorization",
                                "Bearer " + renewed.json().getString("access_token"),
                                "X-Gatehouse-Refresh",
                                "1",
                                "Cookie",
                                bo.cookieHeader());
        assertThat(out.status()).isEqualTo(204);
        assertThat(refresh(bo).status()).as("the other tenant's session lives on").isEqualTo(200);
        assertThat(lo.status()).isEqualTo(200);
        // without the header a login answers as before, without a session cookie
        Http.Response plain =
                sso.http()
                        .post(
                                "/api/v1/auth/login",
                                "{\"username\":\""
                                        + a.username("admin")
                                        + "\",\"password\":\""
                                        + a.password("admin")
                                        + "\"}");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("Set-Cookie")).isNull();
    }

    static Http.Response refreshOn(LibertyInstance at, Browser b) {
        Http.Response r =
                at.http()
                        .post(
                                "/api/v1/auth/refresh",
                                "",
                                "X-Gatehouse-Refresh",
                                "1",
                                "Cookie",
                                b.cookieHeader());
        b.keep(r);
        return r;
    }

    static String revokedReason(String session) throws Exception {
        try (Connection c = Db.asOwner();
                var ps =
                        c.prepareStatement(
                                "SELECT revoked_reason FROM edge_session_families WHERE id = ?::uuid")) {
            ps.setString(1, session);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    /**
     * M3: an SSO session's groups are mapped again at every renewal through the role map and tenant
     * rules of the instance that renews. A second instance with another role map (only sso-authors)
     * and no default tenant renews a person with authors as an author only, and ends the session of
     * a person whose groups map to no role, or who maps to no tenant any more.
     */
    @Test
    void everyRenewalMapsTheProvidersGroupsThroughTheCurrentRoleMap() throws Exception {
        String n = Long.toString(System.nanoTime(), 36);
        idp.user("both-" + n, List.of("sso-reviewers", "sso-authors"), "demo");
        Browser both = new Browser();
        assertThat(signIn(both).json().getJsonArray("roles").toString())
                .isEqualTo("[\"author\",\"reviewer\"]");
        idp.user("rev-" + n, List.of("sso-reviewers"), "demo");
        Browser reviewerOnly = new Browser();
        String reviewerToken = signIn(reviewerOnly).json().getString("access_token");
        String reviewerSession = sessionOf(reviewerOnly);
        idp.user("notenant-" + n, List.of("sso-authors"), null); // the default tenant: demo
        Browser noClaim = new Browser();
        signIn(noClaim);
        String noClaimSession = sessionOf(noClaim);
        idp.user("erika", List.of("sso-reviewers"), null);

        Map<String, String> changed = env();
        changed.put("GATEHOUSE_OIDC_ROLE_MAP", "sso-authors=author");
        changed.put("GATEHOUSE_OIDC_DEFAULT_TENANT", null);
        try (LibertyInstance remapped = LibertyInstance.start("gatehouse-sso-remap", changed)) {
            Http.Response r = refreshOn(remapped, both);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().getJsonArray("roles").toString())
                    .as("only what the current map says")
                    .isEqualTo("[\"author\"]");
            Http.Response meThere =
                    remapped.http()
                            .get(
                                    "/api/v1/me",
                                    "Authorization",
                                    "Bearer " + r.json().getString("access_token"));
            assertThat(meThere.status()).as(meThere.toString()).isEqualTo(200);
            assertThat(meThere.json().getJsonArray("roles").toString()).isEqualTo("[\"author\"]");

            Http.Response none = refreshOn(remapped, reviewerOnly);
            assertThat(none.status()).as(none.toString()).isEqualTo(401);
            assertThat(revokedReason(reviewerSession)).isEqualTo("no_role");
            assertThat(
                            auditedFor(
                                    reviewerSession,
                                    "auth.session_revoked",
                                    "success",
                                    "reason",
                                    "no_role"))
                    .isEqualTo(1);
            assertThat(me(reviewerToken).status())
                    .as("the ended session's access token stops working")
                    .isEqualTo(401);

            Http.Response noTenant = refreshOn(remapped, noClaim);
            assertThat(noTenant.status()).as(noTenant.toString()).isEqualTo(401);
            assertThat(revokedReason(noClaimSession)).isEqualTo("no_tenant");
            assertThat(
                            auditedFor(
                                    noClaimSession,
                                    "auth.session_revoked",
                                    "success",
                                    "reason",
                                    "no_tenant"))
                    .isEqualTo(1);
        }
    }

    /** A disabled user, a reset password or a suspended tenant renews nothing. */
    @Test
    void aDisabledUserOrASuspendedTenantRenewsNothing() throws Exception {
        TestTenant t = TestTenant.fresh();
        Browser author = new Browser();
        passwordLogin(t, "author", author);
        String authorSession = sessionOf(author);
        assertThat(refresh(author).status()).isEqualTo(200);
        String authorId = userId(t, "author");
        Http.Response disabled =
                Http.local()
                        .method(
                                "PATCH",
                                "/api/v1/users/" + authorId,
                                "{\"status\":\"disabled\"}",
                                t.auth("admin"));
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(refresh(author).status()).as("a disabled user renews nothing").isEqualTo(401);
        assertThat(revokedReason(authorSession)).isEqualTo("user_disabled");
        assertThat(
                        auditedFor(
                                authorSession,
                                "auth.session_revoked",
                                "success",
                                "reason",
                                "user_disabled"))
                .isEqualTo(1);

        Browser reviewer = new Browser();
        passwordLogin(t, "reviewer", reviewer);
        String reviewerSession = sessionOf(reviewer);
        Http.Response reset =
                Http.local()
                        .post(
                                "/api/v1/users/" + userId(t, "reviewer") + "/reset-password",
                                "{\"password\":\"pw-" + java.util.UUID.randomUUID() + "\"}",
                                t.auth("admin"));
        assertThat(reset.status()).as(reset.toString()).isEqualTo(204);
        assertThat(refresh(reviewer).status()).isEqualTo(401);
        assertThat(
                        auditedFor(
                                reviewerSession,
                                "auth.session_revoked",
                                "success",
                                "reason",
                                "user_changed"))
                .as("the user_changed ending is audited")
                .isEqualTo(1);

        Browser admin = new Browser();
        passwordLogin(t, admin);
        String adminSession = sessionOf(admin);
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        Http.Response suspended =
                Http.local()
                        .method(
                                "PATCH",
                                "/api/v1/tenants/" + t.id(),
                                "{\"status\":\"suspended\"}",
                                "Authorization",
                                "Bearer " + platform);
        assertThat(suspended.status()).as(suspended.toString()).isEqualTo(200);
        try {
            int status = 0;
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                status = refresh(admin).status();
                if (status == 401) {
                    break;
                }
                Thread.sleep(300);
            }
            assertThat(status).as("a suspended tenant renews nothing").isEqualTo(401);
            assertThat(
                            auditedFor(
                                    adminSession,
                                    "auth.refresh",
                                    "failure",
                                    "reason",
                                    "tenant_inactive"))
                    .isEqualTo(1);
        } finally {
            Http.local()
                    .method(
                            "PATCH",
                            "/api/v1/tenants/" + t.id(),
                            "{\"status\":\"active\"}",
                            "Authorization",
                            "Bearer " + platform);
        }
    }

    static String userId(TestTenant t, String role) {
        Http.Response users = Http.local().get("/api/v1/users", t.auth("admin"));
        assertThat(users.status()).as(users.toString()).isEqualTo(200);
        return ((jakarta.json.JsonArray) users.parse())
                .stream()
                        .map(jakarta.json.JsonValue::asJsonObject)
                        .filter(u -> u.getString("username").equals(t.username(role)))
                        .findFirst()
                        .orElseThrow()
                        .getString("id");
    }

    /**
     * DELETE /api/v1/sessions?subject=: a tenant admin ends every session of a person of the tenant
     * (and their access tokens); 401 without a token, 403 for a non-admin, 404 for a person of
     * another tenant or nobody.
     */
    @Test
    void anAdminEndsEverySessionOfAPerson() throws Exception {
        TestTenant t = TestTenant.fresh();
        TestTenant other = TestTenant.fresh();
        String name = "ended-" + Long.toString(System.nanoTime(), 36);
        idp.user(name, List.of("sso-reviewers"), t.slug());
        Browser one = new Browser();
        String oneToken = signIn(one).json().getString("access_token");
        Browser two = new Browser();
        String twoToken = signIn(two).json().getString("access_token");
        idp.user("erika", List.of("sso-reviewers"), null);
        String subject = "oidc:stand-in|" + name;
        assertThat(me(oneToken).json().getString("userId")).isEqualTo(subject);
        String path =
                "/api/v1/sessions?subject="
                        + java.net.URLEncoder.encode(
                                subject, java.nio.charset.StandardCharsets.UTF_8);

        assertThat(Http.local().method("DELETE", path, null).status()).isEqualTo(401);
        Http.Response notAdmin = Http.local().method("DELETE", path, null, t.auth("author"));
        assertThat(notAdmin.status()).as(notAdmin.toString()).isEqualTo(403);
        Http.Response otherTenant = Http.local().method("DELETE", path, null, other.auth("admin"));
        assertThat(otherTenant.status())
                .as("another tenant's admin does not find the person")
                .isEqualTo(404);
        Http.Response nobody =
                Http.local()
                        .method(
                                "DELETE",
                                "/api/v1/sessions?subject=oidc:nobody",
                                null,
                                t.auth("admin"));
        assertThat(nobody.status()).isEqualTo(404);
        assertThat(me(oneToken).status()).as("the refused calls ended nothing").isEqualTo(200);

        Http.Response ended = Http.local().method("DELETE", path, null, t.auth("admin"));
        assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
        assertThat(ended.json().getInt("sessions_ended")).isEqualTo(2);
        assertThat(ended.json().getString("subject")).isEqualTo(subject);
        assertThat(auditedByRequest(ended, "auth.session_revoked", "reason", "admin")).isEqualTo(1);
        assertThat(refresh(one).status()).isEqualTo(401);
        assertThat(refresh(two).status()).isEqualTo(401);
        long deadline = System.currentTimeMillis() + 10_000;
        while ((me(oneToken).status() != 401 || me(twoToken).status() != 401)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(me(oneToken).status()).as("their access tokens are revoked").isEqualTo(401);
        assertThat(me(twoToken).status()).isEqualTo(401);

        // a built-in user of the tenant without sessions: found, nothing to end
        Http.Response builtIn =
                Http.local()
                        .method(
                                "DELETE",
                                "/api/v1/sessions?subject=" + userId(t, "reviewer"),
                                null,
                                t.auth("admin"));
        assertThat(builtIn.status()).as(builtIn.toString()).isEqualTo(200);
        assertThat(builtIn.json().getInt("sessions_ended")).isEqualTo(0);
    }

    /**
     * A token just rotated, presented again within the grace window while its successor is unused,
     * gets the same answer (a lost answer); after the window it is reuse.
     */
    @Test
    void aLostRefreshAnswerIsGivenAgainWithinTheGraceWindowOnly() throws Exception {
        Browser b = new Browser();
        signIn(b);
        String t0 = b.cookies().get("gh_refresh");
        Http.Response first = refresh(b);
        assertThat(first.status()).isEqualTo(200);
        String t1 = b.cookies().get("gh_refresh");
        Browser lost = new Browser(new HashMap<>(Map.of("gh_refresh", t0)));
        Http.Response again = refresh(lost);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(lost.cookies().get("gh_refresh")).as("the same successor").isEqualTo(t1);
        assertThat(again.json().getString("access_token"))
                .isEqualTo(first.json().getString("access_token"));
        assertThat(refresh(b).status()).as("the successor still works").isEqualTo(200);

        Browser late = new Browser();
        signIn(late);
        String session = sessionOf(late);
        String old = late.cookies().get("gh_refresh");
        assertThat(refresh(late).status()).isEqualTo(200);
        Thread.sleep(3_500);
        Http.Response reuse = refresh(new Browser(new HashMap<>(Map.of("gh_refresh", old))));
        assertThat(reuse.status()).as("after the window: reuse").isEqualTo(401);
        assertThat(revokedReason(session)).isEqualTo("reuse");
        assertThat(refresh(late).status()).isEqualTo(401);
    }

    /** Two refreshes with one token at the same time: both answered alike, the family lives. */
    @Test
    void twoConcurrentRefreshesWithOneTokenGetTheSameAnswer() throws Exception {
        Browser b = new Browser();
        signIn(b);
        String t0 = b.cookies().get("gh_refresh");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Browser>> both = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                both.add(
                        pool.submit(
                                () -> {
                                    Browser mine =
                                            new Browser(new HashMap<>(Map.of("gh_refresh", t0)));
                                    start.await();
                                    Http.Response r = refresh(mine);
                                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                                    return mine;
                                }));
            }
            start.countDown();
            String a = both.get(0).get().cookies().get("gh_refresh");
            String c = both.get(1).get().cookies().get("gh_refresh");
            assertThat(a).isNotEqualTo(t0).isEqualTo(c);
            assertThat(refresh(both.get(0).get()).status())
                    .as("the family was not taken for stolen")
                    .isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two gh_refresh cookies (cookie tossing) are refused, not guessed; the real one lives. */
    @Test
    void aDuplicatedRefreshCookieIsRefused() throws Exception {
        Browser b = new Browser();
        signIn(b);
        String token = b.cookies().get("gh_refresh");
        Http.Response r =
                sso.http()
                        .post(
                                "/api/v1/auth/refresh",
                                "",
                                "X-Gatehouse-Refresh",
                                "1",
                                "Cookie",
                                "gh_refresh=" + token + "; gh_refresh=tossed-by-a-subdomain");
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(auditedByRequest(r, "auth.refresh", "reason", "duplicate_cookie")).isEqualTo(1);
        assertThat(refresh(b).status()).as("the token was not used").isEqualTo(200);
    }

    /** Refused redeems and renewals (unknown, expired) are audited with their reason. */
    @Test
    void refusedRedeemsAndRenewalsAreAudited() throws Exception {
        Http.Response badCode = redeem("no-such-code", "gh_oidc_binding=whatever");
        assertThat(badCode.status()).isEqualTo(401);
        assertThat(auditedByRequest(badCode, "auth.login", "reason", "invalid_login_code"))
                .isEqualTo(1);
        Http.Response unknown =
                refresh(new Browser(new HashMap<>(Map.of("gh_refresh", "not-a-token-of-ours"))));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(auditedByRequest(unknown, "auth.refresh", "reason", "unknown")).isEqualTo(1);
        Browser b = new Browser();
        signIn(b);
        String session = sessionOf(b);
        try (Connection c = Db.asOwner();
                var ps =
                        c.prepareStatement(
                                "UPDATE edge_refresh_tokens SET expires_at = now() - interval '1 second'"
                                        + " WHERE family_id = ?::uuid")) {
            ps.setString(1, session);
            ps.executeUpdate();
        }
        Http.Response expired = refresh(b);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(auditedFor(session, "auth.refresh", "failure", "reason", "expired"))
                .isEqualTo(1);
    }

    /**
     * /auth/oidc/start is limited per client address (unfinished sign-ins), and expired flows are
     * purged when a new one is written.
     */
    @Test
    void startingSignInsIsLimitedPerClientAndExpiredFlowsArePurged() throws Exception {
        try (Connection c = Db.asOwner()) {
            c.createStatement()
                    .executeUpdate(
                            "INSERT INTO edge_oidc_flows (state_hash, binding_hash, nonce, code_verifier,"
                                    + " return_to, expires_at) VALUES ('expired-flow-test', 'b', 'n', 'v',"
                                    + " '/console/', now() - interval '1 second')");
        }
        String address = "198.51.100." + (1 + (int) (System.nanoTime() % 250));
        for (int i = 0; i < START_LIMIT; i++) {
            Http.Response r =
                    sso.http()
                            .get(
                                    "/api/v1/auth/oidc/start",
                                    "Accept",
                                    "application/json",
                                    "X-Forwarded-For",
                                    address);
            assertThat(r.status()).as(i + ": " + r).isEqualTo(303);
        }
        Http.Response over =
                sso.http()
                        .get(
                                "/api/v1/auth/oidc/start",
                                "Accept",
                                "application/json",
                                "X-Forwarded-For",
                                address);
        assertThat(over.status()).as(over.toString()).isEqualTo(429);
        assertThat(over.json().getString("code")).isEqualTo("too_many_sign_ins");
        assertThat(startFlow().authorizeUrl()).as("other addresses still start").isNotBlank();
        try (Connection c = Db.asOwner()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM edge_oidc_flows WHERE state_hash = ?",
                                    "expired-flow-test"))
                    .as("an expired flow is purged")
                    .isZero();
        }
    }

    /** ID tokens the callback must refuse, each for its own reason. */
    @Test
    void forgedOrForeignIdTokensAreRefused() throws Exception {
        idp.user("erika", List.of("sso-reviewers"), null);
        Map<String, java.util.function.Consumer<StandInOidcProvider>> cases =
                new java.util.LinkedHashMap<>();
        cases.put(
                "alg none",
                p ->
                        p.signNextIdTokenWith(
                                c -> {
                                    var jws = new org.jose4j.jws.JsonWebSignature();
                                    jws.setPayload(c.toJson());
                                    jws.setAlgorithmHeaderValue("none");
                                    jws.setKeyIdHeaderValue(p.keys().keyId());
                                    jws.setAlgorithmConstraints(
                                            org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
                                    try {
                                        return jws.getCompactSerialization();
                                    } catch (org.jose4j.lang.JoseException e) {
                                        throw new IllegalStateException(e);
                                    }
                                }));
        cases.put(
                "HS256 with the public key's bytes",
                p ->
                        p.signNextIdTokenWith(
                                c -> {
                                    var jws = new org.jose4j.jws.JsonWebSignature();
                                    jws.setPayload(c.toJson());
                                    jws.setAlgorithmHeaderValue("HS256");
                                    jws.setKeyIdHeaderValue(p.keys().keyId());
                                    jws.setKey(
                                            new org.jose4j.keys.HmacKey(
                                                    p.keys().publicKey().getEncoded()));
                                    try {
                                        return jws.getCompactSerialization();
                                    } catch (org.jose4j.lang.JoseException e) {
                                        throw new IllegalStateException(e);
                                    }
                                }));
        cases.put(
                "unknown kid",
                p ->
                        p.signNextIdTokenWith(
                                c ->
                                        io.gatehouse.testing.TestIssuer.sign(
                                                c, p.keys().privateKey(), "no-such-kid")));
        cases.put(
                "no kid",
                p ->
                        p.signNextIdTokenWith(
                                c ->
                                        io.gatehouse.testing.TestIssuer.sign(
                                                c, p.keys().privateKey(), null)));
        cases.put(
                "another issuer", p -> p.spoilNextIdToken(c -> c.setIssuer("http://evil.example")));
        cases.put(
                "azp of another client",
                p -> p.spoilNextIdToken(c -> c.setClaim("azp", "another-client")));
        for (var e : cases.entrySet()) {
            e.getValue().accept(idp);
            Started s = startFlow();
            Http.Response r = callback(authorize(s), s.browser());
            assertThat(r.status()).as(e.getKey() + ": " + r).isEqualTo(401);
            assertThat(r.json().getString("code")).as(e.getKey()).isEqualTo("invalid_id_token");
        }
        idp.spoilNextIdToken(c -> c.unsetClaim("nonce"));
        Started s = startFlow();
        Http.Response noNonce = callback(authorize(s), s.browser());
        assertThat(noNonce.status()).as(noNonce.toString()).isEqualTo(401);
        assertThat(noNonce.json().getString("code")).isEqualTo("invalid_nonce");
        // azp equal to the client id, with one audience: accepted
        idp.spoilNextIdToken(c -> c.setClaim("azp", StandInOidcProvider.CLIENT_ID));
        signIn(new Browser());
    }

    static Http.Response passwordLogin(TestTenant t, String role, Browser b) {
        Http.Response r =
                sso.http()
                        .post(
                                "/api/v1/auth/login",
                                "{\"username\":\""
                                        + t.username(role)
                                        + "\",\"password\":\""
                                        + t.password(role)
                                        + "\"}",
                                "X-Gatehouse-Refresh",
                                "1");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        b.keep(r);
        return r;
    }

    static Http.Response passwordLogin(TestTenant t, Browser b) {
        Http.Response r =
                sso.http()
                        .post(
                                "/api/v1/auth/login",
                                "{\"username\":\""
                                        + t.username("admin")
                                        + "\",\"password\":\""
                                        + t.password("admin")
                                        + "\"}",
                                "X-Gatehouse-Refresh",
                                "1");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        b.keep(r);
        assertThat(b.cookies()).containsKey("gh_refresh");
        return r;
    }
}
