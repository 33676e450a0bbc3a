package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product promises typed request and response schemas for every API Gatehouse designs: this
 * reads the served OpenAPI document and holds every operation under {@code /api/v1} and {@code /v1}
 * to it.
 */
class OpenApiContractIT {
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

    /** Operations anyone may call: no security requirement. */
    private static final Set<String> PUBLIC =
            Set.of(
                    "POST /api/v1/auth/login",
                    // console sessions: before a sign-in, or renewing one by its cookie
                    "GET /api/v1/auth/providers",
                    "GET /api/v1/auth/oidc/start",
                    "GET /api/v1/auth/oidc/callback",
                    "POST /api/v1/auth/oidc/redeem",
                    "POST /api/v1/auth/refresh");

    /**
     * Operations whose success is a redirect of the browser (single sign-on): a 303, no body. They
     * must document it.
     */
    private static final Set<String> REDIRECTS =
            Set.of("GET /api/v1/auth/oidc/start", "GET /api/v1/auth/oidc/callback");

    /**
     * The only 2xx bodies that are not JSON, by operation and media type, with why. SSE and CSV
     * must describe their content; JSON Lines must name its line schema, typed like any JSON body.
     */
    private static final Map<String, Set<String>> NOT_JSON =
            Map.of(
                    // stream: true answers as Server-Sent Events, one chunk per data: line
                    "POST /v1/chat/completions", Set.of("text/event-stream"),
                    // stream: true answers as the Responses API's typed events
                    "POST /v1/responses", Set.of("text/event-stream"),
                    // the Messages dialect's stream: Anthropic's named events (issue 17)
                    "POST /v1/messages", Set.of("text/event-stream"),
                    // a streamed export: JSON Lines (each line an event, header or trailer) or CSV
                    "GET /api/v1/audit/export", Set.of("application/x-ndjson", "text/csv"));

    private static JsonObject doc;
    private static JsonObject schemas;

    @BeforeAll
    static void readDocument() {
        Http.Response r = Http.local().get("/openapi?format=JSON", "Accept", "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        doc = r.json();
        try {
            // kept for review: what the assertions below judged
            java.nio.file.Files.writeString(
                    java.nio.file.Path.of("target", "openapi.json"), r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        schemas = doc.getJsonObject("components").getJsonObject("schemas");
    }

    @Test
    void theSharedErrorSchemasDescribeBothErrorShapes() {
        assertThat(schemas.getJsonObject("Problem").getJsonObject("properties").keySet())
                .contains("type", "title", "status", "detail", "code", "instance", "requestId");
        JsonObject openAi = schemas.getJsonObject("OpenAiError");
        assertThat(openAi.getJsonObject("properties").keySet()).contains("error");
        JsonObject error =
                resolve(openAi.getJsonObject("properties").getJsonObject("error"), "OpenAiError");
        assertThat(error.getJsonObject("properties").keySet())
                .contains("message", "type", "code", "param");
        JsonObject anthropic = schemas.getJsonObject("AnthropicError");
        assertThat(anthropic.getJsonObject("properties").keySet()).contains("type", "error");
        JsonObject anthropicError =
                resolve(
                        anthropic.getJsonObject("properties").getJsonObject("error"),
                        "AnthropicError");
        assertThat(anthropicError.getJsonObject("properties").keySet()).contains("type", "message");
    }

    @Test
    void everyOperationHasTypedBodiesSharedErrorsASummaryATagAndItsSecurity() {
        List<String> problems = new ArrayList<>();
        int operations = 0;
        Set<String> exceptionsSeen = new java.util.HashSet<>();
        for (var path : doc.getJsonObject("paths").entrySet()) {
            String p = path.getKey();
            boolean openAi = p.equals("/v1") || p.startsWith("/v1/");
            if (!openAi && !p.startsWith("/api/v1/")) {
                continue;
            }
            for (String method : METHODS) {
                JsonObject op = path.getValue().asJsonObject().getJsonObject(method);
                if (op == null) {
                    continue;
                }
                operations++;
                String id = method.toUpperCase() + " " + p;
                checkOperation(id, op, openAi, p.contains("{"), problems, exceptionsSeen);
            }
        }
        assertThat(operations).as("operations under /api/v1 and /v1").isGreaterThan(60);
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
        assertThat(exceptionsSeen)
                .as("every listed exception is still in the document")
                .containsExactlyInAnyOrderElementsOf(NOT_JSON.keySet());
    }

    private static void checkOperation(
            String id,
            JsonObject op,
            boolean openAi,
            boolean pathParams,
            List<String> problems,
            Set<String> exceptionsSeen) {
        if (op.getString("summary", "").isBlank()) {
            problems.add(id + ": no summary");
        }
        if (!(op.get("tags") instanceof JsonArray tags) || tags.isEmpty()) {
            problems.add(id + ": no tag");
        }
        JsonArray security =
                op.get("security") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        boolean secured = !security.isEmpty();
        if (PUBLIC.contains(id)) {
            if (secured) {
                problems.add(id + ": public, yet documents a security requirement");
            }
        } else if (!secured) {
            problems.add(id + ": no security requirement");
        } else {
            String scheme = openAi ? "apiKey" : "jwt";
            for (JsonValue req : security) {
                if (!req.asJsonObject().containsKey(scheme)) {
                    problems.add(id + ": security " + req + " is not " + scheme);
                }
            }
        }
        if (op.get("requestBody") instanceof JsonObject body) {
            JsonObject content = body.getJsonObject("content");
            if (content == null || content.isEmpty()) {
                problems.add(id + ": request body without content");
            } else {
                content.forEach(
                        (media, m) ->
                                typed(
                                        id + " request " + media,
                                        m.asJsonObject().getJsonObject("schema"),
                                        problems));
            }
        }
        JsonObject responses = op.getJsonObject("responses");
        if (REDIRECTS.contains(id)) {
            if (responses == null || !responses.containsKey("303")) {
                problems.add(id + ": a browser redirect that documents no 303");
                return;
            }
        } else if (responses == null
                || responses.keySet().stream().noneMatch(c -> c.startsWith("2"))) {
            problems.add(id + ": no 2xx response");
            return;
        }
        if (secured) {
            for (String code : List.of("401", "403")) {
                if (!responses.containsKey(code)) {
                    problems.add(id + ": secured but documents no " + code);
                }
            }
        }
        if (pathParams && !responses.containsKey("404")) {
            problems.add(id + ": names an object in its path but documents no 404");
        }
        if (op.containsKey("requestBody") && !responses.containsKey("400")) {
            problems.add(id + ": takes a body but documents no 400");
        }
        if (openAi && !responses.containsKey("429")) {
            problems.add(id + ": /v1 but documents no 429");
        }
        for (var r : responses.entrySet()) {
            String code = r.getKey();
            JsonObject content = r.getValue().asJsonObject().getJsonObject("content");
            if (code.startsWith("2")) {
                if (code.equals("204")) {
                    if (content != null && !content.isEmpty()) {
                        problems.add(id + ": 204 with a body");
                    }
                    continue;
                }
                if (content == null || content.isEmpty()) {
                    problems.add(id + ": " + code + " without a documented body");
                    continue;
                }
                for (var m : content.entrySet()) {
                    JsonObject schema = m.getValue().asJsonObject().getJsonObject("schema");
                    if (NOT_JSON.getOrDefault(id, Set.of()).contains(m.getKey())) {
                        exceptionsSeen.add(id);
                        if (m.getKey().equals("application/x-ndjson")) {
                            // each line is one JSON value: the schema is the line's, typed
                            typed(id + " " + m.getKey() + " line", schema, problems);
                            if (!r.getValue()
                                    .asJsonObject()
                                    .getString("description", "")
                                    .contains("JSON Lines")) {
                                problems.add(id + ": does not say its body is JSON Lines");
                            }
                        } else if (schema == null
                                || schema.getString("description", "").isBlank()) {
                            problems.add(id + ": " + m.getKey() + " body is not described");
                        }
                        continue;
                    }
                    if (!m.getKey().equals("application/json")) {
                        problems.add(id + ": " + code + " answers " + m.getKey() + ", not JSON");
                    }
                    typed(id + " " + code + " " + m.getKey(), schema, problems);
                }
            } else if (code.startsWith("4") || code.startsWith("5")) {
                String media = openAi ? "application/json" : "application/problem+json";
                // the Messages dialect answers errors in Anthropic's shape (issue 17)
                boolean anthropic = id.endsWith(" /v1/messages") || id.contains(" /v1/messages/");
                String ref =
                        "#/components/schemas/"
                                + (anthropic
                                        ? "AnthropicError"
                                        : openAi ? "OpenAiError" : "Problem");
                JsonObject schema =
                        content == null || !(content.get(media) instanceof JsonObject m)
                                ? null
                                : m.getJsonObject("schema");
                if (schema == null || !ref.equals(schema.getString("$ref", ""))) {
                    problems.add(id + ": " + code + " is not " + media + " " + ref);
                }
            }
        }
    }

    /** A $ref to a component with properties, or an array of such. */
    private static void typed(String where, JsonObject schema, List<String> problems) {
        if (schema == null) {
            problems.add(where + ": no schema");
            return;
        }
        if (schema.containsKey("$ref")) {
            String ref = schema.getString("$ref");
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            JsonObject target = schemas.getJsonObject(name);
            if (target == null
                    || !(target.get("properties") instanceof JsonObject props)
                    || props.isEmpty()) {
                problems.add(where + ": " + ref + " has no properties");
            }
            return;
        }
        if (schema.get("items") instanceof JsonObject items && isArray(schema)) {
            typed(where + "[]", items, problems);
            return;
        }
        problems.add(where + ": untyped schema " + schema);
    }

    private static boolean isArray(JsonObject schema) {
        JsonValue t = schema.get("type");
        return t != null && t.toString().contains("array");
    }

    private static JsonObject resolve(JsonObject schema, String where) {
        if (schema.containsKey("$ref")) {
            String ref = schema.getString("$ref");
            JsonObject target = schemas.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
            assertThat(target).as(where + " " + ref).isNotNull();
            return target;
        }
        return schema;
    }
}
