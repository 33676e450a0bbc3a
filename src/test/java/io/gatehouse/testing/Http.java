package io.gatehouse.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for API tests against a running Gatehouse. */
public final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Http(String base) {
        this.base = base;
    }

    public static Http local() {
        return new Http(TestEnv.baseUrl());
    }

    public Response get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    public Response post(String path, String json, String... headers) {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)),
                headers);
    }

    public Response method(String method, String path, String json, String... headers) {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                json == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(json)),
                headers);
    }

    public Response send(HttpRequest.Builder b, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.timeout(Duration.ofSeconds(60));
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (Exception e) {
            throw new IllegalStateException("HTTP call failed: " + e, e);
        }
    }

    /** A response, with its body as text and as JSON on demand. */
    public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        public JsonObject json() {
            return (JsonObject) parse();
        }

        public JsonStructure parse() {
            try (var r = Json.createReader(new StringReader(body))) {
                return r.read();
            }
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
