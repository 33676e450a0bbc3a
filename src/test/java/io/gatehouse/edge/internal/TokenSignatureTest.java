package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.junit.jupiter.api.Test;

/**
 * Known answer for the built-in access tokens. RS256 (RSASSA-PKCS1-v1_5) is deterministic, so a
 * fixed key and a fixed payload give one signature. The expected token was computed once
 * independently of this code: OpenSSL 3 generated the test key ({@code openssl genpkey -algorithm
 * RSA -pkeyopt rsa_keygen_bits:2048}) and signed base64url(header) "." base64url(payload) with
 * {@code openssl dgst -sha256 -sign}; Python 3 did the base64url. The key is a test key only, used
 * nowhere else.
 */
class TokenSignatureTest {
    static final String PRIVATE_PKCS8 =
            ""
                    + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCnvH8eZU2tnsc9xKgXz2tjUJGsVY2PMEdpnFe86x"
                    + "VWHXssIJbY04ijblfSfSqj+Wqd7v/j016RuhmgvdAGlg+tCpWP6qqxn5gRsaVvsO7+Jq+ofULsFYvh9KmIjBfFxKZJ"
                    + "NGxSx7kj1UfO5Nq+aM1Mo53i62RzOw4m1hbmAC9t4Z8Z61c++EXU4Z0JZ4Qg7+qkA78QpRA2HcFL9RfVs0ylOcfGni"
                    + "kwv5NgVBv+AqJ77InKaeENIWnzvVX7KP4xvb5uPvb7KoC/WvEM7l1nt7qMqN17U6NM6qCfAsU4CKsG7FPuC1zxPw3x"
                    + "U/YerriiZ2zgmOI0MqrQf3e942cvs59FAgMBAAECggEAFlbIK+v8SpKvtf4SZaAQt8MxBh1wwxtVb28hz5MUHjTCmj"
                    + "pkN1ADeGyc0qIr2HcXvXKT7tYlgqKhK3i2vfcknab1YJuKtymU7vT/SPRB/WQj7Hxzj2NBOXXEUbStV9VG+3nkBqml"
                    + "x8Ftv6lX/pg7kKjma/nDQNt3w4arZF9YRw8CkXWyyBRU7DWvl4h/7ZzU2SzbHefWlKegTmh4BluV8Sz26jofxQ/6FF"
                    + "IQLq/dJRF7nQx2kxwE6S7dXbEcH6RA3KoKHWjsTkwREk9AfntiEkPibee7GApkMXKIA4YbTkmqwFkjGhsLcW1wLwhr"
                    + "Jkr+4jXZwvnMnU2MLZMtnygu0wKBgQDrGGcOUnmaJiSxwt1ylGJ+IFlZOweRHwEQ8DhJL61KEYiF1qE4yr4wsMC6rq"
                    + "piG/7a9FgzAoorXagcS/L9L7UIAYxsKIqE8wJjwNZot6KbQRSlF/1VeByM7LfzKJoTEI00f/SjwjEggdR9UUbfyTCn"
                    + "LA8pCX/VOOR9a65qcFNqgwKBgQC2psQJeqLTOTkKgYPaBf8wBnQOBsOvWAEV1xzEq+kmZrFRhppf5GlyAdGTMskQ08"
                    + "3Paph5OZ/GLKgf9caKGG0se0mKke5PDQDjL1mjFsCFsV3Fx/M7KNE33E+oA320JuT+uez0HHCkZOEC8vXLrYgtppgl"
                    + "FoM7xCxGo9KljudElwKBgEgMmYDdK+FfMT29X8q+yRSoa1maaq5CFzyOsmFTmEMr7nA+H/jcwb8AXICaCSO6Orf1zJ"
                    + "YNgDTcJipN6HFJzqxedR+sqQ8nvqK9tbgwF0iHgIE8QeqQvgc+gP2ngti26N+fG2WYnR++SlYBs7vf1+ZT7W2BOMkq"
                    + "/3OkrbZ3KElrAoGAe8r3Xv1RUhucf3Rcau5ZkLEvAzquci8RPT44b0ucj7xWPc0e4BMtLGnzIvLut4r2GLhEcxUNJw"
                    + "GpSVAIqhv4EofUxig1/jnv+gpjlFedUH9v8NaeEeCOPHADRPpovisGVWaqJKEJ70G4B4mn8c3BWD9rKufhNia1Y4Mx"
                    + "B6idMi0CgYEAuG8r2OnjZAmmcnB2CAweoYSwAU9keA4g32EAkSgWyAVkqALh6C6Y9fBc14ZUnReI15//k6HkFQINlM"
                    + "Njg4BT0LG1wMkD/kULmd9QKplVA1YUwJxMQSPEOX7hg/1Qlvf56mbOaYO2lK6Ue9iX9UoXXcSpWzMLHgw7V2YMvWOh"
                    + "uUY=";

    static final String PUBLIC_SPKI =
            ""
                    + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAp7x/HmVNrZ7HPcSoF89rY1CRrFWNjzBHaZxXvOsVVh17LC"
                    + "CW2NOIo25X0n0qo/lqne7/49NekboZoL3QBpYPrQqVj+qqsZ+YEbGlb7Du/iavqH1C7BWL4fSpiIwXxcSmSTRsUse5"
                    + "I9VHzuTavmjNTKOd4utkczsOJtYW5gAvbeGfGetXPvhF1OGdCWeEIO/qpAO/EKUQNh3BS/UX1bNMpTnHxp4pML+TYF"
                    + "Qb/gKie+yJymnhDSFp871V+yj+Mb2+bj72+yqAv1rxDO5dZ7e6jKjde1OjTOqgnwLFOAirBuxT7gtc8T8N8VP2Hq64"
                    + "omds4JjiNDKq0H93veNnL7OfRQIDAQAB";

    static final String PAYLOAD =
            "{\"iss\":\"http://localhost:9080\",\"aud\":\"gatehouse\",\"sub\":\"00000000-0000-0000-0000-0000000000a1\","
                    + "\"upn\":\"ann\",\"groups\":[\"admin\"],\"gh_tenant\":\"11111111-2222-3333-4444-555555555555\","
                    + "\"jti\":\"kat-jti-1\",\"iat\":1767225600,\"nbf\":1767225600,\"exp\":4102444800}";

    static final String TOKEN =
            "eyJraWQiOiJrYXQtMSIsImFsZyI6IlJTMjU2IiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwOi8vbG9jYWxob3N0Oj"
                    + "kwODAiLCJhdWQiOiJnYXRlaG91c2UiLCJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwYTEi"
                    + "LCJ1cG4iOiJhbm4iLCJncm91cHMiOlsiYWRtaW4iXSwiZ2hfdGVuYW50IjoiMTExMTExMTEtMjIyMi0zMzMzLTQ0ND"
                    + "QtNTU1NTU1NTU1NTU1IiwianRpIjoia2F0LWp0aS0xIiwiaWF0IjoxNzY3MjI1NjAwLCJuYmYiOjE3NjcyMjU2MDAs"
                    + "ImV4cCI6NDEwMjQ0NDgwMH0.pmjIXVRPug0EpZkhybGsJPHZATXmxMQpoXTIpHAaje5Ux6qdQrx3Is8H2PoLTEziVl"
                    + "IVnj1BSrmXqVWkXhS-cRg3CrIakRCfRx6mvXn1YPRu_3eWHfdGnN12uUcuC3BBS6kg-81P_Bi4c7GZcFAKl_1HUtFS"
                    + "jmif5hgRPGuHuyCvXcLfrGcEGy7_mALL7D-xtHolD1sHAaoGaxUHA2b4RAGyAXlywfayNyFS62LHqRG9kaodWBUWQh"
                    + "CQGj6U77yJ_Fnk3H2CZbjiKpC-33PlFqyc90542KNuizwSmML-TxIO_YZGmKx98WsmTYw1UtYQ348gfxHpPPIOGxzy"
                    + "OxbWMQ";

    static PrivateKey privateKey() throws Exception {
        return KeyFactory.getInstance("RSA")
                .generatePrivate(
                        new PKCS8EncodedKeySpec(Base64.getDecoder().decode(PRIVATE_PKCS8)));
    }

    static PublicKey publicKey() throws Exception {
        return KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(PUBLIC_SPKI)));
    }

    static JwtConsumer consumer() throws Exception {
        PublicKey pub = publicKey();
        return TokenService.builtInConsumer("http://localhost:9080", (jws, nesting) -> pub);
    }

    @Test
    void theSigningPathGivesTheKnownToken() throws Exception {
        assertThat(TokenService.sign(privateKey(), "kat-1", PAYLOAD)).isEqualTo(TOKEN);
    }

    @Test
    void theKnownTokenVerifiesWithTheBuiltInRules() throws Exception {
        JwtClaims c = consumer().processToClaims(TOKEN);
        assertThat(c.getSubject()).isEqualTo("00000000-0000-0000-0000-0000000000a1");
        assertThat(c.getStringClaimValue(TokenService.TENANT_CLAIM))
                .isEqualTo("11111111-2222-3333-4444-555555555555");
    }

    @Test
    void oneBitChangedInTheSignatureOrThePayloadIsRefused() throws Exception {
        JwtConsumer consumer = consumer();
        int sig = TOKEN.lastIndexOf('.') + 1;
        assertThatThrownBy(() -> consumer.processToClaims(flipBit(TOKEN, sig + 20)))
                .isInstanceOf(InvalidJwtException.class);
        int payload = TOKEN.indexOf('.') + 1;
        assertThatThrownBy(() -> consumer.processToClaims(flipBit(TOKEN, payload + 20)))
                .isInstanceOf(InvalidJwtException.class);
    }

    /** The token with the lowest bit of the base64url digit at {@code at} flipped. */
    static String flipBit(String token, int at) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int digit = alphabet.indexOf(token.charAt(at));
        char flipped = alphabet.charAt(digit ^ 1);
        return token.substring(0, at) + flipped + token.substring(at + 1);
    }
}
