package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.error.ErrorBodies;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Documents the error answers of every operation with the two shapes {@link ErrorMapper} writes:
 * one {@code OpenAiError} schema on {@code /v1}, one {@code Problem} schema elsewhere. Every
 * exception goes through the one mapper, so the error bodies are the same everywhere and are
 * described here once rather than on each of some eighty methods; the resources document which
 * codes mean what. Registered as {@code mp.openapi.filter}.
 */
public class OpenApiErrors implements OASFilter {
    static final String PROBLEM = "Problem";
    static final String OPENAI_ERROR = "OpenAiError";
    static final String ANTHROPIC_ERROR = "AnthropicError";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(OASFactory.createComponents());
        }
        api.getComponents().addSchema(PROBLEM, problem());
        api.getComponents().addSchema(OPENAI_ERROR, openAiError());
        api.getComponents().addSchema(ANTHROPIC_ERROR, anthropicError());
        if (api.getPaths() == null || api.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : api.getPaths().getPathItems().entrySet()) {
            boolean openAi = ErrorBodies.isOpenAiPath(path.getKey());
            Map<PathItem.HttpMethod, Operation> ops = path.getValue().getOperations();
            if (ops == null) {
                continue;
            }
            String schema =
                    ErrorBodies.isAnthropicPath(path.getKey())
                            ? ANTHROPIC_ERROR
                            : openAi ? OPENAI_ERROR : PROBLEM;
            for (Operation op : ops.values()) {
                document(op, openAi, schema, path.getKey().contains("{"));
            }
        }
    }

    private static void document(Operation op, boolean openAi, String schema, boolean pathParams) {
        APIResponses responses = op.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            op.setResponses(responses);
        }
        boolean secured = op.getSecurity() != null && !op.getSecurity().isEmpty();
        boolean input =
                op.getRequestBody() != null
                        || (op.getParameters() != null && !op.getParameters().isEmpty());
        if (input) {
            ensure(responses, "400", "Invalid input; the answer names the field (param)");
        }
        if (secured) {
            ensure(
                    responses,
                    "401",
                    openAi
                            ? "Missing, unknown, expired or revoked API key"
                            : "Missing, invalid, expired or revoked access token");
            ensure(
                    responses,
                    "403",
                    openAi
                            ? "The key may not use this (route, client address) or its tenant is suspended"
                            : "The caller lacks the role, or its tenant is suspended");
        }
        if (pathParams) {
            ensure(responses, "404", "No such object in the caller's tenant");
        }
        if (openAi) {
            ensure(responses, "429", "Rate limit or budget exceeded; see Retry-After");
        }
        String media = openAi ? "application/json" : ErrorBodies.PROBLEM_JSON;
        String ref = "#/components/schemas/" + schema;
        for (Map.Entry<String, APIResponse> r : responses.getAPIResponses().entrySet()) {
            if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                Content content =
                        OASFactory.createContent()
                                .addMediaType(
                                        media,
                                        OASFactory.createMediaType()
                                                .schema(OASFactory.createSchema().ref(ref)));
                r.getValue().setContent(content);
            }
        }
    }

    private static void ensure(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        }
    }

    private static Schema string(String description) {
        return OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.STRING))
                .description(description);
    }

    /** RFC 9457 problem JSON as {@link ErrorBodies} builds it. */
    static Schema problem() {
        return OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description(
                        "RFC 9457 problem details: every error outside /v1, as"
                                + " application/problem+json. Never a stack trace.")
                .addProperty(
                        "type",
                        string("urn:gatehouse:problem:<code>")
                                .example("urn:gatehouse:problem:validation_failed"))
                .addProperty("title", string("The HTTP status's reason phrase"))
                .addProperty(
                        "status",
                        OASFactory.createSchema()
                                .type(List.of(Schema.SchemaType.INTEGER))
                                .description("The HTTP status"))
                .addProperty("detail", string("What went wrong, for people"))
                .addProperty(
                        "code",
                        string("Stable machine-readable reason, e.g. validation_failed, not_found")
                                .example("validation_failed"))
                .addProperty("instance", string("The request path"))
                .addProperty("param", string("The offending field or parameter, when one is"))
                .addProperty("requestId", string("The server's request id (also in X-Request-Id)"))
                .required(List.of("type", "title", "status", "detail", "code", "instance"));
    }

    /** Anthropic's error object, on the Messages dialect ({@code /v1/messages}). */
    static Schema anthropicError() {
        Schema error =
                OASFactory.createSchema()
                        .type(List.of(Schema.SchemaType.OBJECT))
                        .addProperty(
                                "type",
                                string("Anthropic's error type, by HTTP status")
                                        .enumeration(
                                                List.<Object>of(
                                                        "invalid_request_error",
                                                        "authentication_error",
                                                        "permission_error",
                                                        "not_found_error",
                                                        "request_too_large",
                                                        "rate_limit_error",
                                                        "api_error",
                                                        "overloaded_error")))
                        .addProperty("message", string("What went wrong, for people"))
                        .required(List.of("type", "message"));
        return OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description(
                        "Anthropic's error JSON: every error on /v1/messages (Gatehouse's code in"
                                + " the x-gatehouse-error-code header)")
                .addProperty("type", string("Always error").enumeration(List.<Object>of("error")))
                .addProperty("error", error)
                .required(List.of("type", "error"));
    }

    /** OpenAI's error object, what SDKs parse. */
    static Schema openAiError() {
        Schema error =
                OASFactory.createSchema()
                        .type(List.of(Schema.SchemaType.OBJECT))
                        .addProperty("message", string("What went wrong, for people"))
                        .addProperty(
                                "type",
                                string("OpenAI's error type")
                                        .enumeration(
                                                List.<Object>of(
                                                        "invalid_request_error",
                                                        "authentication_error",
                                                        "permission_error",
                                                        "rate_limit_error",
                                                        "server_error",
                                                        "api_error")))
                        .addProperty(
                                "code",
                                string("Stable machine-readable reason").example("invalid_api_key"))
                        .addProperty(
                                "param",
                                OASFactory.createSchema()
                                        .type(
                                                List.of(
                                                        Schema.SchemaType.STRING,
                                                        Schema.SchemaType.NULL))
                                        .description("The offending field, or null"))
                        .required(List.of("message", "type", "code", "param"));
        return OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description("OpenAI's error JSON: every error on /v1")
                .addProperty("error", error)
                .required(List.of("error"));
    }
}
