package io.gatehouse.edge.internal;

import io.gatehouse.shared.net.EgressPolicy;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The HTTP that edge's calls to the OpenID Connect provider share ({@link IssuerKeys} for its key
 * set, {@link OidcProviderCalls} for its discovery document and token endpoint): one client through
 * the outbound proxy and CA bundle, a GET for JSON whose error status is an {@link IOException} (a
 * 5xx an {@link Unavailable}, worth the one retry), a bounded body, and form encoding. Fault
 * Tolerance stays on the callers' methods, where its interceptors apply.
 */
final class OidcHttp {
    private OidcHttp() {}

    /**
     * The client: connecting takes less than the callers' 5 s Fault Tolerance timeout, so a
     * provider that cannot be reached is retried in time.
     */
    static HttpClient client(EgressPolicy egress) {
        return egress.httpClient(Duration.ofSeconds(3))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * GETs the JSON document at {@code location} ({@code what} names it in errors): a 5xx is an
     * {@link Unavailable}, any other status but 200 an {@link IOException}, and so is a body over
     * {@code maxBody} bytes.
     */
    static HttpResponse<byte[]> getJson(HttpClient http, String location, String what, int maxBody)
            throws IOException, InterruptedException {
        HttpRequest req =
                HttpRequest.newBuilder(URI.create(location))
                        .timeout(Duration.ofSeconds(10))
                        .header("Accept", "application/json")
                        .GET()
                        .build();
        HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() >= 500) {
            throw new Unavailable(what, res.statusCode());
        }
        if (res.statusCode() != 200) {
            throw new IOException(what + " answered HTTP " + res.statusCode());
        }
        if (res.body().length > maxBody) {
            throw new IOException(what + " is larger than " + maxBody + " bytes");
        }
        return res;
    }

    /** A body as a JSON object; anything else, or more than {@code maxBody} bytes, is an error. */
    static JsonObject parse(byte[] body, int maxBody) throws IOException {
        if (body.length > maxBody) {
            throw new IOException("The provider's answer is larger than " + maxBody + " bytes");
        }
        try (JsonReader r =
                Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
            return r.readObject();
        } catch (RuntimeException e) {
            throw new IOException("The provider's answer is not a JSON object");
        }
    }

    /** {@code application/x-www-form-urlencoded}: a form body, or a URL's query. */
    static String formEncode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The provider answered 5xx: worth one retry, unlike a 4xx. */
    static final class Unavailable extends IOException {
        Unavailable(String what, int status) {
            super(what + " answered HTTP " + status);
        }
    }
}
