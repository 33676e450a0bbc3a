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
        sso = LibertyInstance.start("gatehouse-sso", idp.gatehouseEnv());
        sso.awaitReady(Duration.ofSeconds(120));
    }

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

    static long audited(String action, String detailKey, String detailValue) throws Exception {
        try (Connection c = Db.asOwner()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_events WHERE action = ? AND details ->> ? = ?",
                    action,
                    detailKey,
                    detailValue);
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
        assertThat(audited("auth.login", "method", "oidc")).isGreaterThanOrEqualTo(1);
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

        Started other = startFlow();
        Http.Response noBinding = callback(authorize(other), new Browser());
        assertThat(noBinding.status())
                .as("the callback in a browser that did not start it")
                .isEqualTo(400);
        assertThat(noBinding.json().getString("code")).isEqualTo("invalid_state");
        assertThat(audited("auth.login", "reason", "invalid_state")).isGreaterThanOrEqualTo(2);
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
        assertThat(audited("auth.refresh_reuse", "family_revoked", "true"))
                .isGreaterThanOrEqualTo(1);
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
        Http.Response out =
                sso.http()
                        .post(
                                "/api/v1/auth/logout",
                                "",
                                "Authorization",
                                "Bearer " + token,
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
        assertThat(refresh(new Browser(new HashMap<>(Map.of("gh_refresh", refreshToken)))).status())
                .as("the session renews nothing")
                .isEqualTo(401);
        assertThat(audited("auth.logout", "session_revoked", "true")).isGreaterThanOrEqualTo(1);
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
