package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.internal.crypto.MasterKeySecretBox;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every way a bearer token can be wrong is refused with 401 and nothing leaked. Tokens with a valid
 * signature but bad claims are signed with the server's own key, unsealed here with the test master
 * key (as only someone holding both the database and the master key could).
 */
class TokenRejectionIT {
    static String kid;
    static PrivateKey serverKey;
    static String publicJwkJson;
    static String issuer;
    static String userId;
    static String tenantId;
    private final Http http = Http.local();

    @BeforeAll
    static void serverKey() throws Exception {
        TestTenant demo = TestTenant.demo();
        tenantId = demo.id();
        userId = http0().get("/api/v1/me", demo.auth("admin")).json().getString("userId");
        issuer = http0().get("/.well-known/openid-configuration").json().getString("issuer");
        try (Connection c = Db.asApp();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT kid, private_key_sealed, public_jwk FROM edge_signing_keys WHERE retired_at IS NULL")) {
            rs.next();
            kid = rs.getString(1);
            MasterKeySecretBox box =
                    new MasterKeySecretBox(TestEnv.env("GATEHOUSE_MASTER_KEY", ""));
            byte[] pkcs8 = box.open(rs.getString(2), "edge-signing-key:" + kid);
            serverKey =
                    KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            publicJwkJson = rs.getString(3);
        }
    }

    static Http http0() {
        return Http.local();
    }

    static JwtClaims goodClaims() {
        JwtClaims c = new JwtClaims();
        c.setIssuer(issuer);
        c.setAudience("gatehouse");
        c.setSubject(userId);
        c.setClaim("upn", "admin");
        c.setStringListClaim("groups", List.of("admin"));
        c.setClaim("gh_tenant", tenantId);
        c.setGeneratedJwtId();
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        return c;
    }

    static String sign(JwtClaims claims, java.security.Key key, String alg, String keyId)
            throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        if (keyId != null) {
            jws.setKeyIdHeaderValue(keyId);
        }
        jws.setKey(key);
        if (AlgorithmIdentifiers.NONE.equals(alg)) {
            jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        }
        return jws.getCompactSerialization();
    }

    static String server(Consumer<JwtClaims> change) throws Exception {
        JwtClaims c = goodClaims();
        change.accept(c);
        return sign(c, serverKey, AlgorithmIdentifiers.RSA_USING_SHA256, kid);
    }

    private void assertRefused(String token) {
        Http.Response r = http.get("/api/v1/me", "Authorization", "Bearer " + token);
        assertThat(r.status()).as(token).isEqualTo(401);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain(userId);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getString("code")).isIn("invalid_token", "unauthenticated");
    }

    private void assertAccepted(String token) {
        Http.Response r = http.get("/api/v1/me", "Authorization", "Bearer " + token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getString("userId")).isEqualTo(userId);
    }

    static long now() {
        return NumericDate.now().getValue();
    }

    @Test
    void aCorrectlySignedTokenIsAccepted() throws Exception {
        Http.Response r = http.get("/api/v1/me", "Authorization", "Bearer " + server(c -> {}));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void missingAndGarbledTokens() {
        assertThat(http.get("/api/v1/me").status()).isEqualTo(401);
        assertRefused("not-a-token");
        assertRefused("a.b.c");
        assertRefused("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.AAAA");
        assertThat(http.get("/api/v1/me", "Authorization", "Basic YWxpY2U6cHc=").status())
                .isEqualTo(401);
    }

    /**
     * Authentication runs before resource matching: an anonymous caller gets the same 401 for a
     * path that exists, one that does not and another tenant's object, so it cannot map the API.
     */
    @Test
    void anAnonymousCallerCannotTellWhichPathsExist() throws Exception {
        for (String path :
                List.of(
                        "/api/v1/me",
                        "/api/v1/keys/" + java.util.UUID.randomUUID(),
                        "/api/v1/no-such-resource",
                        "/api/v2/anything",
                        "/api/v1/platform/signing-keys")) {
            Http.Response r = http.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.header("Content-Type")).as(path).startsWith("application/problem+json");
            assertThat(r.json().getString("code")).as(path).isEqualTo("unauthenticated");
        }
        for (String path : List.of("/v1/models", "/v1/no-such-endpoint")) {
            Http.Response r = http.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.json().getJsonObject("error").getString("code"))
                    .as(path)
                    .isEqualTo("invalid_api_key");
        }
        // the public paths: the login and the well-known documents
        assertThat(http.get("/.well-known/jwks.json").status()).isEqualTo(200);
        assertThat(http.get("/.well-known/openid-configuration").status()).isEqualTo(200);
        assertThat(http.post("/api/v1/auth/login", "{}").status()).isEqualTo(400);
        // with a valid token the unknown path is what it is
        assertThat(http.get("/api/v1/no-such-resource", TestTenant.demo().auth("admin")).status())
                .isEqualTo(404);
        // and every refusal is an audit event: the anonymous one and a bad token
        Http.Response anonymous = http.get("/api/v1/no-such-resource");
        Http.Response badToken = http.get("/api/v1/me", "Authorization", "Bearer not-a-token");
        assertThat(auditedDenials(anonymous.header("X-Request-Id"), "missing")).isEqualTo(1);
        assertThat(auditedDenials(badToken.header("X-Request-Id"), "invalid")).isEqualTo(1);
    }

    /** auth.token denials with this request id and reason; waits for the batched audit write. */
    static long auditedDenials(String requestId, String reason) throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        long n;
        do {
            try (Connection c = Db.asApp()) {
                n =
                        Db.count(
                                c,
                                "SELECT count(*) FROM audit_events WHERE action = 'auth.token' AND outcome = 'denied'"
                                        + " AND request_id = ? AND details->>'reason' = ?",
                                requestId,
                                reason);
            }
            if (n == 0) {
                Thread.sleep(100);
            }
        } while (n == 0 && System.currentTimeMillis() < deadline);
        return n;
    }

    @Test
    void algNoneIsRefused() throws Exception {
        assertRefused(sign(goodClaims(), null, AlgorithmIdentifiers.NONE, kid));
        String header =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                "{\"alg\":\"none\",\"typ\":\"JWT\"}"
                                        .getBytes(StandardCharsets.UTF_8));
        String payload =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(goodClaims().toJson().getBytes(StandardCharsets.UTF_8));
        assertRefused(header + "." + payload + ".");
    }

    @Test
    void hmacSignedWithThePublicKeyIsRefused() throws Exception {
        // The classic RS/HS confusion: HS256 keyed with the bytes of the server's public key.
        byte[] pub = RsaJsonWebKey.Factory.newPublicJwk(publicJwkJson).getKey().getEncoded();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(goodClaims().toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(new HmacKey(pub));
        jws.setDoKeyValidation(false);
        assertRefused(jws.getCompactSerialization());
        assertRefused(
                sign(
                        goodClaims(),
                        new HmacKey(publicJwkJson.getBytes(StandardCharsets.UTF_8)),
                        AlgorithmIdentifiers.HMAC_SHA256,
                        kid));
    }

    @Test
    void aForeignSignatureIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PrivateKey other = g.generateKeyPair().getPrivate();
        assertRefused(sign(goodClaims(), other, AlgorithmIdentifiers.RSA_USING_SHA256, kid));
        assertRefused(
                sign(goodClaims(), other, AlgorithmIdentifiers.RSA_USING_SHA256, "unknown-kid"));
        // tampered payload under a genuine signature
        String genuine = server(c -> {});
        String[] parts = genuine.split("\\.");
        JwtClaims elevated = goodClaims();
        elevated.setStringListClaim("groups", List.of("platform-admin"));
        String forged =
                parts[0]
                        + "."
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(elevated.toJson().getBytes(StandardCharsets.UTF_8))
                        + "."
                        + parts[2];
        assertRefused(forged);
    }

    @Test
    void aKidNotInTheJwksIsRefusedEvenWhenSignedByTheKeyItNamesAndATokenMustNameItsKey()
            throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PrivateKey own = g.generateKeyPair().getPrivate();
        // well-formed and correctly signed by the key it names, but that key is not ours
        assertRefused(
                sign(
                        goodClaims(),
                        own,
                        AlgorithmIdentifiers.RSA_USING_SHA256,
                        "gh-" + java.util.UUID.randomUUID()));
        // our own key, but the header names none
        assertRefused(sign(goodClaims(), serverKey, AlgorithmIdentifiers.RSA_USING_SHA256, null));
        assertAccepted(sign(goodClaims(), serverKey, AlgorithmIdentifiers.RSA_USING_SHA256, kid));
    }

    @Test
    void missingSubJtiIatOrTenantIsRefused() throws Exception {
        assertRefused(server(c -> c.unsetClaim("sub")));
        assertRefused(server(c -> c.unsetClaim("jti")));
        assertRefused(server(c -> c.unsetClaim("iat")));
        assertRefused(server(c -> c.unsetClaim("gh_tenant")));
        assertAccepted(server(c -> {}));
    }

    /** The allowed clock skew is 30 s: 10 s past it is tolerated, 60 s is not. */
    @Test
    void timesWithinTheClockSkewAreAcceptedAndBeyondItRefused() throws Exception {
        // A token issued 20 s ago is only good if its user's tokens were not cut off since (the
        // demo admin's tokens_valid_after is its seeding time): when the server was seeded
        // moments ago, wait until that cut-off lies further back than the token's iat.
        waitUntilTokensValidAfterIsOlderThan(25);
        assertAccepted(
                server(
                        c -> {
                            c.setIssuedAt(NumericDate.fromSeconds(now() - 20));
                            c.setExpirationTime(NumericDate.fromSeconds(now() - 10));
                        }));
        assertRefused(
                server(
                        c -> {
                            c.setIssuedAt(NumericDate.fromSeconds(now() - 70));
                            c.setExpirationTime(NumericDate.fromSeconds(now() - 60));
                        }));
        assertAccepted(server(c -> c.setNotBefore(NumericDate.fromSeconds(now() + 10))));
        assertRefused(server(c -> c.setNotBefore(NumericDate.fromSeconds(now() + 60))));
        // an iat in the future would survive "all tokens issued before now" (password change)
        assertAccepted(server(c -> c.setIssuedAt(NumericDate.fromSeconds(now() + 10))));
        assertRefused(server(c -> c.setIssuedAt(NumericDate.fromSeconds(now() + 60))));
    }

    private static void waitUntilTokensValidAfterIsOlderThan(int seconds) throws Exception {
        double age;
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT extract(epoch FROM now() - tokens_valid_after)"
                                        + " FROM edge_users WHERE id = ?::uuid")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                age = rs.getDouble(1);
            }
        }
        if (age < seconds) {
            Thread.sleep((long) ((seconds - age) * 1000) + 100);
        }
    }

    @Test
    void expiredAndNotYetValidAreRefused() throws Exception {
        assertRefused(
                server(
                        c ->
                                c.setExpirationTime(
                                        NumericDate.fromSeconds(
                                                NumericDate.now().getValue() - 120))));
        assertRefused(
                server(
                        c ->
                                c.setNotBefore(
                                        NumericDate.fromSeconds(
                                                NumericDate.now().getValue() + 600))));
        assertRefused(server(c -> c.unsetClaim("exp")));
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() throws Exception {
        assertRefused(server(c -> c.setIssuer("https://evil.example")));
        assertRefused(server(c -> c.setAudience("someone-else")));
        assertRefused(server(c -> c.unsetClaim("aud")));
    }

    @Test
    void missingRoleIs403() {
        TestTenant demo = TestTenant.demo();
        Http.Response r = http.get("/api/v1/keys", demo.auth("author"));
        assertThat(r.status()).isEqualTo(403);
        String requestId = r.header("X-Request-Id");
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getString("detail")).contains("admin");
        assertThat(http.get("/api/v1/keys", demo.auth("admin")).status()).isEqualTo(200);
        // the refusal is in the audit trail, with the request's id and the author as actor
        Http.Response trail =
                http.get(
                        "/api/v1/audit/events?action=auth.forbidden&requestId=" + requestId,
                        demo.auth("auditor"));
        assertThat(trail.status()).isEqualTo(200);
        var events = trail.json().getJsonArray("events");
        assertThat(events).hasSize(1);
        assertThat(events.getJsonObject(0).getString("outcome")).isEqualTo("denied");
        assertThat(events.getJsonObject(0).getJsonObject("details").getString("path"))
                .contains("keys");
    }

    @SuppressWarnings("unused")
    private static String jwk(RsaJsonWebKey k) {
        return k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }
}
