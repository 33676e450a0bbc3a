package io.gatehouse.routing.internal.mcp;

import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.net.EgressPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Calls a tool on an upstream MCP server: over the Streamable HTTP transport (initialize, the
 * initialized notification, {@code tools/call}, then the session is closed), with the server's
 * stored credential as a bearer token and the egress rules checked before every call; or on the
 * built-in in-process sandbox server. One session per call keeps every instance stateless.
 */
@ApplicationScoped
public class McpUpstream {
    /** What Gatehouse asks upstream servers for; they may answer an older version they support. */
    static final String UPSTREAM_PROTOCOL = McpProtocol.LATEST;

    static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    /** What the client sees where an upstream echoed the server's credential. */
    static final String MASK = "********";

    @Inject EgressPolicy egress;
    @Inject SecretBox secrets;

    @Inject
    @ConfigProperty(name = "gatehouse.mcp.call-timeout-ms", defaultValue = "60000")
    long timeoutMillis;

    private volatile HttpClient client;

    /** A tool call that could not be made or answered; the message is safe to show the client. */
    public static final class UpstreamException extends Exception {
        UpstreamException(String message) {
            super(message);
        }
    }

    /** The upstream's {@code CallToolResult}. */
    public JsonObject callTool(TenantId tenant, McpServer server, String tool, JsonObject arguments)
            throws UpstreamException {
        if (server.transport().equals(McpServer.SANDBOX)) {
            return McpSandbox.call(tool, arguments);
        }
        URI uri = URI.create(server.url());
        Optional<String> refused = egress.refused(tenant, uri);
        if (refused.isPresent()) {
            throw new UpstreamException("the server's url is refused: " + refused.get());
        }
        String bearer =
                server.sealedCredential() == null
                        ? null
                        : new String(
                                secrets.open(
                                        server.sealedCredential(),
                                        McpServer.credentialContext(tenant, server.name())),
                                StandardCharsets.UTF_8);
        Session s = new Session(uri, bearer, System.nanoTime() + timeoutMillis * 1_000_000);
        try {
            JsonObject init =
                    s.request(
                            "initialize",
                            Json.createObjectBuilder()
                                    .add("protocolVersion", UPSTREAM_PROTOCOL)
                                    .add("capabilities", JsonValue.EMPTY_JSON_OBJECT)
                                    .add(
                                            "clientInfo",
                                            Json.createObjectBuilder()
                                                    .add("name", "gatehouse")
                                                    .add("version", McpProtocol.SERVER_VERSION))
                                    .build());
            if (init.get("protocolVersion") instanceof JsonString v) {
                s.protocolVersion = v.getString();
            }
            s.notify("notifications/initialized");
            JsonObject result =
                    s.request(
                            "tools/call",
                            Json.createObjectBuilder()
                                    .add("name", tool)
                                    .add("arguments", arguments)
                                    .build());
            // an upstream that echoes the request's headers in its result (an error text, a
            // debug field) must not hand the client, or the audit trail, the server's credential
            return bearer == null || bearer.isEmpty() ? result : mask(result, bearer);
        } finally {
            s.close();
        }
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            // HTTP/1.1: no h2c upgrade attempt on plain-HTTP upstreams
            client =
                    c =
                            egress.httpClient(Duration.ofSeconds(5))
                                    .version(HttpClient.Version.HTTP_1_1)
                                    .build();
        }
        return c;
    }

    /** One upstream session, for one tool call, under one deadline for all of its requests. */
    private final class Session {
        final URI uri;
        final String bearer;
        final long deadline;
        String sessionId;
        String protocolVersion;
        int nextId = 1;

        Session(URI uri, String bearer, long deadline) {
            this.uri = uri;
            this.bearer = bearer;
            this.deadline = deadline;
        }

        HttpRequest.Builder post(String body) {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofMillis(Math.max(1, remainingMillis())))
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json, text/event-stream")
                            .POST(HttpRequest.BodyPublishers.ofString(body));
            headers(b);
            return b;
        }

        long remainingMillis() {
            return (deadline - System.nanoTime()) / 1_000_000;
        }

        void headers(HttpRequest.Builder b) {
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            if (sessionId != null) {
                b.header("Mcp-Session-Id", sessionId);
            }
            if (protocolVersion != null) {
                b.header("MCP-Protocol-Version", protocolVersion);
            }
        }

        JsonObject request(String method, JsonObject params) throws UpstreamException {
            int id = nextId++;
            String body =
                    Json.createObjectBuilder()
                            .add("jsonrpc", "2.0")
                            .add("id", id)
                            .add("method", method)
                            .add("params", params)
                            .build()
                            .toString();
            HttpResponse<JsonObject> r = send(post(body), id);
            if (sessionId == null) {
                sessionId = r.headers().firstValue("Mcp-Session-Id").orElse(null);
            }
            if (r.statusCode() != 200) {
                throw new UpstreamException(
                        "the server answered " + method + " with HTTP " + r.statusCode());
            }
            JsonObject answer = r.body();
            if (answer == null) {
                throw new UpstreamException("the server sent no answer to " + method);
            }
            if (answer.get("error") instanceof JsonObject err) {
                String message = err.getString("message", "");
                if (bearer != null && !bearer.isEmpty()) {
                    // an upstream that echoes the request's headers must not hand the client
                    // the server's credential; masked before it is cut, so that no cut leaves a
                    // piece of it
                    message = message.replace(bearer, MASK);
                }
                message = shorten(message);
                throw new UpstreamException(
                        "the server refused "
                                + method
                                + ": "
                                + err.getInt("code", 0)
                                + " "
                                + message);
            }
            if (!(answer.get("result") instanceof JsonObject result)) {
                throw new UpstreamException("the server's answer to " + method + " has no result");
            }
            return result;
        }

        void notify(String method) throws UpstreamException {
            String body =
                    Json.createObjectBuilder()
                            .add("jsonrpc", "2.0")
                            .add("method", method)
                            .build()
                            .toString();
            // the body of an answer to a notification is of no interest: not read
            HttpResponse<JsonObject> r = send(post(body), -1);
            if (r.statusCode() / 100 != 2) {
                throw new UpstreamException(
                        "the server answered " + method + " with HTTP " + r.statusCode());
            }
        }

        void close() {
            if (sessionId == null) {
                return;
            }
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).DELETE();
            headers(b);
            // best effort: the session ends upstream on its own when this is lost
            client().sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
        }

        /**
         * Sends and waits at most until the call's deadline, for the headers and for the body the
         * handler reads; past it the exchange is cancelled (its connection closed), so an upstream
         * that never ends its answer holds no thread of this server.
         */
        HttpResponse<JsonObject> send(HttpRequest.Builder b, int id) throws UpstreamException {
            long left = remainingMillis();
            if (left <= 0) {
                throw timedOut();
            }
            AtomicReference<McpAnswerReader> reader = new AtomicReference<>();
            CompletableFuture<HttpResponse<JsonObject>> f =
                    client().sendAsync(
                                    b.build(),
                                    info -> {
                                        McpAnswerReader r = new McpAnswerReader(info, id);
                                        reader.set(r);
                                        return r;
                                    });
            try {
                return f.get(left, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                McpAnswerReader r = reader.get();
                if (r != null) {
                    r.cancel();
                }
                throw timedOut();
            } catch (ExecutionException e) {
                for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                    if (c instanceof UpstreamException u) {
                        throw u;
                    }
                    if (c instanceof HttpTimeoutException) {
                        throw timedOut();
                    }
                }
                throw new UpstreamException("the server could not be reached");
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new UpstreamException("the call was interrupted");
            }
        }

        UpstreamException timedOut() {
            return new UpstreamException(
                    "the server did not answer within " + timeoutMillis + " ms");
        }
    }

    /** The JSON-RPC answer with {@code id} among Server-Sent Events' data, or null. */
    static JsonObject fromEvents(String text, int id) throws UpstreamException {
        McpAnswerReader r = new McpAnswerReader(true, id);
        r.onSubscribe(
                new Flow.Subscription() {
                    @Override
                    public void request(long n) {}

                    @Override
                    public void cancel() {}
                });
        r.onNext(List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
        r.onComplete();
        try {
            return r.getBody().toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UpstreamException u) {
                throw u;
            }
            throw e;
        }
    }

    /** {@code v} with every occurrence of {@code secret} in its strings and keys masked. */
    static <T extends JsonValue> T mask(T v, String secret) {
        JsonValue out = v;
        if (v instanceof JsonString s) {
            if (s.getString().contains(secret)) {
                out = Json.createValue(s.getString().replace(secret, MASK));
            }
        } else if (v instanceof JsonObject o) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            o.forEach((k, x) -> b.add(k.replace(secret, MASK), mask(x, secret)));
            out = b.build();
        } else if (v instanceof JsonArray a) {
            JsonArrayBuilder b = Json.createArrayBuilder();
            a.forEach(x -> b.add(mask(x, secret)));
            out = b.build();
        }
        @SuppressWarnings("unchecked")
        T masked = (T) out;
        return masked;
    }

    static JsonObject parse(String text) throws UpstreamException {
        try (var r = Json.createReader(new StringReader(text))) {
            return r.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new UpstreamException("the server's answer is not a JSON-RPC object");
        }
    }

    static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
