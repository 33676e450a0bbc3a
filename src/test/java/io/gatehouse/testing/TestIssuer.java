package io.gatehouse.testing;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * A stand-in external OpenID Connect issuer for tests: an RSA key pair whose public half is served
 * as a JWKS on loopback ({@link #jwksUrl()}), and RS256 signing of whatever claims a test builds.
 * The JWKS URL is operator configuration ({@code GATEHOUSE_OIDC_JWKS_URL}), not tenant egress.
 */
public final class TestIssuer implements AutoCloseable {
    private final KeyPair keys;
    private final String keyId;
    private final HttpServer server;
    private final AtomicInteger served = new AtomicInteger();

    private TestIssuer(KeyPair keys, String keyId, HttpServer server) {
        this.keys = keys;
        this.keyId = keyId;
        this.server = server;
    }

    /** Generates a key pair named {@code keyId} and starts serving its JWKS at {@code /certs}. */
    public static TestIssuer start(String keyId) {
        try {
            return serve(keyId, HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Like {@link #start}, on a server of the caller's (an {@link HttpsServer} of {@code TestCa}:
     * then {@link #jwksUrl()} is {@code https://localhost:port/certs}, the name its certificate
     * carries).
     */
    public static TestIssuer serve(String keyId, HttpServer server) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair keys = g.generateKeyPair();
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) keys.getPublic());
            jwk.setKeyId(keyId);
            jwk.setAlgorithm("RS256");
            byte[] jwks =
                    ("{\"keys\":[" + jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}")
                            .getBytes(StandardCharsets.UTF_8);
            TestIssuer issuer = new TestIssuer(keys, keyId, server);
            server.createContext(
                    "/certs",
                    ex -> {
                        issuer.served.incrementAndGet();
                        ex.getResponseHeaders().add("Content-Type", "application/json");
                        ex.sendResponseHeaders(200, jwks.length);
                        ex.getResponseBody().write(jwks);
                        ex.close();
                    });
            server.start();
            return issuer;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String jwksUrl() {
        return server instanceof HttpsServer
                ? "https://localhost:" + server.getAddress().getPort() + "/certs"
                : "http://127.0.0.1:" + server.getAddress().getPort() + "/certs";
    }

    /** The address the JWKS is served on (for a proxy's table of names). */
    public java.net.InetSocketAddress address() {
        return server.getAddress();
    }

    /** How many times the JWKS was served. */
    public int served() {
        return served.get();
    }

    /** The claims signed with this issuer's key. */
    public String sign(JwtClaims claims) {
        return sign(claims, keys.getPrivate());
    }

    /**
     * The claims signed with {@code key} under this issuer's key id (a forgery when it is not
     * ours).
     */
    public String sign(JwtClaims claims, Key key) {
        return sign(claims, key, keyId);
    }

    /** The claims signed RS256 with {@code key}, naming {@code kid} (no {@code kid} when null). */
    public static String sign(JwtClaims claims, Key key, String kid) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        jws.setKey(key);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public Key privateKey() {
        return keys.getPrivate();
    }

    public Key publicKey() {
        return keys.getPublic();
    }

    public String keyId() {
        return keyId;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
